import { describe, expect, it } from 'vitest';
import { LagWindow } from './lag-window';

describe('LagWindow', () => {
  it('is empty before the first copy, then gives the median and p99 of the last copies', () => {
    const w = new LagWindow(4);
    expect(w.snapshot()).toEqual({ pending: null, p50Ms: null, p99Ms: null, samples: 0, lastCopyAt: null });
    w.pending = 2;
    for (const ms of [100, 1, 2, 3, 4]) w.record(ms);
    const s = w.snapshot();
    // The oldest (100 ms) fell out of the window of 4.
    expect(s).toMatchObject({ pending: 2, p50Ms: 3, p99Ms: 4, samples: 4 });
    expect(Number.isNaN(Date.parse(s.lastCopyAt ?? ''))).toBe(false);
  });

  it('counts a negative lag (clocks of two machines) as 0', () => {
    const w = new LagWindow();
    w.record(-5);
    expect(w.snapshot().p50Ms).toBe(0);
  });
});
