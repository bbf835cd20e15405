// Live events from every relay over one socket.io connection (docs/cluster.md, Live events): this relay publishes
// its UI events on core NATS `<cluster>.events.<relayId>` (batched every 25 ms) and re-emits the other relays'
// events to its own socket.io clients, each tagged with the relay it happened on. Remote events go to the sockets
// only (never back to the in-process listeners), so nothing is published twice and nothing loops. Bounded: at most
// `maxBatch` events wait to be published (more are dropped, counted), and a socket whose send buffer holds more
// than `maxClientBuffer` packets (a slow browser) skips remote events (counted) instead of growing without limit.
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import type { RelayEventName } from '@sankey/shared/api/events';
import type { ClusterNames } from '@sankey/shared/cluster/names';
import client from 'prom-client';
import type { Logger } from '../core/ports';
import { EventWatchers } from './event-watchers';

/**
 * The events that happen at one relay only. Changes of groups, members and settings are applied by every relay
 * (each emits its own), and snapshots and sync requests are routed already: those are not forwarded.
 */
export const CLUSTER_EVENTS: ReadonlySet<RelayEventName> = new Set<RelayEventName>([
  'trade_received',
  'trade_copied',
  'trade_filtered',
  'delivery_failed',
  'ea_connected',
  'ea_disconnected',
  'ea_throttled',
  'ea_recovered',
  'equity_guard',
]);

/** What the bridge needs of the relay's live events (LiveEvents). */
export interface BridgedEvents {
  /** Tags `events` with the relay id and drops those `suppress` names. */
  setOrigin(
    relayId: string,
    events: ReadonlySet<RelayEventName>,
    suppress: (event: RelayEventName, payload: unknown) => boolean,
  ): void;
  subscribe(fn: (event: RelayEventName, payload: unknown) => void): () => void;
  /** True while a socket.io client is connected (the other relays' events are only for them). */
  hasClients(): boolean;
  /** Calls `fn` each time a socket.io client connects (the bridge subscribes then, not a poll later). */
  onClientConnected?(fn: () => void): void;
  /** Emits to the socket.io clients only; returns how many clients skipped it (send buffer over the bound). */
  emitToClients(event: RelayEventName, payload: unknown, maxBuffered: number): number;
  /** Sends every socket.io client a fresh system snapshot. */
  resync(): void;
}

interface Batch {
  relayId: string;
  events: { event: string; payload: unknown }[];
}

/** Where things happen, as the cluster node knows it. */
export interface EventPlacement {
  /** True while the relay copies another relay's signal. */
  copyingRemote(): boolean;
  /** The slave's EA is connected to another relay. */
  slaveElsewhere(account: string): boolean;
}

export interface EventBridgeOptions {
  flushMs?: number;
  maxBatch?: number;
  maxClientBuffer?: number;
  /** How often the bridge checks whether a browser is connected here (ms); it says so every two. */
  watchMs?: number;
  /** How long after the last browser left the other relays' events are still received (ms): a page reload. */
  lingerMs?: number;
}

export class ClusterEventBridge {
  private sub: Subscription | null = null;
  private unsubscribe: (() => void) | null = null;
  private batch: Batch['events'] = [];
  private timer: NodeJS.Timeout | null = null;
  private warnedBad = false;
  private watchTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** When a browser was last seen connected here, and when this relay last said so (performance.now()). */
  private lastClientAt = Number.NEGATIVE_INFINITY;
  private announcedAt = Number.NEGATIVE_INFINITY;
  private readonly watchers: EventWatchers;
  private readonly counter: client.Counter<'outcome'>;
  private readonly flushMs: number;
  private readonly maxBatch: number;
  private readonly maxClientBuffer: number;
  private readonly watchMs: number;
  private readonly lingerMs: number;

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: ClusterNames,
    private readonly relayId: string,
    private readonly events: BridgedEvents,
    registry: client.Registry,
    private readonly log: Logger,
    private readonly placement: EventPlacement = { copyingRemote: () => false, slaveElsewhere: () => false },
    opts: EventBridgeOptions = {},
  ) {
    this.flushMs = opts.flushMs ?? 25;
    this.maxBatch = opts.maxBatch ?? 2000;
    this.maxClientBuffer = opts.maxClientBuffer ?? 1000;
    this.watchMs = opts.watchMs ?? 1000;
    this.lingerMs = opts.lingerMs ?? 30_000;
    // Announced every 2 watch periods, forgotten after 6 without one (two announcements missed).
    this.watchers = new EventWatchers(nc, names, relayId, 6 * this.watchMs, (hello) => this.watch(hello));
    this.counter =
      (registry.getSingleMetric('sankey_cluster_events_total') as client.Counter<'outcome'> | undefined) ??
      new client.Counter({
        name: 'sankey_cluster_events_total',
        help: 'Live UI events between relays: published, received, bad, dropped_full (publish queue full), dropped_slow_client (per socket), no_client (batches not read: no browser here), resync (snapshots sent after a NATS reconnect)',
        labelNames: ['outcome'] as const,
        registers: [registry],
      });
  }

  start(): void {
    this.events.setOrigin(this.relayId, CLUSTER_EVENTS, (e, p) => this.announcedElsewhere(e, p));
    this.watchers.start();
    this.events.onClientConnected?.(() => this.watch());
    this.watch();
    this.watchTimer = setInterval(() => this.watch(), this.watchMs);
    this.watchTimer.unref?.();
  }

  /** True while this relay receives the other relays' events (a browser is connected here, or left < linger ago). */
  get listening(): boolean {
    return this.sub !== null;
  }

  /** True while this relay publishes its events (a browser is connected to another relay). */
  get forwarding(): boolean {
    return this.unsubscribe !== null;
  }

  /**
   * Events cross only where a browser is: this relay receives the other relays' events while a browser is connected
   * here (and for `lingerMs` after the last one left: a page reload), and announces it (event-watchers.ts); it
   * builds and publishes its own only while another relay announces one. A fan-out to 100 slaves is 100
   * `trade_copied` per signal: built, JSON-encoded and published by the slaves' relay, and read off its socket by
   * every other relay, for no browser, on the cores the copies need (docs/cluster.md, Live events).
   */
  private watch(hello = false): void {
    if (this.stopped) return;
    const now = performance.now();
    if (this.events.hasClients()) this.lastClientAt = now;
    const wanted = now - this.lastClientAt < this.lingerMs;
    if (wanted && this.sub === null) {
      const own = this.names.eventsSubject(this.relayId);
      this.sub = this.nc.subscribe(this.names.eventsSubject('*'), {
        callback: (err, msg) => {
          if (!err && msg.subject !== own) this.receive(msg);
        },
      });
    } else if (!wanted && this.sub !== null) {
      this.sub.unsubscribe();
      this.sub = null;
      this.watchers.say('bye');
    }
    if (wanted && (hello || now - this.announcedAt >= 2 * this.watchMs)) {
      this.announcedAt = now;
      this.watchers.say('watching');
    }
    const forward = this.watchers.any();
    if (forward && this.unsubscribe === null) {
      this.unsubscribe = this.events.subscribe((event, payload) => {
        if (CLUSTER_EVENTS.has(event)) this.queue(event, payload);
      });
    } else if (!forward && this.unsubscribe !== null) {
      this.unsubscribe();
      this.unsubscribe = null;
    }
  }

  /**
   * Events another relay announces: a signal of another relay's master copied here (its relay announced
   * trade_received), and what becomes of a member whose slave is on another relay (that relay copies or filters).
   */
  private announcedElsewhere(event: RelayEventName, payload: unknown): boolean {
    if (event === 'trade_received') return this.placement.copyingRemote();
    if (event === 'trade_filtered' || event === 'trade_copied') {
      const slave = (payload as { slaveAccount?: unknown }).slaveAccount;
      return typeof slave === 'string' && this.placement.slaveElsewhere(slave);
    }
    return false;
  }

  private queue(event: RelayEventName, payload: unknown): void {
    if (this.batch.length >= this.maxBatch) {
      this.counter.inc({ outcome: 'dropped_full' });
      return;
    }
    this.batch.push({ event, payload });
    this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  private flush(): void {
    this.timer = null;
    if (this.batch.length === 0) return;
    const events = this.batch;
    this.batch = [];
    try {
      const body: Batch = { relayId: this.relayId, events };
      this.nc.publish(this.names.eventsSubject(this.relayId), JSON.stringify(body));
      this.counter.inc({ outcome: 'published' }, events.length);
    } catch (err) {
      this.counter.inc({ outcome: 'dropped_full' }, events.length);
      this.log.warn({ err: String(err) }, 'cluster live events not published');
    }
  }

  private receive(msg: Msg): void {
    // Nobody to show them to: not even parsed (a batch can hold hundreds of trade_copied events of a fan-out, and
    // parsing them on the event loop delays this relay's own signals).
    if (!this.events.hasClients()) {
      this.counter.inc({ outcome: 'no_client' });
      return;
    }
    const batch = parseBatch(msg.data);
    if (batch === null) {
      this.counter.inc({ outcome: 'bad' });
      if (!this.warnedBad) {
        this.warnedBad = true;
        this.log.warn({ subject: msg.subject }, 'unreadable cluster live events ignored (logged once)');
      }
      return;
    }
    for (const { event, payload } of batch.events) {
      if (!CLUSTER_EVENTS.has(event as RelayEventName) || typeof payload !== 'object' || payload === null) {
        this.counter.inc({ outcome: 'bad' });
        continue;
      }
      this.counter.inc({ outcome: 'received' });
      const tagged = { ...payload, relayId: batch.relayId };
      const skipped = this.events.emitToClients(event as RelayEventName, tagged, this.maxClientBuffer);
      if (skipped > 0) this.counter.inc({ outcome: 'dropped_slow_client' }, skipped);
    }
  }

  /**
   * NATS is back: the other relays' events published meanwhile are lost (core NATS keeps nothing), so this relay's
   * browsers get a fresh system snapshot instead of keeping a view with holes (counted as `resync`).
   */
  reconnected(): void {
    if (this.stopped) return;
    // The others may have forgotten this relay's browsers during the outage, and this relay theirs: both said now.
    if (this.sub) this.watchers.say('watching');
    this.watchers.say('hello');
    this.counter.inc({ outcome: 'resync' });
    this.events.resync();
    this.log.info({ cluster: this.names.cluster }, 'NATS back: browsers get a fresh snapshot');
  }

  stop(): void {
    this.stopped = true;
    if (this.sub) this.watchers.say('bye');
    this.watchers.stop();
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.watchTimer) clearInterval(this.watchTimer);
    this.watchTimer = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flush();
    this.sub?.unsubscribe();
    this.sub = null;
  }
}

function parseBatch(data: Uint8Array): Batch | null {
  try {
    const v = JSON.parse(new TextDecoder().decode(data)) as Partial<Batch> | null;
    if (!v || typeof v.relayId !== 'string' || !Array.isArray(v.events)) return null;
    return v as Batch;
  } catch {
    return null;
  }
}
