// Diagnosis of the copy-latency tail under heartbeat load (not a headline figure: the probe costs time on every
// frame). The relay alone with hb-tail-probe.mjs, `eas` simulated EAs at 1 Hz (hb-load.ts), a master→slave pair
// copying a signal every 20 ms; per signal: bench push → relay read (and whether the read loop was idle waiting or
// busy), read → copy sent, sent → received; for the slow ones, the relay timer callbacks and GC pauses around them.
// Usage: npx tsx bench/src/hb-tail.ts [eas] [seconds] [--no-load]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Fleet } from './fanout';
import { pairHeartbeats } from './heartbeats';
import { slaveIds } from './ids';
import { cpuTicks, TICK_US } from './proc-cpu';
import { startProcess, startStack } from './stack';
import { dist, sleep } from './stats';

const eas = Number(process.argv[2] ?? 25_000);
const seconds = Number(process.argv[3] ?? 10);
const noLoad = process.argv.includes('--no-load');
const extraFlags = process.argv.filter((a) => a.startsWith('--flag=')).map((a) => a.slice('--flag='.length));
const SLOW_US = 2000;
const PAIR = { master: 'HBM', slaves: slaveIds('HBM', 1) };

const dir = mkdtempSync(join(tmpdir(), 'sankey-hbtail-'));
const out = join(dir, 'stamps.json');
const stack = await startStack({
  mode: 'relay',
  groups: [PAIR],
  nodeFlags: [...extraFlags, '--import', join(import.meta.dirname, 'hb-tail-probe.mjs')],
  env: { BENCH_PROBE_OUT: out, SANKEY_MAX_CONNECTIONS: String(Math.max(10_000, 2 * eas)) },
});
const stopBeat = await pairHeartbeats(stack.receiver, PAIR);
await sleep(1000);
const gen = noLoad
  ? null
  : await startProcess(
      [
        '--import',
        'tsx',
        join(import.meta.dirname, 'hb-load.ts'),
        `tcp://127.0.0.1:${stack.receiver}`,
        String(eas),
        String(seconds + 5),
      ],
      {},
      /^started\n/,
    );
await sleep(3000);
const fleet = new Fleet(
  PAIR.master,
  1,
  'exact',
  `tcp://127.0.0.1:${stack.receiver}`,
  `tcp://127.0.0.1:${stack.publisher}`,
);
await sleep(200);
const cpu0 = [cpuTicks(stack.pid), cpuTicks(stack.pid, true)];
const t0 = performance.now();
const signals = Math.floor(((seconds - 1) * 1000) / 20);
const run = await fleet.run('closed', signals, 0, { pauseMs: 20 });
const cpuMs = [cpuTicks(stack.pid) - cpu0[0]!, cpuTicks(stack.pid, true) - cpu0[1]!].map(
  (t) => (t * TICK_US) / 1000,
);
const wallMs = performance.now() - t0;
await fleet.close();
stopBeat();
await gen?.exited;
await stack.stop();

const p = JSON.parse(readFileSync(out, 'utf8')) as {
  signals: [number, number, number][];
  sends: number[];
  tasks: [number, number, string][];
  gcs: [number, number, number][];
  frameReads: number[];
};
rmSync(dir, { recursive: true, force: true });
const f = (x: number) => (x / 1000).toFixed(2);
console.log(
  `eas ${eas}: copy p50 ${f(run.frame.p50)} p99 ${f(run.frame.p99)} max ${f(run.frame.max)} ms, missing ${run.missing}; relay CPU ${((100 * cpuMs[0]!) / wallMs).toFixed(0)} % (main ${((100 * cpuMs[1]!) / wallMs).toFixed(0)} %); probe ${p.signals.length} reads ${p.sends.length} sends`,
);
if (p.signals.length !== signals || p.sends.length !== signals) process.exit(0);
const rows = [] as {
  k: number;
  e2e: number;
  toRead: number;
  idleWait: number;
  frames: number;
  proc: number;
  toRecv: number;
}[];
for (let k = 0; k < signals; k++) {
  const [asked, read, frames] = p.signals[k]!;
  rows.push({
    k,
    e2e: fleet.lastRecv[k]! - fleet.sendAt[k]!,
    toRead: read - fleet.sendAt[k]!,
    // > 0: the read loop was already waiting when the signal was sent (the delay is outside the relay's JS).
    idleWait: fleet.sendAt[k]! - asked,
    frames,
    proc: p.sends[k]! - read,
    toRecv: fleet.lastRecv[k]! - p.sends[k]!,
  });
}
const d = (xs: number[]) => {
  const r = dist(xs);
  return `p50 ${r.p50.toFixed(0)} p99 ${r.p99.toFixed(0)} max ${r.max.toFixed(0)}`;
};
console.log(`push→read µs ${d(rows.map((r) => r.toRead))}`);
console.log(`read→sent µs ${d(rows.map((r) => r.proc))}`);
console.log(`sent→recv µs ${d(rows.map((r) => r.toRecv))}`);
const taskNames = new Map<string, { n: number; sum: number; max: number }>();
for (const [, dur, name] of p.tasks) {
  const t = taskNames.get(name) ?? { n: 0, sum: 0, max: 0 };
  t.n++;
  t.sum += dur;
  t.max = Math.max(t.max, dur);
  taskNames.set(name, t);
}
console.log('timer callbacks > 200 µs:');
for (const [name, t] of [...taskNames].sort((a, b) => b[1].sum - a[1].sum).slice(0, 12))
  console.log(`  n ${t.n} mean ${(t.sum / t.n).toFixed(0)} max ${t.max.toFixed(0)} µs  ${name}`);
const gcd = p.gcs.map((g) => g[1]);
console.log(
  `GC: ${p.gcs.length} pauses, ${d(gcd)} µs, kinds ${JSON.stringify(countBy(p.gcs.map((g) => g[2])))}`,
);
const slow = rows.filter((r) => r.e2e > SLOW_US);
console.log(`signals over ${SLOW_US} µs: ${slow.length} of ${rows.length}`);
const fr = p.frameReads;
const framesIn = (a: number, b: number) => {
  let n = 0;
  for (const t of fr) if (t >= a && t < b) n++;
  return n;
};
for (const r of slow) {
  const t0 = fleet.sendAt[r.k]! - 5000;
  const t1 = fleet.lastRecv[r.k]!;
  const near = (a: number, dur: number) => a < t1 && a + dur > t0;
  const tasks = p.tasks
    .filter(([a, dur]) => near(a, dur))
    .map(([a, dur, n]) => `${n.slice(0, 40)}@${(a - fleet.sendAt[r.k]!).toFixed(0)}+${dur.toFixed(0)}`);
  const gcs = p.gcs
    .filter(([a, dur]) => near(a, dur))
    .map(([a, dur, k]) => `gc${k}@${(a - fleet.sendAt[r.k]!).toFixed(0)}+${dur.toFixed(0)}`);
  console.log(
    `  #${r.k} e2e ${r.e2e.toFixed(0)} toRead ${r.toRead.toFixed(0)} (loop asked ${r.idleWait.toFixed(0)} before send, ${r.frames} frames since prev signal, ${framesIn(fleet.sendAt[r.k]!, fleet.sendAt[r.k]! + r.toRead)} read meanwhile) proc ${r.proc.toFixed(0)} toRecv ${r.toRecv.toFixed(0)} | ${[...tasks, ...gcs].join(' ')}`,
  );
}

function countBy(xs: number[]): Record<string, number> {
  const o: Record<string, number> = {};
  for (const x of xs) o[x] = (o[x] ?? 0) + 1;
  return o;
}
