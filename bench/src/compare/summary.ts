// Per-N summary of an A/B comparison and its verdict (BENCHMARKS.md, "Comparing against a commit"):
// each relay's figure is the median over rounds of its per-round p50 (and p99); its noise is the min–max of those
// per-round values. Verdict per N: "not slower beyond noise" when head's median p50 ≤ the base's largest per-round
// p50 (head's typical latency lies within, or below, what the base itself showed from round to round);
// otherwise "slower beyond noise".

export interface TurnFigures {
  round: number;
  /** µs, master send → slave receive per delivered frame. */
  p50: number;
  p99: number;
  p999: number;
  max: number;
  signalsPerS: number;
  /** Frames not received within the wait (must be 0). */
  missing: number;
  /** The relay's own histogram (frame read → last copy handed to the socket), µs; absent if unreadable. */
  internalP50?: number;
  internalP99?: number;
}

export interface SideSummary {
  rounds: TurnFigures[];
  p50: Spread;
  p99: Spread;
  /** Median over rounds of the relay's own p50 (absent when no round could read it). */
  internalP50?: number;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export type Verdict = 'not slower beyond noise' | 'slower beyond noise';

export interface NSummary {
  n: number;
  base: SideSummary;
  head: SideSummary;
  /** head median p50 / base median p50. */
  p50Ratio: number;
  p99Ratio: number;
  verdict: Verdict;
}

/** Median (mean of the middle two for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export const spread = (xs: number[]): Spread => ({
  median: median(xs),
  min: Math.min(...xs),
  max: Math.max(...xs),
});

const side = (rounds: TurnFigures[]): SideSummary => {
  const internal = rounds.flatMap((r) => (r.internalP50 === undefined ? [] : [r.internalP50]));
  return {
    rounds,
    p50: spread(rounds.map((r) => r.p50)),
    p99: spread(rounds.map((r) => r.p99)),
    ...(internal.length ? { internalP50: median(internal) } : {}),
  };
};

export function summarize(n: number, base: TurnFigures[], head: TurnFigures[]): NSummary {
  const b = side(base);
  const h = side(head);
  return {
    n,
    base: b,
    head: h,
    p50Ratio: h.p50.median / b.p50.median,
    p99Ratio: h.p99.median / b.p99.median,
    verdict: h.p50.median <= b.p50.max ? 'not slower beyond noise' : 'slower beyond noise',
  };
}

const us = (x: number) => Math.round(x).toLocaleString('en-US');
const range = (s: Spread) => `${us(s.min)}–${us(s.max)}`;
const opt = (x: number | undefined) => (x === undefined ? '–' : us(x));

export function compareTable(rows: NSummary[], baseLabel: string, headLabel: string): string {
  return [
    `| N | base p50 (rounds) | head p50 (rounds) | p50 head/base | base p99 (rounds) | head p99 (rounds) | p99 head/base | relay internal p50 base / head | missing | verdict |`,
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map((r) => {
      const missing = [...r.base.rounds, ...r.head.rounds].reduce((n, t) => n + t.missing, 0);
      return (
        `| ${r.n} | ${us(r.base.p50.median)} (${range(r.base.p50)}) | ${us(r.head.p50.median)} (${range(r.head.p50)}) | ` +
        `${r.p50Ratio.toFixed(2)}× | ${us(r.base.p99.median)} (${range(r.base.p99)}) | ` +
        `${us(r.head.p99.median)} (${range(r.head.p99)}) | ${r.p99Ratio.toFixed(2)}× | ${opt(r.base.internalP50)} / ${opt(r.head.internalP50)} | ${missing} | ${r.verdict} |`
      );
    }),
    '',
    `µs, master send → slave receive per delivered frame; median of the per-round figures, (min–max over rounds); ` +
      "relay internal = the relay's own histogram (frame read → last copy handed to the socket), median over rounds. " +
      `base = ${baseLabel}, head = ${headLabel}.`,
  ].join('\n');
}
