// Relay CPU per copy: the relay alone (as the profile suite starts it), one master × N slaves, closed loop; the
// relay process's user+system CPU (from /proc/<pid>/stat) over the measured signals, divided by the copies made.
// CPU time is the figure the shared machine's load disturbs least, so optimisations are compared with it.
// Usage: npx tsx bench/src/relay-cpu.ts [N,N,...] [signals] [--prof DIR]
import { readFileSync } from 'node:fs';
import { Fleet } from './fanout';
import { heartbeatAll } from './fanout-suite';
import { slaveIds } from './ids';
import { startStack } from './stack';
import { sleep } from './stats';

const ns = (process.argv[2] ?? '1,10,100').split(',').map(Number);
const signals = Number(process.argv[3] ?? 1000);
const profAt = process.argv.indexOf('--prof');
const profDir = profAt > 0 ? process.argv[profAt + 1] : undefined;

/** Ticks of user + system CPU of a process (Linux). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}
const TICK_US = 10_000; // USER_HZ = 100

for (const n of ns) {
  const group = { master: `C${n}`, slaves: slaveIds(`C${n}`, n) };
  const stack = await startStack({
    mode: 'relay',
    groups: [group],
    nodeFlags: profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [],
    env: { SANKEY_HEARTBEAT_TIMEOUT_S: '3600' },
  });
  const fleet = new Fleet(
    group.master,
    n,
    'exact',
    `tcp://127.0.0.1:${stack.receiver}`,
    `tcp://127.0.0.1:${stack.publisher}`,
  );
  let t0 = 0;
  try {
    await heartbeatAll(stack.receiver, [group]);
    await sleep(300 + n);
    const run = await fleet.run('closed', signals, 300, {
      between: async () => {
        t0 = cpuTicks(stack.pid);
      },
    });
    const cpuUs = (cpuTicks(stack.pid) - t0) * TICK_US;
    const copies = signals * n;
    process.stdout.write(
      `${JSON.stringify({
        n,
        signals,
        cpuUsPerSignal: +(cpuUs / signals).toFixed(1),
        cpuUsPerCopy: +(cpuUs / copies).toFixed(2),
        p50: Math.round(run.frame.p50),
        p99: Math.round(run.frame.p99),
        missing: run.missing,
      })}\n`,
    );
  } finally {
    await fleet.close();
    await stack.stop();
  }
}
