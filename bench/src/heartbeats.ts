// Item 2: heartbeat capacity. Simulated EAs heartbeat at 1 Hz from a generator process (hb-load.ts, a few PUSH
// sockets, many account ids each) while a master→slave pair copies a signal every 20 ms; per step we read the
// relay's own metrics (heartbeats handled, event-loop lag p99, CPU, RSS) and count heartbeat-timeout log lines,
// which are all false: every simulated EA keeps heartbeating.
import { join } from 'node:path';
import { Push } from 'zeromq';
import { benchEnv } from './env';
import { Fleet } from './fanout';
import { slaveIds } from './ids';
import { heartbeatFrame } from './signals';
import { type Stack, startProcess, startStack } from './stack';
import { type Dist, metric, sleep } from './stats';

export interface HeartbeatStep {
  eas: number;
  /** Heartbeats the generator sent per second (it may fall short of `eas` on a loaded machine). */
  offeredPerS: number;
  handledPerS: number;
  lagP99Ms: number;
  /** Relay CPU, % of one core. */
  cpuPct: number;
  rssMb: number;
  falseTimeouts: number;
  /** The pair's copy latency during the step, µs. */
  copy: Dist;
  keptUp: boolean;
}

const PAIR = { master: 'HBM', slaves: slaveIds('HBM', 1) };

/** A master→slave pair heartbeating at 1 Hz (one PUSH socket) from the first beat on; returns what stops it. */
export async function pairHeartbeats(
  receiverPort: number,
  pair: { master: string; slaves: string[] },
): Promise<() => void> {
  const push = new Push({ linger: 0 });
  push.connect(`tcp://127.0.0.1:${receiverPort}`);
  const beat = async () => {
    await push.send(heartbeatFrame(pair.master, 'Master'));
    await push.send(heartbeatFrame(pair.slaves[0]!, 'Slave'));
  };
  await beat();
  const timer = setInterval(() => void beat(), 1000);
  return () => {
    clearInterval(timer);
    push.close();
  };
}
const WARM_S = 3;

async function step(stack: Stack, eas: number, seconds: number): Promise<HeartbeatStep> {
  const gen = await startProcess(
    [
      '--import',
      'tsx',
      join(import.meta.dirname, 'hb-load.ts'),
      `tcp://127.0.0.1:${stack.receiver}`,
      String(eas),
      String(seconds + WARM_S + 2),
    ],
    {},
    /^started\n/,
  );
  await sleep(WARM_S * 1000);
  const t0 = stack.timeouts();
  const before = await stack.metrics();
  const started = performance.now();
  const fleet = new Fleet(
    PAIR.master,
    1,
    'exact',
    `tcp://127.0.0.1:${stack.receiver}`,
    `tcp://127.0.0.1:${stack.publisher}`,
  );
  await sleep(200);
  const signals = Math.max(10, Math.floor(((seconds - 1) * 1000) / 20));
  const pair = await fleet.run('closed', signals, 0, { pauseMs: 20 });
  await fleet.close();
  const remaining = seconds * 1000 - (performance.now() - started);
  if (remaining > 0) await sleep(remaining);
  const after = await stack.metrics();
  const dt = (performance.now() - started) / 1000;
  const falseTimeouts = stack.timeouts() - t0;
  await gen.exited;
  const report = JSON.parse(/\{"sent".*\}/.exec(gen.output())?.[0] ?? '{"sent":0,"seconds":1}') as {
    sent: number;
    seconds: number;
  };
  const hb = (t: string) => metric(t, 'sankey_frames_in_total', 'type="Heartbeat"');
  const handledPerS = (hb(after) - hb(before)) / dt;
  const cpu =
    metric(after, 'sankey_process_cpu_seconds_total') - metric(before, 'sankey_process_cpu_seconds_total');
  const lagP99Ms = metric(after, 'sankey_nodejs_eventloop_lag_p99_seconds') * 1000;
  return {
    eas,
    offeredPerS: report.sent / report.seconds,
    handledPerS,
    lagP99Ms,
    cpuPct: (cpu / dt) * 100,
    rssMb: metric(after, 'sankey_process_resident_memory_bytes') / 2 ** 20,
    falseTimeouts,
    copy: pair.frame,
    keptUp: handledPerS >= 0.97 * eas && falseTimeouts === 0 && pair.missing === 0,
  };
}

export async function heartbeatSuite(log: (line: string) => void): Promise<HeartbeatStep[]> {
  const max = Math.max(...benchEnv.heartbeatSteps);
  const stack = await startStack({
    mode: 'npm-start',
    groups: [PAIR],
    // The connection-table cap (when the relay has one) must not refuse the simulated EAs.
    env: { SANKEY_MAX_CONNECTIONS: String(Math.max(10_000, 2 * max)) },
  });
  const steps: HeartbeatStep[] = [];
  const stopBeat = await pairHeartbeats(stack.receiver, PAIR);
  try {
    await sleep(1000);
    for (const eas of benchEnv.heartbeatSteps) {
      const s = await step(stack, eas, benchEnv.heartbeatSeconds);
      steps.push(s);
      log(
        `heartbeats ${eas} EAs at 1 Hz: handled ${s.handledPerS.toFixed(0)}/s, lag p99 ${s.lagP99Ms.toFixed(1)} ms, ` +
          `CPU ${s.cpuPct.toFixed(0)} %, RSS ${s.rssMb.toFixed(0)} MB, false timeouts ${s.falseTimeouts}, ` +
          `copy p50 ${(s.copy.p50 / 1000).toFixed(2)} ms p99 ${(s.copy.p99 / 1000).toFixed(2)} ms${s.keptUp ? '' : ' — fell behind'}`,
      );
      // Past the first step the relay cannot keep up with, the next ones only measure the backlog.
      if (!s.keptUp && steps.length >= 2) break;
    }
  } finally {
    stopBeat();
    await stack.stop();
  }
  return steps;
}
