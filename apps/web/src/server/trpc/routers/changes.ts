// history and changes (docs/api.md): the change history, and the changes the relay cannot apply now.
import { changeDiscardInputSchema, historyListInputSchema } from '@sankey/shared/api/inputs';
import { changeHistoryViewSchema, outboxFailureViewSchema } from '@sankey/shared/api/views';
import { z } from 'zod';
import { authedProcedure as p, router } from '../init';

export const historyRouter = router({
  list: p
    .input(historyListInputSchema)
    .output(z.array(changeHistoryViewSchema))
    .query(({ ctx, input }) => ctx.services.changes.history(input ?? {})),
});

export const changesRouter = router({
  /** null when the relay is unreachable. */
  failures: p
    .output(z.array(outboxFailureViewSchema).nullable())
    .query(({ ctx }) => ctx.services.changes.failures()),
  discard: p
    .input(changeDiscardInputSchema)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx, input }) => ctx.services.changes.discard(input.outboxId)),
});
