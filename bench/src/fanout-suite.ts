// Item 1 of the benchmark: the relay (as `npm start` runs it) against the bare forwarder, same run, same sockets,
// at every N: closed loop and open loop on exact topics, and the shared-delivery (prefix) variant at N ≤ 100.
import { join } from 'node:path';
import { Push } from 'zeromq';
import { benchEnv } from './env';
import { type FanoutRun, Fleet, type LoopMode, type SubMode, warmupFor } from './fanout';
import { slaveIds } from './ids';
import { heartbeatFrame } from './signals';
import { type Stack, startProcess, startStack } from './stack';
import { histogramQuantile, sleep } from './stats';

export interface FanoutRow {
  relay: FanoutRun;
  forwarder: FanoutRun;
  /** The relay's own view (frame read → last copy handed to the socket), closed loop only, µs. */
  relayInternalP50Us?: number;
  relayInternalP99Us?: number;
}

/** Every master and slave heartbeats once, so every member is at status 2 (the stack runs with a long timeout). */
export async function heartbeatAll(receiver: number, groups: { master: string; slaves: string[] }[]) {
  const push = new Push({ linger: 1000, sendHighWaterMark: 1_000_000 });
  push.connect(`tcp://127.0.0.1:${receiver}`);
  for (const g of groups) {
    for (const s of g.slaves) await push.send(heartbeatFrame(s, 'Slave'));
    await push.send(heartbeatFrame(g.master, 'Master'));
  }
  await sleep(1500 + groups.reduce((n, g) => n + g.slaves.length, 0));
  push.close();
}

async function measure(
  target: { receiver: string; publisher: string },
  master: string,
  n: number,
  sub: SubMode,
  mode: LoopMode,
  stack?: Stack,
  /** The forwarder's stdout so far: with an XPUB it prints `subscribed <count>` per subscription. */
  forwarderOutput?: () => string,
): Promise<{ run: FanoutRun; p50?: number; p99?: number }> {
  const fleet = new Fleet(master, n, sub, target.receiver, target.publisher);
  await sleep(300 + n);
  // A bare forwarder drops frames for subscribers whose subscription it has not seen yet (the relay parks them,
  // D19): at N = 1,000 the first signal missed 133 of 1,000 subscribers after the 1.3 s wait above. Wait for all.
  if (forwarderOutput && benchEnv.forwarderSocket === 'xpub') {
    const until = Date.now() + 60_000;
    const all = `subscribed ${fleet.subscriptions}\n`;
    while (!forwarderOutput().includes(all) && Date.now() < until) await sleep(50);
  }
  const signals =
    sub === 'prefix'
      ? benchEnv.prefixSignals
      : mode === 'open' && n >= 1000
        ? Math.min(benchEnv.signals, benchEnv.openSignalsLarge)
        : benchEnv.signals;
  let before = '';
  const run = await fleet.run(mode, signals, warmupFor(fleet.perSignal * n), {
    between: async () => {
      if (stack) before = await stack.metrics();
    },
  });
  await fleet.close();
  if (!stack || mode !== 'closed') return { run };
  const after = await stack.metrics();
  return {
    run,
    p50: histogramQuantile(before, after, 'sankey_relay_latency_seconds', 0.5) * 1e6,
    p99: histogramQuantile(before, after, 'sankey_relay_latency_seconds', 0.99) * 1e6,
  };
}

/** The relay's delivery counters (where a copy that did not arrive went), for a failed run's message. */
const deliveryMetrics = (text: string): string =>
  text
    .split('\n')
    .filter((l) =>
      /^sankey_(signals_copied|signals_filtered|parked_frames|dead_letters|send_dropped|send_queue_depth|send_failures|inbound_refused|outbound_frames_refused|blocked_frames|connected_eas)/.test(
        l,
      ),
    )
    .join('\n');

export async function fanoutSuite(log: (line: string) => void): Promise<FanoutRow[]> {
  const sizes = [...new Set([...benchEnv.fanout, ...benchEnv.prefixFanout])];
  const groups = sizes.map((n) => ({ master: `M${n}`, slaves: slaveIds(`M${n}`, n) }));
  const stack = await startStack({
    mode: 'npm-start',
    groups,
    env: { SANKEY_HEARTBEAT_TIMEOUT_S: '3600' },
  });
  const rows: FanoutRow[] = [];
  try {
    await heartbeatAll(stack.receiver, groups);
    const relay = {
      receiver: `tcp://127.0.0.1:${stack.receiver}`,
      publisher: `tcp://127.0.0.1:${stack.publisher}`,
    };
    const cases: [number, SubMode, LoopMode][] = [
      ...benchEnv.fanout.flatMap((n) => [
        [n, 'exact', 'closed'] as [number, SubMode, LoopMode],
        [n, 'exact', 'open'] as [number, SubMode, LoopMode],
      ]),
      ...(benchEnv.skip.has('prefix')
        ? []
        : benchEnv.prefixFanout.map((n) => [n, 'prefix', 'closed'] as [number, SubMode, LoopMode])),
    ];
    for (const [n, sub, mode] of cases) {
      const r = await measure(relay, `M${n}`, n, sub, mode, stack).catch(async (e: unknown) => {
        throw new Error(
          `${(e as Error).message}\nrelay at the time:\n${deliveryMetrics(await stack.metrics())}`,
        );
      });
      // The baseline right after, so both see the same machine load.
      const fwd = await startProcess(
        [
          '--import',
          'tsx',
          join(import.meta.dirname, 'forwarder.ts'),
          benchEnv.forwarderSocket,
          `M${n}`,
          String(n),
        ],
        {},
        /^(\{.*\})\n/,
      );
      const f = await measure(JSON.parse(fwd.line[1]!), `M${n}`, n, sub, mode, undefined, fwd.output);
      await fwd.stop();
      const row: FanoutRow = {
        relay: r.run,
        forwarder: f.run,
        ...(r.p50 !== undefined ? { relayInternalP50Us: r.p50, relayInternalP99Us: r.p99 } : {}),
      };
      rows.push(row);
      log(
        `fan-out N=${n} ${sub} ${mode}: relay p50 ${r.run.frame.p50.toFixed(0)} µs p99 ${r.run.frame.p99.toFixed(0)} µs ` +
          `${r.run.signalsPerS.toFixed(0)} sig/s | forwarder p50 ${f.run.frame.p50.toFixed(0)} µs p99 ` +
          `${f.run.frame.p99.toFixed(0)} µs ${f.run.signalsPerS.toFixed(0)} sig/s`,
      );
    }
  } finally {
    await stack.stop();
  }
  return rows;
}
