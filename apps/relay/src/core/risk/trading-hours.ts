// Trading-hours windows (docs/protocol.md D22): whether an instant lies in a member's weekly windows, read in the
// windows' own zone so that a window keeps its wall-clock times across DST switches.
import { minutesOf, type TradingHours } from '@sankey/shared/domain/risk';
import { type LocalTime, localTime } from './zone-clock';

const DAY = 1440;
const WEEK = 7 * DAY;

/** True when local weekday/minute lies inside one of the windows (`to` exclusive; past-midnight windows wrap). */
export function inWindows(hours: TradingHours, local: Pick<LocalTime, 'weekday' | 'minute'>): boolean {
  const at = local.weekday * DAY + local.minute;
  for (const w of hours.windows) {
    const from = w.day * DAY + minutesOf(w.from);
    let to = w.day * DAY + minutesOf(w.to);
    if (to <= from) to += DAY; // runs into the next day
    // Minute of the week relative to the window start, modulo a week (Saturday-night windows reach Sunday).
    const rel = (at - from + WEEK) % WEEK;
    if (rel < to - from) return true;
  }
  return false;
}

export function inTradingHours(hours: TradingHours, ms: number): boolean {
  return inWindows(hours, localTime(hours.timeZone, ms));
}

/**
 * When the state next changes after `ms`, for display ("until 22:00"). Walks local minutes at the current UTC
 * offset, then corrects once for an offset change on the way (DST); null when it never changes.
 */
export function nextTransition(hours: TradingHours, ms: number): number | null {
  const local = localTime(hours.timeZone, ms);
  const now = inWindows(hours, local);
  const start = local.weekday * DAY + local.minute;
  for (let d = 1; d <= WEEK; d++) {
    const m = (start + d) % WEEK;
    if (inWindows(hours, { weekday: Math.floor(m / DAY), minute: m % DAY }) === now) continue;
    const minuteStart = ms - (ms % 60_000);
    let at = minuteStart + d * 60_000;
    const got = localTime(hours.timeZone, at);
    const drift = ((((m - (got.weekday * DAY + got.minute)) % WEEK) + WEEK + WEEK / 2) % WEEK) - WEEK / 2;
    at += drift * 60_000;
    return at;
  }
  return null;
}
