// The risk rules in isolation (docs/protocol.md D22): trading-hours windows in a zone with DST, the equity guard's
// limits and day starts.
import { equityGuardSchema, memberRiskSchema, tradingHoursSchema } from '@sankey/shared/domain/risk';
import { describe, expect, it } from 'vitest';
import { dailyLossLimit, EquityGuards, guardVerdict, nextDayStart, tradingDay } from './equity-guard';
import { inTradingHours, nextTransition } from './trading-hours';

const at = (iso: string) => Date.parse(iso);
const weekdays = (from: string, to: string) => [1, 2, 3, 4, 5].map((day) => ({ day, from, to }));

describe('trading hours', () => {
  const london = tradingHoursSchema.parse({ timeZone: 'Europe/London', windows: weekdays('08:00', '22:00') });

  it('keeps local wall-clock windows across the Europe/London spring DST switch (30 March 2025)', () => {
    // Friday before the switch: London is UTC+0, so 22:00 local is 22:00Z.
    expect(inTradingHours(london, at('2025-03-28T21:59:00Z'))).toBe(true);
    expect(inTradingHours(london, at('2025-03-28T22:00:00Z'))).toBe(false);
    // Monday after the switch: UTC+1, so the window ends at 21:00Z and starts at 07:00Z.
    expect(inTradingHours(london, at('2025-03-31T20:59:00Z'))).toBe(true);
    expect(inTradingHours(london, at('2025-03-31T21:00:00Z'))).toBe(false);
    expect(inTradingHours(london, at('2025-03-31T06:59:00Z'))).toBe(false);
    expect(inTradingHours(london, at('2025-03-31T07:00:00Z'))).toBe(true);
    expect(inTradingHours(london, at('2025-03-29T12:00:00Z'))).toBe(false); // Saturday
  });

  it('finds the next transition in UTC on both sides of the autumn switch (26 October 2025)', () => {
    expect(nextTransition(london, at('2025-10-24T12:00:00Z'))).toBe(at('2025-10-24T21:00:00Z')); // BST
    // From Friday evening (closed) the next opening is Monday 08:00 GMT, after the clocks went back.
    expect(nextTransition(london, at('2025-10-24T21:30:00Z'))).toBe(at('2025-10-27T08:00:00Z'));
    expect(nextTransition(london, at('2025-10-27T12:00:00Z'))).toBe(at('2025-10-27T22:00:00Z'));
  });

  it('runs a window whose end is before its start past midnight, Saturday night into Sunday too', () => {
    const night = tradingHoursSchema.parse({ windows: [{ day: 6, from: '22:00', to: '02:00' }] });
    expect(inTradingHours(night, at('2025-01-04T23:00:00Z'))).toBe(true); // Saturday
    expect(inTradingHours(night, at('2025-01-05T01:59:00Z'))).toBe(true); // Sunday
    expect(inTradingHours(night, at('2025-01-05T02:00:00Z'))).toBe(false);
    expect(inTradingHours(night, at('2025-01-04T21:59:00Z'))).toBe(false);
  });

  it('accepts several windows a day and 24:00 as an end; the zone defaults to UTC', () => {
    const split = tradingHoursSchema.parse({
      windows: [
        { day: 3, from: '00:00', to: '12:00' },
        { day: 3, from: '13:00', to: '24:00' },
      ],
    });
    expect(split.timeZone).toBe('UTC');
    expect(inTradingHours(split, at('2025-01-01T12:30:00Z'))).toBe(false);
    expect(inTradingHours(split, at('2025-01-01T23:59:00Z'))).toBe(true);
    expect(inTradingHours(split, at('2025-01-02T00:00:00Z'))).toBe(false);
  });

  it('refuses bad settings with messages that say what is wrong', () => {
    const issues = (v: unknown) => memberRiskSchema.safeParse(v).error?.issues.map((i) => i.message) ?? [];
    expect(
      issues({ tradingHours: { timeZone: 'Mars/Olympus', windows: weekdays('08:00', '22:00') } }),
    ).toEqual(['not an IANA time zone (e.g. UTC, Europe/London, Asia/Tokyo)']);
    expect(issues({ tradingHours: { windows: [{ day: 7, from: '08:00', to: '9:00' }] } })).toEqual([
      'day is 0 (Sunday) to 6 (Saturday)',
      'to must be HH:MM (00:00–24:00)',
    ]);
    expect(issues({ tradingHours: { windows: [] } })).toEqual([
      'at least one window (or no trading hours at all)',
    ]);
    expect(issues({ maxOpenPositions: 0 })).toEqual(['must be ≥ 1']);
    expect(memberRiskSchema.parse({})).toEqual({
      closeOnly: false,
      maxOpenPositions: null,
      tradingHours: null,
    });
  });
});

describe('equity guard', () => {
  const guard = (over: object) => equityGuardSchema.parse(over);

  it('a percent limit is a share of the day-start equity; an amount is absolute', () => {
    const pct = guard({ dailyLoss: { kind: 'percent', value: 5 } });
    expect(dailyLossLimit(pct.dailyLoss!, 10_000)).toBe(500);
    expect(guardVerdict(pct, 10_000, 9_510)).toBeNull(); // 4.9 %
    expect(guardVerdict(pct, 10_000, 9_490)).toBe('daily_loss'); // 5.1 %
    const amount = guard({ dailyLoss: { kind: 'amount', value: 300 } });
    expect(guardVerdict(amount, 10_000, 9_701)).toBeNull();
    expect(guardVerdict(amount, 10_000, 9_700)).toBe('daily_loss');
    expect(guardVerdict(guard({ minEquity: 5_000 }), null, 4_999)).toBe('min_equity');
  });

  it('refuses a guard with no limit and a percent over 100', () => {
    expect(equityGuardSchema.safeParse({}).error?.issues[0]?.message).toBe(
      'set minEquity, dailyLoss or both',
    );
    expect(
      equityGuardSchema.safeParse({ dailyLoss: { kind: 'percent', value: 150 } }).error?.issues[0]?.message,
    ).toBe('a percent is at most 100');
  });

  it('the trading day starts at the configured local hour', () => {
    const g = guard({ minEquity: 1, dayStartHour: 7, timeZone: 'Asia/Tokyo' });
    // 21:59Z is 06:59 in Tokyo: still the previous trading day; 22:00Z starts the next one.
    expect(tradingDay(g, at('2025-01-01T21:59:00Z'))).toBe('2025-01-01');
    expect(tradingDay(g, at('2025-01-01T22:00:00Z'))).toBe('2025-01-02');
    expect(nextDayStart(g, at('2025-01-01T12:00:00Z'))).toBe(at('2025-01-01T22:00:00Z'));
  });

  it('trips on the day loss, holds until the next day start, persists each day, its start equity and the trip', () => {
    const saved: [string, string, number | null][] = [];
    const trips: (string | null)[] = [];
    const events: string[] = [];
    const guards = new EquityGuards(
      {
        saveDayStart: (a, d, e) => saved.push([a, d, e]),
        saveTrip: (_a, t) => trips.push(t ? `${t.reason}@${t.equity}` : null),
      },
      (e, a) => events.push(`${a}:${e}`),
    );
    guards.configure('S1', guard({ dailyLoss: { kind: 'percent', value: 5 } }));
    const t0 = at('2025-01-01T08:00:00Z');
    expect(guards.check('S1', 10_000, t0)).toBe(false);
    expect(guards.check('S1', 9_490, t0 + 1000)).toBe(true);
    expect(guards.isTripped('S1')).toBe(true);
    expect(guards.check('S1', 10_500, t0 + 2000)).toBe(false); // a recovery does not clear it
    expect(guards.isTripped('S1')).toBe(true);
    expect(guards.check('S1', 10_500, at('2025-01-02T00:00:00Z'))).toBe(true); // the next day clears it
    expect(guards.isTripped('S1')).toBe(false);
    expect(saved).toEqual([
      ['S1', '2025-01-01', null],
      ['S1', '2025-01-01', 10_000],
      ['S1', '2025-01-02', null],
      ['S1', '2025-01-02', 10_500],
    ]);
    expect(trips).toEqual(['daily_loss@9490', null]);
    expect(events).toEqual(['S1:tripped', 'S1:day_start_cleared']);
  });

  it('a restored trip holds after a restart even though the equity recovered, until a reset', () => {
    const guards = new EquityGuards(undefined);
    guards.configure('S1', guard({ minEquity: 900 }));
    const tripped = { reason: 'min_equity' as const, atMs: at('2025-01-01T09:00:00Z'), equity: 850 };
    guards.restore([{ accountId: 'S1', day: '2025-01-01', dayStartEquity: 1_000, tripped }]);
    expect(guards.isTripped('S1')).toBe(true);
    expect(guards.check('S1', 1_200, at('2025-01-01T10:00:00Z'))).toBe(false);
    expect(guards.isTripped('S1')).toBe(true);
    expect(guards.reset('S1', 1_200)).toBe(true);
    expect(guards.isTripped('S1')).toBe(false);
  });

  it('a restored day start survives a restart; a reset measures the loss from the current equity', () => {
    const guards = new EquityGuards(undefined);
    guards.configure('S1', guard({ dailyLoss: { kind: 'amount', value: 100 } }));
    guards.restore([{ accountId: 'S1', day: '2025-01-01', dayStartEquity: 1_000, tripped: null }]);
    expect(guards.check('S1', 899, at('2025-01-01T10:00:00Z'))).toBe(true);
    expect(guards.reset('S1', 899)).toBe(true);
    expect(guards.check('S1', 899, at('2025-01-01T10:00:01Z'))).toBe(false);
    expect(guards.check('S1', 799, at('2025-01-01T10:00:02Z'))).toBe(true);
    expect(guards.reset('S2', 1)).toBe(false);
  });
});
