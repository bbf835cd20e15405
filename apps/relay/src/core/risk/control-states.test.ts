// Each control's state with until when (docs/risk-controls.md, "Until when"): trading hours closed until the next
// window opens (across the Europe/London DST switch), a daily-loss trip until the next day start, a minimum-equity
// trip until a reset, the position cap's n/max, manual and master close-only until switched off.
import { equityGuardSchema, memberRiskSchema } from '@sankey/shared/domain/risk';
import { describe, expect, it } from 'vitest';
import { RISK } from '../engine';
import { type ControlInputs, memberControlStates } from './control-states';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const inputs = (over: Partial<ControlInputs>): ControlInputs => ({
  risk: memberRiskSchema.parse({}),
  masterCloseOnly: false,
  word: 0,
  openCopies: 0,
  guard: undefined,
  guardState: undefined,
  equity: null,
  ...over,
});

describe('trading hours until when', () => {
  // A Sunday-morning window that the spring switch (30 March 2025, 01:00 GMT → 02:00 BST) moves by an hour in UTC.
  const risk = memberRiskSchema.parse({
    tradingHours: {
      timeZone: 'Europe/London',
      windows: [
        { day: 0, from: '03:00', to: '05:00' },
        { day: 1, from: '08:00', to: '22:00' },
      ],
    },
  });

  it('is closed until the window opens at 03:00 BST (02:00Z) when asked on Saturday night in GMT', () => {
    expect(memberControlStates(inputs({ risk }), at('2025-03-29T23:00:00Z'))).toEqual([
      {
        control: 'trading_hours',
        closeOnly: true,
        until: iso(at('2025-03-30T02:00:00Z')),
        timeZone: 'Europe/London',
      },
    ]);
  });

  it('is open until 05:00 BST (04:00Z), then closed until Monday 08:00 BST (07:00Z)', () => {
    expect(memberControlStates(inputs({ risk }), at('2025-03-30T02:30:00Z'))[0]).toMatchObject({
      closeOnly: false,
      until: '2025-03-30T04:00:00.000Z',
    });
    expect(memberControlStates(inputs({ risk }), at('2025-03-30T04:00:00Z'))[0]).toMatchObject({
      closeOnly: true,
      until: '2025-03-31T07:00:00.000Z',
    });
  });

  it('in autumn (26 October 2025) the same window opens at 03:00 GMT = 03:00Z', () => {
    expect(memberControlStates(inputs({ risk }), at('2025-10-25T22:00:00Z'))[0]).toMatchObject({
      closeOnly: true,
      until: '2025-10-26T03:00:00.000Z',
    });
  });
});

describe('equity guard until when', () => {
  const daily = equityGuardSchema.parse({
    dailyLoss: { kind: 'percent', value: 5 },
    minEquity: 1000,
    dayStartHour: 7,
    timeZone: 'Europe/London',
  });

  it('a daily-loss trip holds until the next day start in the account zone, with equity vs limit', () => {
    const now = at('2025-03-29T12:00:00Z'); // Saturday, GMT; the next day start is Sunday 07:00 BST = 06:00Z
    const [s] = memberControlStates(
      inputs({
        guard: daily,
        guardState: {
          day: '2025-03-29',
          dayStartEquity: 10_000,
          tripped: { reason: 'daily_loss', atMs: now - 60_000, equity: 9_490 },
        },
        equity: 9_600,
      }),
      now,
    );
    expect(s).toEqual({
      control: 'equity_guard',
      closeOnly: true,
      reason: 'daily_loss',
      until: '2025-03-30T06:00:00.000Z',
      timeZone: 'Europe/London',
      equity: 9_490,
      limit: 9_500,
    });
  });

  it('a minimum-equity trip holds until a reset (no instant); untripped shows the latest equity and its floor', () => {
    const st = { day: '2025-03-29', dayStartEquity: 10_000, tripped: null };
    const min = memberControlStates(
      inputs({
        guard: daily,
        guardState: { ...st, tripped: { reason: 'min_equity', atMs: 0, equity: 900 } },
      }),
      at('2025-03-29T12:00:00Z'),
    )[0];
    expect(min).toMatchObject({
      closeOnly: true,
      reason: 'min_equity',
      until: null,
      equity: 900,
      limit: 1000,
    });
    const ok = memberControlStates(
      inputs({ guard: daily, guardState: st, equity: 9_800 }),
      at('2025-03-29T12:00:00Z'),
    );
    expect(ok[0]).toMatchObject({ closeOnly: false, reason: null, until: null, equity: 9_800, limit: 9_500 });
  });
});

describe('position cap and manual close-only', () => {
  it('lists the link close-only, the master close-only and the cap n/max in force', () => {
    const risk = memberRiskSchema.parse({ closeOnly: true, maxOpenPositions: 3 });
    expect(
      memberControlStates(
        inputs({ risk, masterCloseOnly: true, word: RISK.MANUAL | RISK.POSITIONS, openCopies: 3 }),
        0,
      ),
    ).toEqual([
      { control: 'manual_close_only', closeOnly: true },
      { control: 'master_close_only', closeOnly: true },
      { control: 'max_positions', closeOnly: true, open: 3, max: 3 },
    ]);
    expect(
      memberControlStates(
        inputs({ risk: memberRiskSchema.parse({ maxOpenPositions: 3 }), openCopies: 2 }),
        0,
      ),
    ).toEqual([{ control: 'max_positions', closeOnly: false, open: 2, max: 3 }]);
  });

  it('lists nothing for a member without controls', () => {
    expect(memberControlStates(inputs({}), 0)).toEqual([]);
  });
});
