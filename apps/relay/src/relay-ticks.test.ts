import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTicks } from './relay-ticks';
import { SweepCursor } from './state/sweep-cursor';

afterEach(() => {
  vi.useRealTimers();
});

describe('startTicks', () => {
  it('a pass over the table still takes about `everyMs` when every slice timer runs late', () => {
    vi.useFakeTimers();
    // A busy event loop: each 25 ms slice timer runs 5 ms late, and Node schedules the next one from when it ran,
    // so the loop's clock moves 30 ms per call (measured: 41 slice calls took 1,170 ms under 6 ms of work every 10 ms).
    const t0 = Date.now();
    const clock = () => (Date.now() - t0) * 1.2;
    const table = new Map(Array.from({ length: 1000 }, (_, i) => [i, i] as const));
    const cursor = new SweepCursor(table);
    let passEndedAt = -1;
    const stop = startTicks(
      1000,
      (slices) => {
        if (cursor.step(slices, () => {}) && passEndedAt < 0) passEndedAt = clock();
      },
      [],
      clock,
    );
    vi.advanceTimersByTime(2000);
    stop();
    // One pass, and the call that sees it end, within `everyMs` plus a slice: not 41 calls of 30 ms.
    expect(passEndedAt).toBeGreaterThan(0);
    expect(passEndedAt).toBeLessThanOrEqual(1000 + 30);
  });

  it('slices sized from the time elapsed: on time, the usual 1/40 of the table', () => {
    vi.useFakeTimers();
    const seen: number[] = [];
    const stop = startTicks(
      1000,
      (slices) => seen.push(slices),
      [],
      () => Date.now(),
    );
    vi.advanceTimersByTime(100);
    stop();
    expect(seen).toEqual([40, 40, 40, 40]);
  });
});
