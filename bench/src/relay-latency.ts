// Relay latency: one master × N slaves over real ZeroMQ on 127.0.0.1. For each trade signal we measure
// (a) inside the relay: frame received → last copy handed to the PUB socket (its own histogram source), and
// (b) end to end at a subscriber: signal pushed → last of the N copies received.
// Baseline, same run and same sockets shape: a bare PULL→PUB forwarder that republishes each frame N times
// with no decoding, filtering or encoding, so the ratio shows what the relay's work costs on top of ZeroMQ.

import { withTransaction } from '@sankey/db/client';
import { createRepositories } from '@sankey/db/repositories/index';
import { startTestRelay } from '@sankey/relay/testing/start-relay';
import { encodeInbound } from '@sankey/shared/protocol/codec';
import type { DecodedInbound } from '@sankey/shared/protocol/messages';
import { Publisher, Pull, Push, Subscriber } from 'zeromq';

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

const heartbeat = (id: string, eaType: string): DecodedInbound => ({
  type: 'Heartbeat',
  message: {
    message_type: 'Heartbeat',
    account_id: id,
    balance: 1e4,
    equity: 1e4,
    open_positions: 0,
    timestamp: '2025-01-01T00:00:00+00:00',
    version: '2.0.0',
    ea_type: eaType,
    platform: 'MT5',
    account_number: 1,
    broker: 'B',
    account_name: 'N',
    server: 'S',
    currency: 'USD',
    leverage: 100,
    is_trade_allowed: true,
    symbol_prefix: null,
    symbol_suffix: null,
    symbol_map: null,
  },
});

const openSignal = (ticket: number) =>
  encodeInbound({
    type: 'TradeSignal',
    message: {
      action: 'Open',
      ticket,
      symbol: 'pro.XAUUSD.m',
      order_type: 'Buy',
      lots: 0.5,
      open_price: 2650.5,
      stop_loss: 0,
      take_profit: 0,
      magic_number: 7,
      comment: 'bench',
      timestamp: new Date().toISOString(),
      source_account: 'M1',
    },
  });

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

export async function relayLatency(slaves: number, signals: number): Promise<LatencyRow> {
  // The production outbox poll interval: its DB reads share the event loop with the signal path.
  const t = await startTestRelay({ config: { outboxPollMs: 100 } });
  const repos = createRepositories(t.db);
  const ids = Array.from({ length: slaves }, (_, i) => `S${String(i).padStart(4, '0')}`);
  await withTransaction(t.db, async (tx) => {
    await repos.tradeGroups.create(
      {
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
      },
      tx,
    );
    await repos.outbox.append({ kind: 'group.created', tradeGroupId: 'M1', payload: {} }, tx);
  });
  await t.relay.drainOutbox();
  const push = new Push({ linger: 0, sendHighWaterMark: 100_000 });
  push.connect(t.endpoints.receiver);
  const sub = new Subscriber({ linger: 0, receiveHighWaterMark: 1_000_000 });
  sub.connect(t.endpoints.publisher);
  sub.subscribe('trade/M1/');
  for (const s of ids) await push.send(encodeInbound(heartbeat(s, 'Slave')));
  await push.send(encodeInbound(heartbeat('M1', 'Master')));
  await new Promise((r) => setTimeout(r, 500));

  const relayUs: number[] = [];
  const prev = t.relay.core.onSignalDelivered;
  t.relay.core.onSignalDelivered = (ns) => {
    relayUs.push(Number(ns) / 1000);
    prev(ns);
  };
  const warmup = Math.min(200, signals);
  const e2e = await drive(push, sub, slaves, signals, warmup);
  const relayMeasured = relayUs.slice(warmup);
  push.close();
  sub.close();
  await t.stop();

  const base = await baseline(slaves, signals, warmup);
  return {
    slaves,
    signals,
    relayP50Us: pct(relayMeasured, 50),
    relayP99Us: pct(relayMeasured, 99),
    e2eP50Us: pct(e2e, 50),
    e2eP99Us: pct(e2e, 99),
    baselineE2eP50Us: pct(base, 50),
    baselineE2eP99Us: pct(base, 99),
  };
}

/** PULL→PUB forwarder doing no work: the floor any relay on these sockets has. */
async function baseline(slaves: number, signals: number, warmup: number): Promise<number[]> {
  const pull = new Pull();
  const pub = new Publisher({ sendHighWaterMark: 1_000_000 });
  await pull.bind('tcp://127.0.0.1:*');
  await pub.bind('tcp://127.0.0.1:*');
  const topics = Array.from({ length: slaves }, (_, i) =>
    Buffer.from(`trade/M1/S${String(i).padStart(4, '0')} `),
  );
  let running = true;
  const loop = (async () => {
    while (running) {
      const [frame] = await pull.receive();
      for (const t of topics) await pub.send(Buffer.concat([t, frame!]));
    }
  })().catch(() => {});
  const push = new Push({ linger: 0 });
  push.connect(pull.lastEndpoint!);
  const sub = new Subscriber({ linger: 0, receiveHighWaterMark: 1_000_000 });
  sub.connect(pub.lastEndpoint!);
  sub.subscribe('trade/M1/');
  await new Promise((r) => setTimeout(r, 300));
  const e2e = await drive(push, sub, slaves, signals, warmup);
  running = false;
  push.close();
  sub.close();
  pull.close();
  pub.close();
  await loop;
  return e2e;
}
