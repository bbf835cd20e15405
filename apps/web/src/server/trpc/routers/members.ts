import {
  addMemberInputSchema,
  memberKeyInputSchema,
  memberListInputSchema,
  toggleMemberInputSchema,
  updateMemberInputSchema,
} from '@sankey/shared/api/inputs';
import { memberViewSchema } from '@sankey/shared/api/views';
import { z } from 'zod';
import { authedProcedure as p, router } from '../init';
import { deletedSchema } from '../outputs';

export const membersRouter = router({
  list: p
    .input(memberListInputSchema)
    .output(z.array(memberViewSchema))
    .query(({ ctx, input }) => ctx.services.members.list(input.tradeGroupId)),
  get: p
    .input(memberKeyInputSchema)
    .output(memberViewSchema)
    .query(({ ctx, input }) => ctx.services.members.get(input)),
  add: p
    .input(addMemberInputSchema)
    .output(memberViewSchema)
    .mutation(({ ctx, input }) => ctx.services.members.add(input)),
  update: p
    .input(updateMemberInputSchema)
    .output(memberViewSchema)
    .mutation(({ ctx, input }) => ctx.services.members.update(input)),
  toggle: p
    .input(toggleMemberInputSchema)
    .output(memberViewSchema)
    .mutation(({ ctx, input }) => ctx.services.members.toggle(input)),
  delete: p
    .input(memberKeyInputSchema)
    .output(deletedSchema)
    .mutation(({ ctx, input }) => ctx.services.members.delete(input)),
});
