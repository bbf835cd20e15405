// risk.* (docs/api.md, "Risk controls"): per-account equity guards, master close-only and closeAll, over the relay.
import {
  accountRiskViewSchema,
  closeAllResultSchema,
  masterCloseOnlyInputSchema,
  memberControlsSchema,
  memberRiskStateSchema,
  riskAccountInputSchema,
  riskListInputSchema,
  setGuardInputSchema,
} from '@sankey/shared/api/risk-views';
import { z } from 'zod';
import { authedProcedure as p, router } from '../init';

export const riskRouter = router({
  /** Accounts with a guard or master close-only (one account with `accountId`); null when the relay is unreachable. */
  list: p
    .input(riskListInputSchema)
    .output(z.array(accountRiskViewSchema).nullable())
    .query(({ ctx, input }) => ctx.services.risk.list(input?.accountId)),
  /** Members under a control now (close-only, cap reached, outside trading hours…), with why. */
  members: p
    .output(z.array(memberRiskStateSchema).nullable())
    .query(({ ctx }) => ctx.services.risk.members()),
  /** Every member with a control set, each control's state with until when and why. */
  controls: p
    .output(z.array(memberControlsSchema).nullable())
    .query(({ ctx }) => ctx.services.risk.controls()),
  setGuard: p
    .input(setGuardInputSchema)
    .output(accountRiskViewSchema)
    .mutation(({ ctx, input }) => ctx.services.risk.setGuard(input.accountId, input.guard)),
  removeGuard: p
    .input(riskAccountInputSchema)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx, input }) => ctx.services.risk.removeGuard(input.accountId)),
  resetGuard: p
    .input(riskAccountInputSchema)
    .output(accountRiskViewSchema)
    .mutation(({ ctx, input }) => ctx.services.risk.reset(input.accountId)),
  setMasterCloseOnly: p
    .input(masterCloseOnlyInputSchema)
    .output(accountRiskViewSchema)
    .mutation(({ ctx, input }) => ctx.services.risk.setMasterCloseOnly(input.accountId, input.closeOnly)),
  closeAll: p
    .input(riskAccountInputSchema)
    .output(closeAllResultSchema)
    .mutation(({ ctx, input }) => ctx.services.risk.closeAll(input.accountId)),
});
