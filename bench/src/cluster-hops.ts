// Diagnosis of the cross-relay benchmark (BENCH_CLUSTER_HOPS): where a signal's time goes, hop by hop, from the
// stamps cluster-hop-probe.mjs took in both relays and the benchmark's own send and receive times (one monotonic
// clock). Closed loop: one signal in flight, so each stamp belongs to the signal sent last before it.
import { readFileSync } from 'node:fs';

/** p50 / p90 / p99 (nearest rank) and the mean, µs. */
export interface HopDist {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
}

function hopDist(xs: number[]): HopDist {
  const s = Float64Array.from(xs).sort();
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return {
    n: s.length,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    mean: s.reduce((x, y) => x + y, 0) / s.length,
  };
}

export interface ProbeStamps {
  read: number[];
  send: number[];
  pubCall: number[];
  pubW: number[];
  msgIn: number[];
  cb: number[];
  ack: number[];
  ackW: number[];
  pullW: number[];
}

export interface HopRun {
  kind: 'local' | 'cross';
  slaves: number;
  warmup: number;
  sendAt: Float64Array;
  lastRecv: Float64Array;
}

export const readStamps = (file: string): ProbeStamps =>
  JSON.parse(readFileSync(file, 'utf8')) as ProbeStamps;

/** Index of the first value ≥ t in a sorted array (its length when none). */
function firstAtOrAfter(a: number[], t: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first stamp in [from, to), or NaN. */
function next(a: number[], from: number, to: number): number {
  const i = firstAtOrAfter(a, from);
  return i < a.length && a[i]! < to ? a[i]! : Number.NaN;
}

const count = (a: number[], from: number, to: number): number =>
  firstAtOrAfter(a, to) - firstAtOrAfter(a, from);

/** Per-hop distributions (µs) of one run; the keys name the hop's two ends. */
export function hops(run: HopRun, a: ProbeStamps, b: ProbeStamps): Record<string, HopDist> {
  const h: Record<string, number[]> = {};
  const put = (k: string, v: number) => {
    if (!Number.isFinite(v)) return;
    h[k] ??= [];
    h[k].push(v);
  };
  const total = run.sendAt.length;
  for (let i = run.warmup; i < total; i++) {
    const t0 = run.sendAt[i]!;
    const end = run.lastRecv[i]!;
    const until = i + 1 < total ? run.sendAt[i + 1]! : end + 1;
    let from = t0;
    const step = (k: string, s: number[]) => {
      const t = next(s, from, until);
      put(k, t - from);
      if (Number.isFinite(t)) from = t;
      return t;
    };
    if (run.kind === 'cross') {
      step('bench → A read', a.read);
      step('A read → A publish called', a.pubCall);
      step('A publish called → written', a.pubW);
      step('A publish written → B read from NATS', b.msgIn);
      step('B read → B consume callback', b.cb);
    } else {
      step('bench → B read', b.read);
    }
    const first = next(b.send, from, until);
    put('→ B first copy sent', first - from);
    const last = Number.isFinite(first) ? b.send[firstAtOrAfter(b.send, first) + run.slaves - 1] : undefined;
    if (last !== undefined && last <= end) {
      put('B first → last copy sent', last - first);
      put('B last copy sent → bench received', end - last);
    }
    put('end to end (last copy)', end - t0);
    if (run.kind === 'cross') {
      // B's off-path NATS writes (acks, pull requests) inside this signal's path.
      put('B acks written during', count(b.ackW, t0, end));
      put('B pulls written during', count(b.pullW, t0, end));
    }
  }
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, hopDist(v)]));
}

export function formatHops(run: HopRun, d: Record<string, HopDist>): string {
  const rows = Object.entries(d).map(
    ([k, v]) =>
      `  ${k.padEnd(40)} p50 ${v.p50.toFixed(0).padStart(6)}  p90 ${v.p90.toFixed(0).padStart(6)}  p99 ${v.p99.toFixed(0).padStart(6)}  mean ${v.mean.toFixed(1).padStart(7)}`,
  );
  return [`hops ${run.kind} N=${run.slaves}`, ...rows].join('\n');
}
