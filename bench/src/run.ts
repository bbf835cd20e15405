// `npm run bench`: every benchmark, printed, written to bench/results/*.json and into BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { clusterSuite } from './cluster';
import { dbLockSuite, dbLockTable } from './db-lock';
import { hopSuite, profileSuite } from './diagnostics';
import { benchEnv } from './env';
import { fanoutSuite } from './fanout-suite';
import { heartbeatSuite } from './heartbeats';
import { replaceSection } from './markdown';
import {
  clusterTable,
  fanoutTable,
  heartbeatTable,
  hopTable,
  machine,
  profileTable,
  stormTable,
} from './report';
import { stormSuite } from './storm';

const root = resolve(import.meta.dirname, '../..');
const results = join(root, 'bench/results');
mkdirSync(results, { recursive: true });
const started = Date.now();
const log = (line: string) => process.stdout.write(`${line}\n`);
const save = (name: string, data: unknown) =>
  writeFileSync(join(results, `${name}.json`), `${JSON.stringify(data, null, 2)}\n`);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
const skip = benchEnv.skip;
const sections: [string, string][] = [];

const loadAtStart = load();
log(`machine: ${cpus().length} × ${cpus()[0]?.model}, load average ${loadAtStart}`);
if (!skip.has('core')) {
  const core = spawnSync('npm', ['run', 'bench', '-w', '@sankey/core-as'], { cwd: root, stdio: 'inherit' });
  if (core.status !== 0) process.exitCode = 1;
}
if (!skip.has('fanout')) {
  const rows = await fanoutSuite(log);
  save('fanout', { load: load(), rows });
  sections.push(['Fan-out', fanoutTable(rows)]);
}
if (!skip.has('cluster')) {
  const rows = await clusterSuite(log);
  if (rows) {
    save('cluster', { load: load(), rows });
    sections.push(['Cross-relay copy (cluster mode)', clusterTable(rows)]);
  }
}
if (!skip.has('heartbeat')) {
  const steps = await heartbeatSuite(log);
  save('heartbeats', { load: load(), steps });
  sections.push(['Heartbeat capacity', heartbeatTable(steps)]);
}
if (!skip.has('storm')) {
  const storm = await stormSuite(log);
  save('config-storm', { load: load(), storm });
  sections.push(['Config storm', stormTable(storm)]);
}
if (!skip.has('hops')) {
  const hops = await hopSuite(log);
  save('hops', { load: load(), hops });
  sections.push(['Where the time goes: hops', hopTable(hops)]);
}
if (!skip.has('profile')) {
  const profiles = await profileSuite(log);
  save('profiles', { load: load(), profiles });
  sections.push(['Where the time goes: CPU profiles', profileTable(profiles)]);
}
if (!skip.has('dblock')) {
  const phases = await dbLockSuite(log);
  save('db-lock', { load: load(), phases });
  sections.push(['Database locked: copy latency', dbLockTable(phases)]);
}
const minutes = (Date.now() - started) / 60_000;
const header = machine(loadAtStart, load(), minutes);
// A partial run (BENCH_SKIP) rewrites its own sections only, not the full run's header.
if (skip.size === 0) replaceSection(join(root, 'BENCHMARKS.md'), 'Run', header);
for (const [title, body] of sections) {
  replaceSection(join(root, 'BENCHMARKS.md'), title, body);
  log(`\n## ${title}\n\n${body}`);
}
log(`\n${header}`);
process.exit(process.exitCode ?? 0);
