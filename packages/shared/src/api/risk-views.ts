// Per-account risk controls as the API shows and changes them (docs/api.md, "Risk controls"; docs/risk-controls.md):
// an account's equity guard with its trading day, day-start equity and trip, and a master's close-only flag.
import { z } from 'zod';
import { equityGuardSchema } from '../domain/risk';
import { accountIdInputSchema as accountIdInput } from './account-id-input';

export const accountRiskViewSchema = z.object({
  accountId: z.string(),
  equityGuard: equityGuardSchema.nullable(),
  day: z.string().nullable(),
  dayStartEquity: z.number().nullable(),
  /** While tripped: why, when, at which equity, and when the next day start clears it by itself. */
  tripped: z.object({ reason: z.string(), at: z.string(), equity: z.number(), until: z.string() }).nullable(),
  masterCloseOnly: z.boolean(),
});
export type AccountRiskView = z.infer<typeof accountRiskViewSchema>;

/** A member under a control now, with why its Opens are refused. */
export const memberRiskStateSchema = z.object({
  tradeGroupId: z.string(),
  slaveAccount: z.string(),
  reasons: z.array(
    z.enum([
      'manual_close_only',
      'master_close_only',
      'equity_guard',
      'max_positions',
      'outside_trading_hours',
    ]),
  ),
  openCopies: z.number().int(),
});
export type MemberRiskStateView = z.infer<typeof memberRiskStateSchema>;

export const closeAllResultSchema = z.object({
  ok: z.literal(true),
  closes: z.number().int(),
  members: z.array(z.string()),
});
export type CloseAllResultView = z.infer<typeof closeAllResultSchema>;

export const riskAccountInputSchema = z.strictObject({ accountId: accountIdInput });
export const riskListInputSchema = z.strictObject({ accountId: accountIdInput.optional() }).optional();
export const setGuardInputSchema = z.strictObject({ accountId: accountIdInput, guard: equityGuardSchema });
export const masterCloseOnlyInputSchema = z.strictObject({
  accountId: accountIdInput,
  closeOnly: z.boolean(),
});
