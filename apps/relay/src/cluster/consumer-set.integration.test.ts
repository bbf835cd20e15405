// ConsumerSet against the machine's nats-server: a relay consumes only the masters it is told to (one durable per
// relay and master), a master wanted later is consumed from then on, a consumer no longer wanted is deleted after
// the linger, and after a stop with unacknowledged messages each master's consumer replays from its own ack floor,
// in order, with the Closes of that range read. The old single durable of an earlier version is deleted at start
// and its ack floor kept.
import { randomBytes } from 'node:crypto';
import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { type ClusterNames, clusterNames } from '@sankey/shared/cluster/names';
import { decodeInbound, encodeInbound } from '@sankey/shared/protocol/codec';
import type { TradeSignal } from '@sankey/shared/protocol/messages';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsumerSet } from './consumer-set';
import { H_AT } from './headers';
import { ensureStream } from './stream-setup';

const log = { debug() {}, info() {}, warn() {}, error() {} };
let nc: NatsConnection;
let jsm: JetStreamManager;
let names: ClusterNames;

beforeAll(async () => {
  nc = await connect({ servers: 'nats://127.0.0.1:4222' });
  jsm = await jetstreamManager(nc);
  names = clusterNames(`cs${randomBytes(4).toString('hex')}`);
  await ensureStream(jsm, names);
});

afterAll(async () => {
  await jsm.streams.delete(names.signalStream).catch(() => {});
  await nc.close();
});

const sig = (master: string, action: TradeSignal['action'], ticket: number): TradeSignal => ({
  action,
  ticket,
  symbol: 'EURUSD',
  timestamp: new Date().toISOString(),
  source_account: master,
});

/** Published as a master's relay does: stamped with its clock (signal-out.ts). */
async function publish(master: string, action: TradeSignal['action'], ticket: number): Promise<number> {
  const data = encodeInbound({ type: 'TradeSignal', message: sig(master, action, ticket) });
  const h = headers();
  h.set(H_AT, String(Date.now()));
  const seq = (await jetstream(nc).publish(names.signalSubject(master), data, { headers: h })).seq;
  // Apart from a master becoming wanted right after, on the millisecond clock the stamps are compared on.
  await new Promise((r) => setTimeout(r, 3));
  return seq;
}

/** `master:ticket` of a stream message. */
function keyOf(m: JsMsg): string {
  const d = decodeInbound(m.data);
  if (!d.ok || d.value.type !== 'TradeSignal') throw new Error('not a signal');
  return `${d.value.message.source_account}:${Number(d.value.message.ticket)}`;
}

/**
 * A relay's consumers; what they deliver is recorded as `master:ticket` unless it was published before its master
 * was wanted (a new consumer starts a little earlier; signal-in.ts skips those so), acked unless `ack` says not.
 */
function relaySet(relayId: string, ack: (m: JsMsg) => boolean = () => true, lingerMs = 60_000) {
  const got: string[] = [];
  const set: ConsumerSet = new ConsumerSet(
    jetstream(nc),
    jsm,
    names,
    relayId,
    log,
    (m) => {
      const key = keyOf(m);
      if (set.arrivedAfter(key.split(':')[0]!, Number(m.headers?.get(H_AT)))) got.push(key);
      if (ack(m)) m.ack();
    },
    lingerMs,
  );
  return { set, got };
}

const durables = async (relayId: string) => {
  const out: string[] = [];
  for await (const c of jsm.consumers.list(names.signalStream)) {
    if (c.name.startsWith(names.masterDurablePrefix(relayId))) out.push(c.name);
  }
  return out.sort();
};

describe('ConsumerSet on JetStream', () => {
  it('delivers a master only to the relays told to consume it, and a master wanted later from then on', async () => {
    const a = relaySet('A');
    const b = relaySet('B');
    await a.set.start(new Set());
    await b.set.start(new Set(['M1']));
    await Promise.all([a.set.begin(), b.set.begin()]);
    expect(await durables('A')).toEqual([]);
    expect(await durables('B')).toEqual([names.masterDurable('B', 'M1')]);
    await publish('M1', 'Open', 1);
    await publish('M2', 'Open', 2);
    await expect.poll(() => b.got).toEqual(['M1:1']);
    // A slave of M2 arrives at B: its consumer is made, and what M2 publishes from then on reaches B.
    b.set.reconcile(new Set(['M1', 'M2']));
    await b.set.settled();
    await publish('M2', 'Open', 3);
    await publish('M1', 'Close', 1);
    await expect.poll(() => [...b.got].sort()).toEqual(['M1:1', 'M1:1', 'M2:3'].sort());
    expect(b.got.filter((g) => g.startsWith('M1'))).toHaveLength(2);
    // Relay A, with no slave of these masters, was delivered nothing at all.
    await new Promise((r) => setTimeout(r, 200));
    expect(a.got).toEqual([]);
    expect(a.set.pending()).toBe(0);
    expect(b.set.pending()).toBe(0);
    a.set.stop();
    b.set.stop();
  });

  it('delivers what a master published while its consumer was being made, and nothing from before it was wanted', async () => {
    const f = relaySet('F');
    await f.set.start(new Set());
    await f.set.begin();
    await publish('M7', 'Open', 1);
    // A slave of M7 arrives here: M7 is wanted from now, and its next signal reaches the stream while the consumer is
    // still being made (a consumer starting at the stream's next message then would never deliver it).
    f.set.reconcile(new Set(['M7']));
    await publish('M7', 'Open', 2);
    await f.set.settled();
    await publish('M7', 'Close', 2);
    await expect.poll(() => f.got).toEqual(['M7:2', 'M7:2']);
    f.set.stop();
  });

  it('pauses a consumer no longer wanted, keeps it through the linger, then deletes it', async () => {
    const c = relaySet('C', () => true, 300);
    await c.set.start(new Set(['M3']));
    await c.set.begin();
    const name = names.masterDurable('C', 'M3');
    const info = await jsm.consumers.info(names.signalStream, name);
    // Consumers of a relay gone for good are deleted by the server after the stream's 24 h.
    expect(info.config.inactive_threshold).toBe(24 * 3600 * 1e9);
    c.set.reconcile(new Set());
    await c.set.settled();
    expect(await durables('C')).toEqual([name]);
    // Published while paused: waits in the durable, and comes when the master is wanted back within the linger.
    await publish('M3', 'Open', 7);
    await new Promise((r) => setTimeout(r, 100));
    expect(c.got).toEqual([]);
    c.set.reconcile(new Set(['M3']));
    await c.set.settled();
    await expect.poll(() => c.got).toEqual(['M3:7']);
    c.set.reconcile(new Set());
    await new Promise((r) => setTimeout(r, 350));
    c.set.reconcile(new Set());
    await c.set.settled();
    expect(await durables('C')).toEqual([]);
    expect(c.set.size).toBe(0);
    // One deleted meanwhile by someone else (the server's inactive_threshold) counts as deleted, not retried.
    c.set.reconcile(new Set(['M3b']));
    await c.set.settled();
    c.set.reconcile(new Set());
    await jsm.consumers.delete(names.signalStream, names.masterDurable('C', 'M3b'));
    await new Promise((r) => setTimeout(r, 350));
    c.set.reconcile(new Set());
    await c.set.settled();
    expect(c.set.size).toBe(0);
    c.set.stop();
  });

  it('after a stop with unacknowledged messages, replays each master from its own ack floor, in order', async () => {
    // Relay D acks M4's first two signals, and none of M5's (the server then reports M5's ack floor as 0), then
    // stops (killed) with the rest unacknowledged.
    const acked = new Set(['M4:10', 'M4:11']);
    const d = relaySet('D', (m) => acked.has(keyOf(m)));
    await publish('M5', 'Open', 1);
    await d.set.start(new Set(['M4', 'M5']));
    await d.set.begin();
    await publish('M4', 'Open', 10);
    await publish('M4', 'Open', 11);
    await publish('M5', 'Open', 20);
    const open12 = await publish('M4', 'Open', 12);
    await publish('M5', 'Open', 21);
    await publish('M4', 'Close', 12);
    await publish('M4', 'Open', 13);
    await expect.poll(() => d.got.length).toBe(7);
    d.set.stop();
    // Published while D is down.
    await publish('M4', 'Close', 13);

    const again = relaySet('D');
    await again.set.start(new Set(['M4', 'M5']));
    // The replay comes at once (not after the 30 s ack wait), from each master's floor, in the master's order.
    await again.set.begin();
    await expect.poll(() => again.got.length, { timeout: 5000 }).toBe(6);
    expect(again.got.filter((g) => g.startsWith('M4'))).toEqual(['M4:12', 'M4:12', 'M4:13', 'M4:13']);
    // M5's replay starts where its consumer began, not at the stream's first message (M5:1, published before).
    expect(again.got.filter((g) => g.startsWith('M5'))).toEqual(['M5:20', 'M5:21']);
    // Ticket 12's Close was delivered before the stop: its replayed Open is one closed before the stop; 13's was not.
    expect(again.set.closedBeforeStop(open12, 'M4', '12')).toBe(true);
    expect(again.set.closedBeforeStop(open12 + 3, 'M4', '13')).toBe(false);
    again.set.stop();
  });

  it('deletes the old single durable at start, its consumers per master starting where it had acked', async () => {
    const old = names.durable('E');
    await jsm.consumers.add(names.signalStream, {
      durable_name: old,
      ack_policy: AckPolicy.Explicit,
      filter_subject: names.signalWildcard,
      deliver_policy: DeliverPolicy.New,
    });
    // The old version consumed and acked M6's ticket 29 (its ack floor is past it)…
    await publish('M6', 'Open', 29);
    const first = await (await jetstream(nc).consumers.get(names.signalStream, old)).next();
    await first?.ackAck();
    // … and ticket 30 was published while relay E was down for its upgrade: the old durable never delivered it.
    await publish('M6', 'Open', 30);
    const e = relaySet('E');
    await e.set.start(new Set(['M6']));
    await e.set.begin();
    await expect.poll(() => e.got).toEqual(['M6:30']);
    await expect(jsm.consumers.info(names.signalStream, old)).rejects.toThrow();
    e.set.stop();
  });
});
