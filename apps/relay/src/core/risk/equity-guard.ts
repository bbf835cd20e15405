// The equity guard (docs/protocol.md D22): per slave account, minimum equity and daily loss limit. A trip holds
// until the account's next day start or an operator reset; the day, its start equity and a trip are persisted through
// a port (so a restart neither forgets a trip nor measures the day's loss from a later equity).
import type { EquityGuard } from '@sankey/shared/domain/risk';
import { localTime, previousDate } from './zone-clock';

export type GuardReason = 'min_equity' | 'daily_loss';

export interface GuardState {
  /** The trading day (`YYYY-MM-DD` of its start in the guard's zone). */
  day: string;
  dayStartEquity: number | null;
  tripped: { reason: GuardReason; atMs: number; equity: number } | null;
}

export type GuardEvent = 'tripped' | 'reset' | 'day_start_cleared';

/** Where guard state goes so that a restart keeps it (written off the hot path, must not block). */
export interface GuardStore {
  saveDayStart(accountId: string, day: string, equity: number | null): void;
  saveTrip(accountId: string, tripped: GuardState['tripped']): void;
}

/** An account's guard state as stored, restored at start. */
export interface GuardRow {
  accountId: string;
  day: string | null;
  dayStartEquity: number | null;
  tripped: GuardState['tripped'];
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

  constructor(
    private readonly store: GuardStore | undefined,
    /** Told of each trip, reset and trip cleared by a new day (metrics, log, live events). */
    private readonly onEvent: (event: GuardEvent, accountId: string, state: GuardState) => void = () => {},
  ) {}

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

  /** State persisted before a restart: a trip holds until its day ends or a reset, whatever the equity does. */
  restore(rows: readonly GuardRow[]): void {
    for (const r of rows)
      if (r.day !== null)
        this.states.set(r.accountId, { day: r.day, dayStartEquity: r.dayStartEquity, tripped: r.tripped });
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
      const old = st;
      st = { day, dayStartEquity: null, tripped: null };
      this.states.set(accountId, st);
      this.store?.saveDayStart(accountId, day, null);
      if (changed && old) {
        this.store?.saveTrip(accountId, null);
        this.onEvent('day_start_cleared', accountId, st);
      }
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
        this.store?.saveTrip(accountId, st.tripped);
        this.onEvent('tripped', accountId, st);
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
    this.store?.saveTrip(accountId, null);
    if (equity !== null) {
      st.dayStartEquity = equity;
      this.store?.saveDayStart(accountId, st.day, equity);
    }
    this.onEvent('reset', accountId, st);
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
