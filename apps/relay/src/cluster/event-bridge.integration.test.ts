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
  private hook: (() => void) | null = null;
  setOrigin() {}
  onClientConnected(fn: () => void) {
    this.hook = fn;
  }
  /** A browser connects (socket.io's connection event). */
  browserConnects() {
    this.connected = true;
    this.hook?.();
  }
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

interface RelayOpts {
  connected?: boolean;
  watchMs?: number;
  lingerMs?: number;
  cluster?: typeof names;
}

async function relay(id: string, opts: RelayOpts = {}) {
  const nc = await connect({ servers: 'nats://127.0.0.1:4222' });
  conns.push(nc);
  const events = new Events();
  events.connected = opts.connected ?? true;
  const registry = new client.Registry();
  const bridge = new ClusterEventBridge(nc, opts.cluster ?? names, id, events, registry, log, undefined, {
    flushMs: 5,
    watchMs: opts.watchMs,
    lingerMs: opts.lingerMs,
  });
  bridge.start();
  bridges.push(bridge);
  await nc.flush();
  const count = async (outcome: string) =>
    (await registry.getSingleMetricAsString('sankey_cluster_events_total'))
      .split('\n')
      .filter((l) => l.includes(`outcome="${outcome}"`))
      .map((l) => Number(l.split(' ').pop()))
      .reduce((a, b) => a + b, 0);
  return { nc, events, count, bridge };
}

describe('ClusterEventBridge', () => {
  it('fans each relay’s events out to the others once, tagged, without loops; bounded and validated', async () => {
    const a = await relay('relay-a');
    const b = await relay('relay-b');
    const c = await relay('relay-c');
    // Each relay forwards its events once it heard that another has a browser connected (event-watchers.ts).
    for (const r of [a, b, c]) await expect.poll(() => r.bridge.forwarding, { timeout: 5000 }).toBe(true);
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

  it('receives the other relays’ events only while a browser is connected here; builds its own only while one is elsewhere', async () => {
    const cluster = clusterNames(`evt_${randomBytes(4).toString('hex')}`);
    // A linger well above the 40 ms probe below: at 150 ms, a stall of the process of 140 ms right after the browser
    // left (a loaded machine) ran the watch past the linger before the probe looked.
    const quiet = await relay('relay-quiet', { connected: false, watchMs: 20, lingerMs: 1000, cluster });
    const loud = await relay('relay-loud', { connected: false, watchMs: 20, lingerMs: 150, cluster });
    const copied = { masterAccount: 'M1', slaveAccount: 'S1', relayId: 'relay-loud' };
    // No browser anywhere: nobody receives the other relays' events, and nobody builds its own for them (the copy
    // path's `events.active` stays false: no listener).
    await new Promise((r) => setTimeout(r, 100));
    for (const r of [quiet, loud]) {
      expect(r.bridge.listening).toBe(false);
      expect(r.bridge.forwarding).toBe(false);
      expect(r.events.listeners.size).toBe(0);
    }
    loud.events.emit('trade_copied', copied);
    await new Promise((r) => setTimeout(r, 100));
    expect(await loud.count('published')).toBe(0);

    // A browser connects to quiet: subscribed at once (no wait for the next check), and loud hears of it.
    quiet.events.browserConnects();
    expect(quiet.bridge.listening).toBe(true);
    await expect.poll(() => loud.bridge.forwarding, { timeout: 5000 }).toBe(true);
    loud.events.emit('trade_copied', copied);
    await expect.poll(() => quiet.events.clients.length, { timeout: 5000 }).toBe(1);
    expect(quiet.bridge.forwarding).toBe(false);

    // It leaves: still received during the linger, then unsubscribed, and loud stops building events (bye).
    quiet.events.connected = false;
    await new Promise((r) => setTimeout(r, 40));
    expect(quiet.bridge.listening).toBe(true);
    await expect.poll(() => quiet.bridge.listening, { timeout: 5000 }).toBe(false);
    await expect.poll(() => loud.bridge.forwarding, { timeout: 5000 }).toBe(false);
    expect(loud.events.listeners.size).toBe(0);
    expect(await loud.count('published')).toBe(1);
  });

  it('a relay that starts hears of the browsers already connected elsewhere at once (hello)', async () => {
    const cluster = clusterNames(`evt_${randomBytes(4).toString('hex')}`);
    // Announcing every 20 s: only the answer to the newcomer's hello can tell it in time.
    const watching = await relay('relay-watching', { watchMs: 10_000, cluster });
    await watching.nc.flush();
    const late = await relay('relay-late', { connected: false, watchMs: 10_000, cluster });
    await expect.poll(() => late.bridge.forwarding, { timeout: 2000 }).toBe(true);
  });

  it('says again that a browser is connected after a NATS reconnect (the others may have forgotten it)', async () => {
    const cluster = clusterNames(`evt_${randomBytes(4).toString('hex')}`);
    const watching = await relay('relay-watching', { watchMs: 10_000, cluster });
    // Forgets a watching relay 120 ms after its last announcement.
    const peer = await relay('relay-peer', { connected: false, watchMs: 20, cluster });
    await expect.poll(() => peer.bridge.forwarding, { timeout: 2000 }).toBe(true);
    await expect.poll(() => peer.bridge.forwarding, { timeout: 2000 }).toBe(false);
    watching.bridge.reconnected();
    await expect.poll(() => peer.bridge.forwarding, { timeout: 2000 }).toBe(true);
  });
});
