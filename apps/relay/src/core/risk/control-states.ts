// Each control of a member with its state and until when (docs/risk-controls.md, "Until when"): what the member's
// card, drawer and the account's details show. Pure: the relay's controls hand in what they know.
import type { RiskControlState } from '@sankey/shared/api/risk-views';
import type { EquityGuard, MemberRisk } from '@sankey/shared/domain/risk';
import { RISK } from '../engine';
import { dailyLossLimit, type GuardState, nextDayStart } from './equity-guard';
import { inTradingHours, nextTransition } from './trading-hours';

export interface ControlInputs {
  risk: MemberRisk;
  masterCloseOnly: boolean;
  /** The member's risk word now (the position bit is the one the signal path last set). */
  word: number;
  openCopies: number;
  guard: EquityGuard | undefined;
  guardState: GuardState | undefined;
  /** The account's latest equity; null before its first heartbeat. */
  equity: number | null;
}

/** A member under a control now: why its Opens are refused (first the link's own, then the master's, …). */
export interface MemberRiskState {
  tradeGroupId: string;
  slaveAccount: string;
  reasons: (
    | 'manual_close_only'
    | 'master_close_only'
    | 'equity_guard'
    | 'max_positions'
    | 'outside_trading_hours'
  )[];
  openCopies: number;
}

/** An account's risk state as the control API shows it. */
export interface AccountRiskView {
  accountId: string;
  equityGuard: EquityGuard | null;
  /** The trading day, its start equity and a trip (with when it clears by itself: the next day start). */
  day: string | null;
  dayStartEquity: number | null;
  tripped: { reason: string; at: string; equity: number; until: string } | null;
  masterCloseOnly: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The equity at which the guard trips: the higher of the minimum and the day-start equity less the daily limit. */
export function guardFloor(guard: EquityGuard, dayStartEquity: number | null): number | null {
  const floors: number[] = [];
  if (guard.minEquity !== null) floors.push(guard.minEquity);
  if (guard.dailyLoss !== null && dayStartEquity !== null)
    floors.push(dayStartEquity - dailyLossLimit(guard.dailyLoss, dayStartEquity));
  return floors.length > 0 ? Math.max(...floors) : null;
}

function guardState(guard: EquityGuard, st: GuardState | undefined, equity: number | null, now: number) {
  const t = st?.tripped ?? null;
  const dayStart = st?.dayStartEquity ?? null;
  let limit = guardFloor(guard, dayStart);
  if (t?.reason === 'min_equity') limit = guard.minEquity;
  else if (t?.reason === 'daily_loss' && guard.dailyLoss && dayStart !== null)
    limit = dayStart - dailyLossLimit(guard.dailyLoss, dayStart);
  return {
    control: 'equity_guard' as const,
    closeOnly: t !== null,
    reason: t?.reason ?? null,
    // A daily-loss trip ends at the next day start; a minimum-equity trip holds until an operator resets it.
    until: t?.reason === 'daily_loss' ? iso(nextDayStart(guard, now)) : null,
    timeZone: guard.timeZone,
    equity: t ? t.equity : equity,
    limit,
  };
}

/** The member's controls that are set, in the order the Trades page names refusals. */
export function memberControlStates(inp: ControlInputs, now: number): RiskControlState[] {
  const out: RiskControlState[] = [];
  const r = inp.risk;
  if (r.closeOnly) out.push({ control: 'manual_close_only', closeOnly: true });
  if (inp.masterCloseOnly) out.push({ control: 'master_close_only', closeOnly: true });
  if (inp.guard) out.push(guardState(inp.guard, inp.guardState, inp.equity, now));
  if (r.maxOpenPositions !== null)
    out.push({
      control: 'max_positions',
      closeOnly: (inp.word & RISK.POSITIONS) !== 0,
      open: inp.openCopies,
      max: r.maxOpenPositions,
    });
  if (r.tradingHours) {
    const next = nextTransition(r.tradingHours, now);
    out.push({
      control: 'trading_hours',
      closeOnly: !inTradingHours(r.tradingHours, now),
      until: next === null ? null : iso(next),
      timeZone: r.tradingHours.timeZone,
    });
  }
  return out;
}
