// Relay CPU per heartbeat: the relay alone, `eas` simulated EAs heartbeating at 1 Hz (bench/src/hb-load.ts); the
// relay process's user+system CPU (/proc/<pid>/stat) over the step after a 3 s ramp, divided by the heartbeats
// it handled, and its event-loop lag p99. Usage: npx tsx bench/src/relay-hb-cpu.ts [eas] [seconds] [--prof DIR]
import { join } from 'node:path';
import { cpuTicks, TICK_US } from './proc-cpu';
import { startProcess, startStack } from './stack';
import { metric, sleep } from './stats';

const eas = Number(process.argv[2] ?? 25_000);
const seconds = Number(process.argv[3] ?? 10);
const profAt = process.argv.indexOf('--prof');
const profDir = profAt > 0 ? process.argv[profAt + 1] : undefined;

const stack = await startStack({
  mode: 'relay',
  groups: [],
  nodeFlags: profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [],
  env: { SANKEY_MAX_CONNECTIONS: String(2 * eas) },
});
try {
  const gen = await startProcess(
    [
      '--import',
      'tsx',
      join(import.meta.dirname, 'hb-load.ts'),
      `tcp://127.0.0.1:${stack.receiver}`,
      String(eas),
      String(seconds + 3),
    ],
    {},
    /^started\n/,
  );
  await sleep(3000);
  const before = await stack.metrics();
  const t0 = cpuTicks(stack.pid);
  await sleep(seconds * 1000);
  const cpuUs = (cpuTicks(stack.pid) - t0) * TICK_US;
  const after = await stack.metrics();
  await gen.exited;
  const hb = (t: string) => metric(t, 'sankey_frames_in_total', 'type="Heartbeat"');
  const handled = hb(after) - hb(before);
  process.stdout.write(
    `${JSON.stringify({
      eas,
      handledPerS: Math.round(handled / seconds),
      cpuPct: Math.round((100 * cpuUs) / (seconds * 1e6)),
      cpuUsPerHeartbeat: +(cpuUs / handled).toFixed(2),
      lagP99Ms: +(metric(after, 'sankey_nodejs_eventloop_lag_p99_seconds') * 1000).toFixed(1),
      timeouts: stack.timeouts(),
    })}\n`,
  );
} finally {
  await stack.stop();
}
