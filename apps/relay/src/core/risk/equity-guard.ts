// The equity guard (docs/protocol.md D22): per slave account, minimum equity and daily loss limit. A trip holds
// until the account's next day start or an operator reset; the day-start equity is persisted through a port.
import type { EquityGuard } from '@sankey/shared/domain/risk';
import { localTime, previousDate } from './zone-clock';

export type GuardReason = 'min_equity' | 'daily_loss';

export interface GuardState {
  /** The trading day (`YYYY-MM-DD` of its start in the guard's zone). */
  day: string;
  dayStartEquity: number | null;
  tripped: { reason: GuardReason; atMs: number; equity: number } | null;
}

/** Where day-start equities go so that a restart keeps them (written off the hot path, must not block). */
export interface DayStartStore {
  saveDayStart(accountId: string, day: string, equity: number): void;
}

export interface DayStartRow {
  accountId: string;
  day: string;
  equity: number;
}

/** The trading day `ms` falls in: the local date, or the day before while the local hour is before the start. */
export function tradingDay(guard: Pick<EquityGuard, 'dayStartHour' | 'timeZone'>, ms: number): string {
  const local = localTime(guard.timeZone, ms);
  return local.minute < guard.dayStartHour * 60 ? previousDate(local.date) : local.date;
}

/** The loss (amount) at which the daily limit trips, given the equity at the day start. */
export function dailyLossLimit(limit: NonNullable<EquityGuard['dailyLoss']>, dayStartEquity: number): number {
  return limit.kind === 'amount' ? limit.value : (dayStartEquity * limit.value) / 100;
}

export function guardVerdict(
  guard: EquityGuard,
  dayStartEquity: number | null,
  equity: number,
): GuardReason | null {
  if (guard.minEquity !== null && equity < guard.minEquity) return 'min_equity';
  if (guard.dailyLoss !== null && dayStartEquity !== null) {
    if (dayStartEquity - equity >= dailyLossLimit(guard.dailyLoss, dayStartEquity)) return 'daily_loss';
  }
  return null;
}

export class EquityGuards {
  private readonly guards = new Map<string, EquityGuard>();
  private readonly states = new Map<string, GuardState>();

  constructor(private readonly store: DayStartStore | undefined) {}

  accounts(): IterableIterator<string> {
    return this.guards.keys();
  }

  guard(accountId: string): EquityGuard | undefined {
    return this.guards.get(accountId);
  }

  state(accountId: string): GuardState | undefined {
    return this.states.get(accountId);
  }

  /** Sets or removes an account's guard; returns true when that clears a trip. */
  configure(accountId: string, guard: EquityGuard | null): boolean {
    if (guard) {
      this.guards.set(accountId, guard);
      return false;
    }
    this.guards.delete(accountId);
    const was = this.states.get(accountId)?.tripped != null;
    this.states.delete(accountId);
    return was;
  }

  /** Day-start equities persisted before a restart (a trip is not: the first check trips again if still due). */
  restore(rows: readonly DayStartRow[]): void {
    for (const r of rows)
      this.states.set(r.accountId, { day: r.day, dayStartEquity: r.equity, tripped: null });
  }

  isTripped(accountId: string): boolean {
    return this.states.get(accountId)?.tripped != null;
  }

  /**
   * Checks one account against its latest equity (null: none reported yet). Returns true when the tripped state
   * changed (a new trip, or a trip cleared by the day start).
   */
  check(accountId: string, equity: number | null, nowMs: number): boolean {
    const guard = this.guards.get(accountId);
    if (!guard) return false;
    const day = tradingDay(guard, nowMs);
    let st = this.states.get(accountId);
    let changed = false;
    if (!st || st.day !== day) {
      changed = st?.tripped != null;
      st = { day, dayStartEquity: null, tripped: null };
      this.states.set(accountId, st);
    }
    if (equity === null) return changed;
    if (st.dayStartEquity === null) {
      st.dayStartEquity = equity;
      this.store?.saveDayStart(accountId, day, equity);
    }
    if (st.tripped === null) {
      const reason = guardVerdict(guard, st.dayStartEquity, equity);
      if (reason) {
        st.tripped = { reason, atMs: nowMs, equity };
        changed = true;
      }
    }
    return changed;
  }

  /**
   * Operator reset: clears a trip and measures the day's loss from the current equity from now on (else the next
   * check would trip again at once). A minimum equity still undercut trips again. Returns true when it cleared one.
   */
  reset(accountId: string, equity: number | null): boolean {
    const st = this.states.get(accountId);
    if (!st?.tripped) return false;
    st.tripped = null;
    if (equity !== null) {
      st.dayStartEquity = equity;
      this.store?.saveDayStart(accountId, st.day, equity);
    }
    return true;
  }
}

/** The next day start after `ms` (display: "close-only until …"); walks quarter hours, at most 26 h ahead. */
export function nextDayStart(guard: Pick<EquityGuard, 'dayStartHour' | 'timeZone'>, ms: number): number {
  const day = tradingDay(guard, ms);
  const step = 15 * 60_000;
  let at = ms - (ms % step);
  for (let k = 0; k < 26 * 4; k++) {
    at += step;
    if (tradingDay(guard, at) !== day) return at;
  }
  return at;
}
