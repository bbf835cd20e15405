// Percentiles and Prometheus text helpers shared by the benchmarks.

export interface Dist {
  n: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

/** Nearest-rank percentiles of `xs` (sorted in place when a typed array). */
export function dist(xs: Float64Array | number[]): Dist {
  const s = xs instanceof Float64Array ? xs.sort() : Float64Array.from(xs).sort();
  const at = (p: number) =>
    s.length === 0 ? Number.NaN : s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return {
    n: s.length,
    p50: at(0.5),
    p99: at(0.99),
    p999: at(0.999),
    max: s.length ? s[s.length - 1]! : Number.NaN,
  };
}

/** Sum of every sample of `name` whose label set contains `labels` (e.g. `type="Heartbeat"`). */
export function metric(text: string, name: string, labels = ''): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    if (labels && !rest.includes(labels)) continue;
    sum += Number(line.split(' ').at(-1));
  }
  return sum;
}

/**
 * Quantile of the observations between two scrapes of a Prometheus histogram, interpolated linearly within
 * the bucket (as PromQL's histogram_quantile does).
 */
export function histogramQuantile(before: string, after: string, name: string, q: number): number {
  const parse = (text: string) =>
    new Map(
      text
        .split('\n')
        .filter((l) => l.startsWith(`${name}_bucket{`))
        .map((l) => {
          const le = /le="([^"]+)"/.exec(l)![1]!;
          return [
            le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le),
            Number(l.split(' ').at(-1)),
          ] as const;
        }),
    );
  const b0 = parse(before);
  const buckets = [...parse(after)]
    .map(([le, count]) => ({ le, count: count - (b0.get(le) ?? 0) }))
    .sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)?.count ?? 0;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return prevLe;
      return prevLe + ((b.le - prevLe) * (rank - prevCount)) / Math.max(1, b.count - prevCount);
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
