// Relay CPU per copy: the relay alone (as the profile suite starts it), one master × N slaves, closed loop; the
// relay process's user+system CPU (from /proc/<pid>/stat) over the measured signals, divided by the copies made.
// CPU time is the figure the shared machine's load disturbs least, so optimisations are compared with it.
// Usage: npx tsx bench/src/relay-cpu.ts [N,N,...] [signals] [--prof DIR]
import { Fleet } from './fanout';
import { heartbeatAll } from './fanout-suite';
import { slaveIds } from './ids';
import { cpuTicks, TICK_US, threadTicks } from './proc-cpu';
import { startStack } from './stack';
import { sleep } from './stats';

const ns = (process.argv[2] ?? '1,10,100').split(',').map(Number);
const signals = Number(process.argv[3] ?? 1000);
const profAt = process.argv.indexOf('--prof');
const profDir = profAt > 0 ? process.argv[profAt + 1] : undefined;

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
  let m0 = 0;
  let th0 = new Map<string, number>();
  try {
    await heartbeatAll(stack.receiver, [group]);
    await sleep(300 + n);
    const run = await fleet.run('closed', signals, 300, {
      between: async () => {
        t0 = cpuTicks(stack.pid);
        m0 = cpuTicks(stack.pid, true);
        th0 = threadTicks(stack.pid, true);
      },
    });
    const cpuUs = (cpuTicks(stack.pid) - t0) * TICK_US;
    const mainUs = (cpuTicks(stack.pid, true) - m0) * TICK_US;
    const threads: Record<string, number> = {};
    for (const [name, t] of threadTicks(stack.pid, true)) {
      const us = (t - (th0.get(name) ?? 0)) * TICK_US;
      if (us > 0) threads[name] = +(us / (signals * n)).toFixed(2);
    }
    const copies = signals * n;
    process.stdout.write(
      `${JSON.stringify({
        n,
        signals,
        cpuUsPerSignal: +(cpuUs / signals).toFixed(1),
        cpuUsPerCopy: +(cpuUs / copies).toFixed(2),
        mainThreadUsPerCopy: +(mainUs / copies).toFixed(2),
        p50: Math.round(run.frame.p50),
        p99: Math.round(run.frame.p99),
        missing: run.missing,
        threadUsPerCopy: threads,
      })}\n`,
    );
  } finally {
    await fleet.close();
    await stack.stop();
  }
}
