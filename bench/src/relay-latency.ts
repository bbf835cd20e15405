// Relay latency: one master × N slaves over real ZeroMQ on 127.0.0.1. For each trade signal we measure
// (a) inside the relay: frame received → last copy handed to the PUB socket (read from the relay's own latency
// histogram), and (b) end to end at a subscriber: signal pushed → last of the N copies received.
// The relay runs as its own process (as `npm start` runs it). Baseline, same run, same shape: a bare PULL→PUB
// forwarder process that republishes each frame N times with no decoding, filtering or encoding, so the ratio
// shows what the relay's work costs on top of ZeroMQ.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDb } from '@sankey/db/client';
import { migrate } from '@sankey/db/migrate';
import { withRepositoriesTransaction } from '@sankey/db/repositories/index';
import { heartbeat, open } from '@sankey/relay/testing/core-harness';
import { encodeInbound } from '@sankey/shared/protocol/codec';
import { Push, Subscriber } from 'zeromq';
import { benchEnv, childEnv } from './env';

const root = resolve(import.meta.dirname, '../..');
export const WARMUP_SIGNALS = 1000;

export interface LatencyRow {
  slaves: number;
  signals: number;
  relayP50Us: number;
  relayP99Us: number;
  e2eP50Us: number;
  e2eP99Us: number;
  baselineE2eP50Us: number;
  baselineE2eP99Us: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

const openSignal = (ticket: number) =>
  encodeInbound(
    open('M1', {
      ticket,
      symbol: 'pro.XAUUSD.m',
      lots: 0.5,
      magic_number: 7,
      timestamp: new Date().toISOString(),
    }),
  );

/** Sends `signals` opens one at a time and waits for all `expected` copies of each at the subscriber. */
async function drive(push: Push, sub: Subscriber, expected: number, signals: number, warmup: number) {
  const e2e: number[] = [];
  const it = sub[Symbol.asyncIterator]();
  for (let i = 0; i < warmup + signals; i++) {
    const t0 = process.hrtime.bigint();
    await push.send(openSignal(i + 1));
    for (let k = 0; k < expected; k++) await it.next();
    const dt = Number(process.hrtime.bigint() - t0) / 1000;
    if (i >= warmup) e2e.push(dt);
  }
  return e2e;
}

/**
 * Starts a child process and resolves with the first stdout line matching `ready`. For diagnosis,
 * BENCH_NODE_FLAGS adds node flags to the relay (e.g. `--trace-gc`) and BENCH_TRACE=1 echoes its stdout.
 */
async function startProcess(args: string[], env: NodeJS.ProcessEnv, ready: RegExp) {
  const child = spawn(process.execPath, args, {
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (benchEnv.trace) child.stdout!.on('data', (d: Buffer) => process.stderr.write(d));
  const line = await new Promise<RegExpExecArray>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = ready.exec(buf);
      if (m) resolve(m);
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  return { line, stop };
}

export async function relayLatency(slaves: number, signals: number): Promise<LatencyRow> {
  // The relay runs as its own process, exactly as `npm start` runs it (outbox poll, timers, metrics included).
  const dataDir = mkdtempSync(join(tmpdir(), 'sankey-bench-'));
  const url = `file:${join(dataDir, 'sankey.db')}`;
  await migrate({ url });
  const db = await createDb({ url });
  const ids = Array.from({ length: slaves }, (_, i) => `S${String(i).padStart(4, '0')}`);
  await withRepositoriesTransaction(db, (tx) =>
    tx.tradeGroups.create({
      id: 'M1',
      enabled: true,
      symbolPrefix: 'pro.',
      symbolSuffix: '.m',
      members: ids.map((s, i) => ({
        slaveAccount: s,
        enabled: true,
        slaveSettings: {
          symbolSuffix: i % 3 === 0 ? '.ecn' : null,
          symbolMappings: i % 2 ? [{ sourceSymbol: 'XAUUSD', targetSymbol: 'GOLD' }] : [],
          filters: { blockedSymbols: ['BTCUSD'], allowedMagicNumbers: [7, 8] },
        },
      })),
    }),
  );
  await db.$disconnect();
  const relay = await startProcess(
    [...benchEnv.nodeFlags, '--import', 'tsx', join(root, 'apps/relay/src/main.ts')],
    {
      SANKEY_DATA_DIR: dataDir,
      SANKEY_ZMQ_RECEIVER_PORT: '0',
      SANKEY_ZMQ_PUBLISHER_PORT: '0',
      SANKEY_RELAY_HTTP_PORT: '0',
      SANKEY_API_TOKEN: 'bench-token-0123456789abcdef',
      LOG_LEVEL: 'warn',
    },
    /relay ready (\{.*\})/,
  );
  const ports = JSON.parse(relay.line[1]!) as { receiver: number; publisher: number; relayHttp: number };
  const push = new Push({ linger: 0, sendHighWaterMark: 100_000 });
  push.connect(`tcp://127.0.0.1:${ports.receiver}`);
  const sub = new Subscriber({ linger: 0, receiveHighWaterMark: 1_000_000 });
  sub.connect(`tcp://127.0.0.1:${ports.publisher}`);
  sub.subscribe('trade/M1/');
  for (const s of ids) await push.send(encodeInbound(heartbeat(s, 'Slave')));
  await push.send(encodeInbound(heartbeat('M1', 'Master')));
  await new Promise((r) => setTimeout(r, 1000));

  // A relay runs for days: warm the JIT up before measuring (200 warm-up signals left a JIT-driven tail).
  const warmup = WARMUP_SIGNALS;
  const metricsUrl = `http://127.0.0.1:${ports.relayHttp}/metrics`;
  await drive(push, sub, slaves, warmup, 0);
  const before = await (await fetch(metricsUrl)).text();
  const e2e = await drive(push, sub, slaves, signals, 0);
  // The relay's own view over the measured signals: its latency histogram (frame received → last copy handed
  // to the PUB socket), as the difference of two scrapes.
  const after = await (await fetch(metricsUrl)).text();
  push.close();
  sub.close();
  await relay.stop();
  rmSync(dataDir, { recursive: true, force: true });

  const base = await baseline(slaves, signals, warmup);
  return {
    slaves,
    signals,
    relayP50Us: histogramQuantile(before, after, 'sankey_relay_latency_seconds', 0.5) * 1e6,
    relayP99Us: histogramQuantile(before, after, 'sankey_relay_latency_seconds', 0.99) * 1e6,
    e2eP50Us: pct(e2e, 50),
    e2eP99Us: pct(e2e, 99),
    baselineE2eP50Us: pct(base, 50),
    baselineE2eP99Us: pct(base, 99),
  };
}

/**
 * Quantile of the observations between two scrapes of a Prometheus histogram, interpolated linearly within
 * the bucket (as PromQL's histogram_quantile does).
 */
function histogramQuantile(before: string, after: string, name: string, q: number): number {
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

/** The bare forwarder (forwarder.ts) in its own process, driven exactly like the relay. */
async function baseline(slaves: number, signals: number, warmup: number): Promise<number[]> {
  const fwd = await startProcess(
    ['--import', 'tsx', join(import.meta.dirname, 'forwarder.ts'), String(slaves)],
    {},
    /^(\{.*\})\n/,
  );
  const eps = JSON.parse(fwd.line[1]!) as { receiver: string; publisher: string };
  const push = new Push({ linger: 0 });
  push.connect(eps.receiver);
  const sub = new Subscriber({ linger: 0, receiveHighWaterMark: 1_000_000 });
  sub.connect(eps.publisher);
  sub.subscribe('trade/M1/');
  await new Promise((r) => setTimeout(r, 500));
  const e2e = await drive(push, sub, slaves, signals, warmup);
  push.close();
  sub.close();
  await fwd.stop();
  return e2e;
}
