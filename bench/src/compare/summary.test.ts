import { describe, expect, it } from 'vitest';
import { compareTable, median, summarize, type TurnFigures } from './summary';

const turns = (p50s: number[], p99 = 1000): TurnFigures[] =>
  p50s.map((p50, i) => ({ round: i + 1, p50, p99, p999: p99, max: p99, signalsPerS: 100, missing: 0 }));

describe('compare summary', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("is not slower while head's median p50 stays within the base's largest per-round p50", () => {
    const s = summarize(10, turns([300, 340, 320]), turns([310, 345, 335]));
    expect(s.base.p50).toEqual({ median: 320, min: 300, max: 340 });
    expect(s.head.p50.median).toBe(335);
    expect(s.p50Ratio).toBeCloseTo(335 / 320);
    expect(s.verdict).toBe('not slower beyond noise');
    // Exactly at the base's largest round: still within its spread.
    expect(summarize(1, turns([300, 340]), turns([340, 340])).verdict).toBe('not slower beyond noise');
  });

  it("is slower once head's median p50 passes the base's largest per-round p50", () => {
    const s = summarize(100, turns([300, 340, 320]), turns([300, 341, 360]));
    expect(s.head.p50.median).toBe(341);
    expect(s.verdict).toBe('slower beyond noise');
  });

  it('prints one row per N with both medians, their round ranges and the verdict', () => {
    const table = compareTable([summarize(1, turns([200, 260]), turns([1500, 1700]))], 'abc', 'def');
    expect(table).toContain('| 1 | 230 (200–260) | 1,600 (1,500–1,700) | 6.96× |');
    expect(table).toContain('| – / – | 0 | slower beyond noise |');
  });
});
