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

/**
 * One control of a member and its state now (docs/risk-controls.md, "Until when"): whether it holds the member
 * close-only, until when (an instant, or what ends it), and the figures behind it. `until` is an ISO instant.
 */
export const riskControlStateSchema = z.discriminatedUnion('control', [
  /** Closed (close-only) until the next window opens, or open until the window closes; null: never changes. */
  z.object({
    control: z.literal('trading_hours'),
    closeOnly: z.boolean(),
    until: z.string().nullable(),
    timeZone: z.string(),
  }),
  /**
   * Tripped for a daily loss: until the account's next day start (`until`); for the minimum equity: until an
   * operator reset (`until` null). Not tripped: `until` null. `equity` is the trip's (or the latest) equity and
   * `limit` the equity at which it trips (the higher of the minimum and the day-start equity less the daily limit).
   */
  z.object({
    control: z.literal('equity_guard'),
    closeOnly: z.boolean(),
    reason: z.enum(['min_equity', 'daily_loss']).nullable(),
    until: z.string().nullable(),
    timeZone: z.string(),
    equity: z.number().nullable(),
    limit: z.number().nullable(),
  }),
  /** n of max copies open; close-only until a Close brings the count under max. */
  z.object({
    control: z.literal('max_positions'),
    closeOnly: z.boolean(),
    open: z.number().int(),
    max: z.number().int(),
  }),
  /** The link's own close-only, until switched off. */
  z.object({ control: z.literal('manual_close_only'), closeOnly: z.literal(true) }),
  /** The master's close-only, until switched off. */
  z.object({ control: z.literal('master_close_only'), closeOnly: z.literal(true) }),
]);
export type RiskControlState = z.infer<typeof riskControlStateSchema>;

/** Every control set for a member (not only those in force), each with its state. */
export const memberControlsSchema = z.object({
  tradeGroupId: z.string(),
  slaveAccount: z.string(),
  controls: z.array(riskControlStateSchema),
  /**
   * Cluster mode: the relay that computed this view, when it is not the relay that answered — the relay holding
   * the member's slave EA (docs/cluster.md, Risk state across relays).
   */
  relayId: z.string().optional(),
});
export type MemberControlsView = z.infer<typeof memberControlsSchema>;
