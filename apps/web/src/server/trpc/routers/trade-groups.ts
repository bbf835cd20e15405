import {
  createTradeGroupInputSchema,
  toggleTradeGroupInputSchema,
  tradeGroupIdInputSchema,
  updateTradeGroupInputSchema,
} from '@sankey/shared/api/inputs';
import { tradeGroupViewSchema } from '@sankey/shared/api/views';
import { z } from 'zod';
import { authedProcedure as p, router } from '../init';
import { deletedSchema } from '../outputs';

export const tradeGroupsRouter = router({
  list: p.output(z.array(tradeGroupViewSchema)).query(({ ctx }) => ctx.services.tradeGroups.list()),
  get: p
    .input(tradeGroupIdInputSchema)
    .output(tradeGroupViewSchema)
    .query(({ ctx, input }) => ctx.services.tradeGroups.get(input.id)),
  create: p
    .input(createTradeGroupInputSchema)
    .output(tradeGroupViewSchema)
    .mutation(({ ctx, input }) => ctx.services.tradeGroups.create(input)),
  update: p
    .input(updateTradeGroupInputSchema)
    .output(tradeGroupViewSchema)
    .mutation(({ ctx, input }) => ctx.services.tradeGroups.update(input)),
  toggle: p
    .input(toggleTradeGroupInputSchema)
    .output(tradeGroupViewSchema)
    .mutation(({ ctx, input }) => ctx.services.tradeGroups.toggle(input)),
  delete: p
    .input(tradeGroupIdInputSchema)
    .output(deletedSchema)
    .mutation(({ ctx, input }) => ctx.services.tradeGroups.delete(input.id)),
});
