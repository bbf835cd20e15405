// Beyond docs/api.md, Procedures: a link (master → slave) in one call; see docs/api.md.
import { createLinkInputSchema } from '@sankey/shared/api/inputs';
import { linkCreatedSchema } from '@sankey/shared/api/views';
import { authedProcedure as p, router } from '../init';

export const linksRouter = router({
  create: p
    .input(createLinkInputSchema)
    .output(linkCreatedSchema)
    .mutation(({ ctx, input }) => ctx.services.links.create(input)),
});
