// Risk-control settings (docs/protocol.md D22). They are the relay's own: validated here, stored with the member
// (SlaveSettings.risk) or the slave account, and never put on the wire.
import { z } from 'zod';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
export const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

const timeZoneSchema = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not an IANA time zone (e.g. UTC, Europe/London, Asia/Tokyo)' },
);

/**
 * One weekly window: `day` 0 = Sunday … 6 = Saturday, `from` inclusive, `to` exclusive, local `HH:MM` (`to` may be
 * `24:00`). A window with `to` before `from` runs past midnight into the next day.
 */
export const tradingWindowSchema = z
  .strictObject({
    day: z
      .number()
      .int()
      .min(0, 'day is 0 (Sunday) to 6 (Saturday)')
      .max(6, 'day is 0 (Sunday) to 6 (Saturday)'),
    from: z.string().regex(HHMM, 'from must be HH:MM (00:00–23:59)'),
    to: z.string().regex(HHMM, 'to must be HH:MM (00:00–24:00)'),
  })
  .refine((w) => w.from !== w.to && w.from !== '24:00', {
    message: 'a window needs from ≠ to (and from before 24:00)',
    path: ['to'],
  });
export type TradingWindow = z.output<typeof tradingWindowSchema>;

export const tradingHoursSchema = z.strictObject({
  timeZone: timeZoneSchema.default('UTC'),
  windows: z.array(tradingWindowSchema).min(1, 'at least one window (or no trading hours at all)').max(64),
});
export type TradingHours = z.output<typeof tradingHoursSchema>;

/** A member's controls. */
export const memberRiskSchema = z.strictObject({
  /** Manual close-only: no new Opens, Closes and Modifies still pass (unlike switching the link off). */
  closeOnly: z.boolean().default(false),
  /** Copied positions open at once before the member goes close-only; null = no cap. */
  maxOpenPositions: z.number().int().min(1, 'must be ≥ 1').max(100_000).nullable().default(null),
  /** Opens only inside these windows; null = always. */
  tradingHours: tradingHoursSchema.nullable().default(null),
});
export type MemberRisk = z.output<typeof memberRiskSchema>;
export const defaultMemberRisk = (): MemberRisk => ({
  closeOnly: false,
  maxOpenPositions: null,
  tradingHours: null,
});

/** A slave account's equity guard (equity is per account, so it covers all the account's memberships). */
export const equityGuardSchema = z
  .strictObject({
    /** Close-only below this equity; null = none. */
    minEquity: z.number().min(0, 'must be ≥ 0').nullable().default(null),
    /** Close-only once the day's loss reaches this, an amount or a percent of the equity at the day start. */
    dailyLoss: z
      .strictObject({ kind: z.enum(['amount', 'percent']), value: z.number().gt(0, 'must be > 0') })
      .refine((l) => l.kind === 'amount' || l.value <= 100, {
        message: 'a percent is at most 100',
        path: ['value'],
      })
      .nullable()
      .default(null),
    /** Local hour (in timeZone) at which the trading day starts and a tripped guard clears. */
    dayStartHour: z.number().int().min(0).max(23).default(0),
    timeZone: timeZoneSchema.default('UTC'),
    /** On a trip, close every copy still open on the account once (isolated delivery only, docs/protocol.md D23). */
    closeAll: z.boolean().default(false),
  })
  .refine((g) => g.minEquity !== null || g.dailyLoss !== null, {
    message: 'set minEquity, dailyLoss or both',
  });
export type EquityGuard = z.output<typeof equityGuardSchema>;
