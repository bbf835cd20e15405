// ClusterEventBridge against the machine's nats-server: three relays' bridges on one cluster; an event emitted at
// one relay reaches the other two relays' clients exactly once, tagged with its relay, and is never sent on again;
// group changes stay local; a bad batch is counted and skipped; a slow client skips remote events (counted); a
// relay with no browser connected leaves the batches unread.
import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { RelayEventName } from '@sankey/shared/api/events';
import { clusterNames } from '@sankey/shared/cluster/names';
import client from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import type { Logger } from '../core/ports';
import { type BridgedEvents, ClusterEventBridge } from './event-bridge';

const names = clusterNames(`evt_${randomBytes(4).toString('hex')}`);
const conns: NatsConnection[] = [];
const bridges: ClusterEventBridge[] = [];
afterAll(async () => {
  for (const b of bridges) b.stop();
  for (const c of conns) await c.close();
});

const log = { info() {}, warn() {}, error() {}, debug() {} } as unknown as Logger;

/** A relay's live events as the bridge sees them: local emits go to listeners, remote ones to "clients". */
class Events implements BridgedEvents {
  readonly listeners = new Set<(e: RelayEventName, p: unknown) => void>();
  readonly clients: { event: string; payload: unknown }[] = [];
  slow = false;
  resyncs = 0;
  /** A browser is connected to this relay. */
  connected = true;
  setOrigin() {}
  resync() {
    this.resyncs++;
  }
  hasClients() {
    return this.connected;
  }
  subscribe(fn: (e: RelayEventName, p: unknown) => void) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  emit(e: RelayEventName, p: unknown) {
    for (const l of this.listeners) l(e, p);
  }
  emitToClients(event: RelayEventName, payload: unknown) {
    if (this.slow) return 1;
    this.clients.push({ event, payload });
    return 0;
  }
}

async function relay(id: string) {
  const nc = await connect({ servers: 'nats://127.0.0.1:4222' });
  conns.push(nc);
  const events = new Events();
  const registry = new client.Registry();
  const bridge = new ClusterEventBridge(nc, names, id, events, registry, log, undefined, { flushMs: 5 });
  bridge.start();
  bridges.push(bridge);
  await nc.flush();
  const count = async (outcome: string) =>
    (await registry.getSingleMetricAsString('sankey_cluster_events_total'))
      .split('\n')
      .filter((l) => l.includes(`outcome="${outcome}"`))
      .map((l) => Number(l.split(' ').pop()))
      .reduce((a, b) => a + b, 0);
  return { nc, events, count };
}

describe('ClusterEventBridge', () => {
  it('fans each relay’s events out to the others once, tagged, without loops; bounded and validated', async () => {
    const a = await relay('relay-a');
    const b = await relay('relay-b');
    const c = await relay('relay-c');
    const copied = {
      masterAccount: 'M1',
      slaveAccount: 'S1',
      memberId: 1,
      action: 'Open',
      ticket: '7',
      symbol: 'EURUSD',
      lots: 0.1,
      relayLatencyUs: 120,
      at: new Date().toISOString(),
      relayId: 'relay-b',
    };
    b.events.emit('trade_copied', copied);
    b.events.emit('member_added', { tradeGroupId: 'M1', slaveAccount: 'S1' });
    b.events.emit('ea_connected', { accountId: 'S2', eaType: 'Slave', relayId: 'relay-b' });
    await expect.poll(() => a.events.clients.length + c.events.clients.length, { timeout: 5000 }).toBe(4);
    await new Promise((r) => setTimeout(r, 200));
    for (const r of [a, c]) {
      expect(r.events.clients).toEqual([
        { event: 'trade_copied', payload: copied },
        { event: 'ea_connected', payload: { accountId: 'S2', eaType: 'Slave', relayId: 'relay-b' } },
      ]);
    }
    // Nothing came back to its own relay, and nothing was sent on by the others.
    expect(b.events.clients).toEqual([]);
    expect(await a.count('published')).toBe(0);
    expect(await b.count('published')).toBe(2);
    expect(await a.count('received')).toBe(2);

    // A batch that is not JSON, and an event that is not forwarded, are counted and skipped.
    a.nc.publish(names.eventsSubject('rogue'), 'not json');
    a.nc.publish(
      names.eventsSubject('rogue'),
      JSON.stringify({ relayId: 'rogue', events: [{ event: 'member_deleted', payload: {} }] }),
    );
    await expect.poll(() => b.count('bad'), { timeout: 5000 }).toBe(2);

    // A slow client skips remote events, counted.
    c.events.slow = true;
    a.events.emit('ea_disconnected', { accountId: 'M9', eaType: 'Master', relayId: 'relay-a' });
    await expect.poll(() => c.count('dropped_slow_client'), { timeout: 5000 }).toBe(1);
    await expect.poll(() => b.events.clients.length, { timeout: 5000 }).toBe(1);

    // A relay with no browser connected does not read the other relays' batches at all (counted per batch).
    c.events.connected = false;
    a.nc.publish(names.eventsSubject('rogue'), 'not json');
    b.events.emit('trade_copied', copied);
    await expect.poll(() => b.count('bad'), { timeout: 5000 }).toBe(3);
    await expect.poll(() => c.count('no_client'), { timeout: 5000 }).toBe(2);
    expect(await c.count('bad')).toBe(2);
    expect(c.events.clients).toHaveLength(2);
  });
});
