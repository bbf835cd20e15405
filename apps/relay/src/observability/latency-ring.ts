// The relay's latency history (docs/api.md, latency.summary): every 10 s the relay latency histogram, the trade
// signals received and the copies sent are read and their growth since the last read is kept in a fixed ring
// (24 h at 10 s = 8640 samples of typed-array memory, never more), so the dashboard can show p50/p99 and rates
// over the last hour and day without an external time-series store.
import type { LatencyFigures, LatencyPoint, LatencySummary } from '@sankey/shared/api/views';

/** Cumulative counters as read now: histogram bucket counts (per upper bound, `+Inf` last), signals, copies. */
export interface LatencyReading {
  buckets: readonly number[];
  signals: number;
  copies: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export class LatencyRing {
  /** Per sample: one count per bucket (not cumulative), then signals, then copies. */
  private readonly width: number;
  private readonly data: Float64Array;
  private readonly times: Float64Array;
  private head = 0;
  private size = 0;
  private last: LatencyReading;

  constructor(
    /** The histogram's upper bounds in seconds, without `+Inf`. */
    private readonly boundsS: readonly number[],
    readonly everyMs = 10_000,
    readonly capacity = Math.ceil(DAY_MS / everyMs),
  ) {
    this.width = boundsS.length + 3;
    this.data = new Float64Array(capacity * this.width);
    this.times = new Float64Array(capacity);
    this.last = { buckets: new Array<number>(boundsS.length + 1).fill(0), signals: 0, copies: 0 };
  }

  get samples(): number {
    return this.size;
  }

  /** Stores the growth since the previous reading; the oldest sample goes when the ring is full. */
  record(atMs: number, reading: LatencyReading): void {
    const row = this.delta(reading);
    const slot = (this.head + this.size) % this.capacity;
    if (this.size < this.capacity) this.size++;
    else this.head = (this.head + 1) % this.capacity;
    this.data.set(row, slot * this.width);
    this.times[slot] = atMs;
    this.last = { buckets: [...reading.buckets], signals: reading.signals, copies: reading.copies };
  }

  /**
   * Figures for the last minute, hour and day plus the chart series. `current` (read now) adds what happened
   * since the last sample, so the figures are never up to 10 s behind.
   */
  summary(nowMs: number, current?: LatencyReading): LatencySummary {
    const pending = current ? this.delta(current) : null;
    const hour = this.bins(nowMs - HOUR_MS, 60_000, 60, pending);
    const day = this.bins(nowMs - DAY_MS, 30 * 60_000, 48, pending);
    const minute = this.bins(nowMs - 60_000, 60_000, 1, pending);
    const point = (bin: Float64Array, i: number, stepMs: number, from: number): LatencyPoint => {
      const f = this.figures([bin], stepMs);
      return {
        at: new Date(from + (i + 1) * stepMs).toISOString(),
        p50Ms: f.p50Ms,
        p99Ms: f.p99Ms,
        signalsPerS: f.signalsPerS,
        copiesPerS: f.copiesPerS,
      };
    };
    return {
      sampleEveryS: this.everyMs / 1000,
      now: this.figures(minute, 60_000),
      lastHour: this.figures(hour, HOUR_MS),
      last24h: this.figures(day, DAY_MS),
      hourSeries: hour.map((b, i) => point(b, i, 60_000, nowMs - HOUR_MS)),
      daySeries: day.map((b, i) => point(b, i, 30 * 60_000, nowMs - DAY_MS)),
    };
  }

  private delta(reading: LatencyReading): Float64Array {
    const row = new Float64Array(this.width);
    const n = this.boundsS.length + 1;
    // A counter below the last reading means a reset (a new registry): count it from zero.
    const grow = (now: number, before: number) => (now >= before ? now - before : now);
    let below = 0;
    let belowBefore = 0;
    for (let j = 0; j < n; j++) {
      const cum = reading.buckets[j] ?? 0;
      const cumBefore = this.last.buckets[j] ?? 0;
      row[j] = Math.max(0, grow(cum, cumBefore) - grow(below, belowBefore));
      below = cum;
      belowBefore = cumBefore;
    }
    row[n] = grow(reading.signals, this.last.signals);
    row[n + 1] = grow(reading.copies, this.last.copies);
    return row;
  }

  /** Sums the samples taken after `fromMs` into `count` bins of `stepMs`; `pending` goes into the last bin. */
  private bins(fromMs: number, stepMs: number, count: number, pending: Float64Array | null): Float64Array[] {
    const out = Array.from({ length: count }, () => new Float64Array(this.width));
    for (let k = 0; k < this.size; k++) {
      const slot = (this.head + k) % this.capacity;
      const at = this.times[slot] ?? 0;
      if (at <= fromMs) continue;
      const bin = out[Math.min(count - 1, Math.floor((at - fromMs - 1) / stepMs))];
      if (!bin) continue;
      for (let j = 0; j < this.width; j++) bin[j] = (bin[j] ?? 0) + (this.data[slot * this.width + j] ?? 0);
    }
    const lastBin = out[count - 1];
    if (pending && lastBin)
      for (let j = 0; j < this.width; j++) lastBin[j] = (lastBin[j] ?? 0) + (pending[j] ?? 0);
    return out;
  }

  private figures(bins: readonly Float64Array[], windowMs: number): LatencyFigures {
    const sum = new Float64Array(this.width);
    for (const b of bins) for (let j = 0; j < this.width; j++) sum[j] = (sum[j] ?? 0) + (b[j] ?? 0);
    const n = this.boundsS.length + 1;
    const counts = Array.from(sum.subarray(0, n));
    const signals = sum[n] ?? 0;
    const copies = sum[n + 1] ?? 0;
    const p50 = quantile(counts, this.boundsS, 0.5);
    const p99 = quantile(counts, this.boundsS, 0.99);
    return {
      windowS: windowMs / 1000,
      p50Ms: p50 && round3(p50.seconds * 1000),
      p99Ms: p99 && round3(p99.seconds * 1000),
      p99Overflow: p99?.overflow ?? false,
      signals,
      copies,
      signalsPerS: round3(signals / (windowMs / 1000)),
      copiesPerS: round3(copies / (windowMs / 1000)),
    };
  }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * The q-quantile of a bucketed histogram, linear inside the bucket that holds it (as Prometheus'
 * histogram_quantile); past the last finite bound it is that bound, flagged as overflow. Null with no data.
 */
export function quantile(
  counts: readonly number[],
  boundsS: readonly number[],
  q: number,
): { seconds: number; overflow: boolean } | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let before = 0;
  for (let j = 0; j < counts.length; j++) {
    const c = counts[j] ?? 0;
    if (c > 0 && before + c >= rank) {
      const upper = boundsS[j];
      if (upper === undefined) return { seconds: boundsS[boundsS.length - 1] ?? 0, overflow: true };
      const lower = j === 0 ? 0 : (boundsS[j - 1] ?? 0);
      return { seconds: lower + ((upper - lower) * (rank - before)) / c, overflow: false };
    }
    before += c;
  }
  return { seconds: boundsS[boundsS.length - 1] ?? 0, overflow: true };
}
