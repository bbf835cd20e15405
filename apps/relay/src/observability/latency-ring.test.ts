import { describe, expect, it } from 'vitest';
import { LatencyRing, quantile } from './latency-ring';

const BOUNDS = [0.0001, 0.001, 0.01];
const T0 = Date.parse('2026-06-01T12:00:00Z');

describe('quantile', () => {
  it('interpolates inside the bucket that holds the rank, like histogram_quantile', () => {
    // 10 observations ≤ 0.1 ms, 10 in (0.1, 1] ms.
    expect(quantile([10, 10, 0, 0], BOUNDS, 0.5)?.seconds).toBeCloseTo(0.0001);
    expect(quantile([10, 10, 0, 0], BOUNDS, 0.75)?.seconds).toBeCloseTo(0.00055);
  });
  it('flags ranks past the last bound and is null without data', () => {
    expect(quantile([1, 0, 0, 99], BOUNDS, 0.99)).toEqual({ seconds: 0.01, overflow: true });
    expect(quantile([0, 0, 0, 0], BOUNDS, 0.5)).toBeNull();
  });
});

describe('LatencyRing', () => {
  const reading = (cum: number[], signals: number, copies: number) => ({ buckets: cum, signals, copies });

  it('keeps the growth between readings and reports rates per window', () => {
    const ring = new LatencyRing(BOUNDS);
    // 60 signals and 120 copies, all within 0.1 ms, in the first 10 s; then 30 slow ones (≤ 10 ms).
    ring.record(T0, reading([60, 60, 60, 60], 60, 120));
    ring.record(T0 + 10_000, reading([60, 60, 90, 90], 90, 180));
    const s = ring.summary(T0 + 20_000);
    expect(s.now).toMatchObject({ signals: 90, copies: 180, signalsPerS: 1.5, copiesPerS: 3 });
    expect(s.now.p50Ms).toBeCloseTo(0.075);
    expect(s.now.p99Ms).toBeGreaterThan(1);
    expect(s.lastHour.signalsPerS).toBe(0.025);
    expect(s.hourSeries).toHaveLength(60);
    expect(s.daySeries).toHaveLength(48);
    expect(s.hourSeries.at(-1)?.p50Ms).toBeCloseTo(0.075);
  });

  it('counts what happened since the last sample when given a current reading', () => {
    const ring = new LatencyRing(BOUNDS);
    ring.record(T0, reading([5, 5, 5, 5], 5, 5));
    const s = ring.summary(T0 + 5_000, reading([55, 55, 55, 55], 55, 55));
    expect(s.now.signals).toBe(55);
    expect(s.last24h.copies).toBe(55);
  });

  it('is bounded: samples older than the ring are forgotten', () => {
    const ring = new LatencyRing(BOUNDS, 10_000, 3);
    for (let i = 1; i <= 5; i++) ring.record(T0 + i * 10_000, reading([i, i, i, i], i, i));
    expect(ring.samples).toBe(3);
    expect(ring.summary(T0 + 60_000).last24h.signals).toBe(3);
  });

  it('leaves a window empty (null percentiles, zero rates) when nothing was relayed', () => {
    const s = new LatencyRing(BOUNDS).summary(T0);
    expect(s.lastHour).toMatchObject({ p50Ms: null, p99Ms: null, signalsPerS: 0, copiesPerS: 0 });
  });
});
