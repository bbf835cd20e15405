// deliveries, endpoints and blocklist (docs/api.md): the operator's side of delivery, over the relay's control API.
import {
  blockedEaViewSchema,
  blockInputSchema,
  deadLetterViewSchema,
  deliveriesListInputSchema,
  deliveriesMetricsInputSchema,
  deliveriesParkedInputSchema,
  deliveriesPurgeInputSchema,
  deliveriesRetryInputSchema,
  deliveryMetricsSchema,
  endpointViewSchema,
  parkedViewSchema,
  retryResultSchema,
  unblockInputSchema,
} from '@sankey/shared/api/ops-views';
import { z } from 'zod';
import { authedProcedure as p, router } from '../init';

export const deliveriesRouter = router({
  /** null when the relay is unreachable. */
  list: p
    .input(deliveriesListInputSchema)
    .output(z.array(deadLetterViewSchema).nullable())
    .query(({ ctx, input }) => ctx.services.deliveries.list(input ?? {})),
  /** What waits for slaves that are away (the relay's parking lot); null when the relay is unreachable. */
  parked: p
    .input(deliveriesParkedInputSchema)
    .output(parkedViewSchema.nullable())
    .query(({ ctx, input }) => ctx.services.deliveries.parked(input ?? {})),
  retry: p
    .input(deliveriesRetryInputSchema)
    .output(retryResultSchema)
    .mutation(({ ctx, input }) => ctx.services.deliveries.retry(input.id, input.force ?? false)),
  purge: p
    .input(deliveriesPurgeInputSchema)
    .output(z.object({ purged: z.number().int() }))
    .mutation(({ ctx, input }) => ctx.services.deliveries.purge(input.olderThanDays)),
  metrics: p
    .input(deliveriesMetricsInputSchema)
    .output(deliveryMetricsSchema.nullable())
    .query(({ ctx, input }) => ctx.services.deliveries.metrics(input?.window)),
});

export const endpointsRouter = router({
  list: p
    .output(z.array(endpointViewSchema).nullable())
    .query(({ ctx }) => ctx.services.deliveries.endpoints()),
});

export const blocklistRouter = router({
  list: p
    .output(z.array(blockedEaViewSchema).nullable())
    .query(({ ctx }) => ctx.services.deliveries.blocklist()),
  block: p
    .input(blockInputSchema)
    .output(blockedEaViewSchema)
    .mutation(({ ctx, input }) => ctx.services.deliveries.block(input.accountId, input.reason ?? '')),
  unblock: p
    .input(unblockInputSchema)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx, input }) => ctx.services.deliveries.unblock(input.accountId)),
});
