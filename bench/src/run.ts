// `npm run bench`: every benchmark, printed, written to bench/results/*.json and into BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { benchEnv } from './env';
import { replaceSection } from './markdown';
import { type LatencyRow, relayLatency, WARMUP_SIGNALS } from './relay-latency';

const root = resolve(import.meta.dirname, '../..');
mkdirSync(join(root, 'bench/results'), { recursive: true });

const core = spawnSync('npm', ['run', 'bench', '-w', '@sankey/core-as'], { cwd: root, stdio: 'inherit' });
if (core.status !== 0) process.exitCode = 1;

const signals = benchEnv.signals;
const rows: LatencyRow[] = [];
for (const slaves of [1, 10, 100]) {
  const row = await relayLatency(slaves, signals);
  rows.push(row);
  process.stdout.write(`relay latency, 1 master × ${slaves} slaves: ${JSON.stringify(row)}\n`);
}
writeFileSync(join(root, 'bench/results/relay-latency.json'), `${JSON.stringify({ rows }, null, 2)}\n`);

const f = (n: number) => n.toFixed(0);
const table = [
  `Measured ${new Date().toISOString().slice(0, 10)} on this machine (2 cores), ${signals} signals per row after ${WARMUP_SIGNALS} warm-up signals,`,
  'one signal in flight at a time; the relay runs as its own process, as `npm start` runs it. *Relay* = frame',
  "received by the relay → its last copy handed to the PUB socket, from the relay's own",
  '`sankey_relay_latency_seconds` histogram (two scrapes, interpolated within buckets). *End to end* = signal pushed',
  'by the benchmark process → last copy received by its subscriber on 127.0.0.1. *Baseline* = a bare PULL→PUB',
  'forwarder process that republishes each frame N times with no decoding, filtering or encoding, same run.',
  '',
  '| slaves | relay p50 µs | relay p99 µs | end-to-end p50 µs | end-to-end p99 µs | baseline p50 µs | baseline p99 µs | e2e p50 / baseline p50 |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.slaves} | ${f(r.relayP50Us)} | ${f(r.relayP99Us)} | ${f(r.e2eP50Us)} | ${f(r.e2eP99Us)} | ${f(r.baselineE2eP50Us)} | ${f(r.baselineE2eP99Us)} | ${(r.e2eP50Us / r.baselineE2eP50Us).toFixed(2)} |`,
  ),
].join('\n');
process.stdout.write(`\n${table}\n`);
replaceSection(join(root, 'BENCHMARKS.md'), 'Relay latency', table);
