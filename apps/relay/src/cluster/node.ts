// This relay as a node of a cluster (docs/cluster.md): the adapter between the transport-agnostic relay core and
// NATS. It publishes the signals of local masters to the stream and consumes the others' for local slaves, keeps
// the KV bucket of EA state, routes sync requests and snapshots, and holds the relay id.
import { hostname } from 'node:os';
import {
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { type KV, Kvm, type KvWatchEntry } from '@nats-io/kv';
import { headers, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { type ClusterNames, clusterNames, type EaKind, parseEaKey } from '@sankey/shared/cluster/names';
import { decodeInbound, encodeInbound } from '@sankey/shared/protocol/codec';
import type {
  DecodedInbound,
  PositionSnapshotMessage,
  SyncRequestMessage,
  TradeSignal,
} from '@sankey/shared/protocol/messages';
import type client from 'prom-client';
import type { Logger, SignalRecorder, StatusWriter } from '../core/ports';
import type { RelayCore } from '../core/relay-core';
import { eaTypeKey } from '../state/connections';
import type { ClusterConfig } from './config';
import { connectNats } from './connect';
import { type EaStateValue, eaStateValue, isDue, remoteInput, type Written } from './ea-state';
import { ClusterMetrics } from './metrics';
import type { Outbound } from './outbound-buffer';
import { ClusterPublisher } from './publisher';
import { type RelayInfo, RelayRegistry } from './relay-registry';
import { ensureConsumer, ensureStream } from './stream-setup';
import { JournalTap, OwnedStatusWriter } from './taps';

const H_RELAY = 'Sankey-Relay';
const H_SEQ = 'Sankey-Seq';
const H_AT = 'Sankey-Published-Ms';

export interface ClusterNodeDeps {
  log: Logger;
  registry: client.Registry;
  /** The heartbeat timeout in force (seconds): sizes the KV bucket's TTL. */
  heartbeatTimeoutS: number;
  startedAt: number;
}

const keyOf = (accountId: string, kind: EaKind) => `${kind}\u0000${accountId}`;
const liveStatus = (s: string | undefined) => s === 'Online' || s === 'Registered';

export class ClusterNode {
  readonly names: ClusterNames;
  readonly metrics: ClusterMetrics;
  private core!: RelayCore;
  private tap: JournalTap | null = null;
  private readonly publisher: ClusterPublisher;
  /** Other relays' EAs as the KV bucket last said, by keyOf. */
  private readonly remote = new Map<string, EaStateValue>();
  /**
   * EAs the bucket says are on this relay though they have not reconnected since it started (after a restart):
   * their members still count as here, so the signals for them go through the core (D15 Closes, D19 parking).
   */
  private readonly mine = new Set<string>();
  /** Remote masters entered into the local connection table (keyOf). */
  private readonly injected = new Set<string>();
  /** What was last written to the bucket for each local EA (keyOf). */
  private readonly written = new Map<string, Written>();
  /** Highest sequence number published per local master (the floor a moved master continues from). */
  private readonly floors = new Map<string, number>();
  private readonly waitingFloor = new Map<string, { sig: TradeSignal; seq: number }[]>();
  /** Highest sequence number handled per remote master (redeliveries are skipped). */
  private readonly handled = new Map<string, number>();
  private subs: Subscription[] = [];
  private stops: (() => void)[] = [];
  private conflictsLogged = new Set<string>();
  private pendingTimer: NodeJS.Timeout | null = null;
  private catchUp: () => Promise<void> = async () => {};
  /** Resolves when every frame queued so far has been handed to the PUB socket. */
  private flushed: () => Promise<void> = async () => {};
  /** Messages handled whose copies are still in the send queue: acked once it has been flushed. */
  private toAck: JsMsg[] = [];
  private acking = false;
  private closed = false;

  private constructor(
    readonly cfg: ClusterConfig,
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly eaKv: KV,
    readonly relays: RelayRegistry,
    private readonly deps: ClusterNodeDeps,
    metrics: ClusterMetrics,
  ) {
    this.names = clusterNames(cfg.cluster);
    this.metrics = metrics;
    this.publisher = new ClusterPublisher(js, cfg.bufferCapacity ?? 10_000, {
      published: () => {
        this.metrics.published.inc();
        this.metrics.bufferDepth.set(this.publisher.buffer.depth);
      },
      dropped: (item) => {
        this.metrics.dropped.inc({ action: item.action });
        this.deps.log.warn(
          { msgId: item.msgId, action: item.action },
          'cluster buffer full: oldest message dropped (dead letter queue_overflow)',
        );
      },
      failed: (err) => {
        this.metrics.publishFailures.inc();
        this.metrics.bufferDepth.set(this.publisher.buffer.depth);
        this.deps.log.debug({ err: String(err) }, 'cluster publish failed; retrying');
      },
    });
  }

  /** Connects, makes sure the stream and buckets exist and claims the relay id (ClusterStartError when taken). */
  static async join(cfg: ClusterConfig, deps: ClusterNodeDeps): Promise<ClusterNode> {
    const names = clusterNames(cfg.cluster);
    const metrics = new ClusterMetrics(deps.registry);
    let node: ClusterNode | undefined;
    const nc = await connectNats(cfg, () => {
      metrics.connected.set(1);
      deps.log.info({ cluster: cfg.cluster }, 'NATS connection restored');
      node?.publisher.resume();
    });
    metrics.connected.set(1);
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') {
          metrics.connected.set(0);
          deps.log.warn({ cluster: cfg.cluster }, 'NATS connection lost; local copying goes on');
        }
      }
    })();
    try {
      const js = jetstream(nc, { timeout: 5000 });
      const jsm = await jetstreamManager(nc);
      await ensureStream(jsm, names);
      const kvm = new Kvm(js);
      const ttlMs = Math.max(60_000, 3 * deps.heartbeatTimeoutS * 1000);
      const eaKv = await kvm.create(names.eaBucket, { history: 1, ttl: ttlMs });
      const relayKv = await kvm.create(names.relayBucket, { history: 1, ttl: cfg.relayTtlMs ?? 10_000 });
      const registry = new RelayRegistry(
        relayKv,
        () => node?.relayInfo() ?? baseInfo(cfg, deps.startedAt, 0),
        Math.max(200, Math.round((cfg.relayTtlMs ?? 10_000) / 5)),
        (err) => deps.log.warn({ err: String(err) }, 'relay liveness key not refreshed'),
      );
      await registry.claim();
      node = new ClusterNode(cfg, nc, js, jsm, eaKv, registry, deps, metrics);
      return node;
    } catch (err) {
      await nc.close().catch(() => {});
      throw err;
    }
  }

  /** The cluster as this relay sees it: live relays, and every EA with the relay it is on (local ones first). */
  async view() {
    const relays = await this.relays.list().catch(() => [this.relayInfo()]);
    const local: EaStateValue[] = [];
    for (const e of this.core?.connections() ?? []) {
      if (!this.injected.has(keyOf(e.accountId, e.eaType))) local.push(eaStateValue(this.cfg.relayId, e));
    }
    return {
      mode: 'cluster' as const,
      cluster: this.cfg.cluster,
      relayId: this.cfg.relayId,
      natsConnected: (await this.metrics.connected.get()).values[0]?.value === 1,
      relays: relays.sort((a, b) => (a.relayId < b.relayId ? -1 : a.relayId > b.relayId ? 1 : 0)),
      eas: [...local, ...this.remote.values()],
    };
  }

  relayInfo(): RelayInfo {
    return baseInfo(this.cfg, this.deps.startedAt, this.localEas());
  }

  private localEas(): number {
    if (!this.core) return 0;
    let n = 0;
    for (const e of this.core.connections()) if (!this.injected.has(keyOf(e.accountId, e.eaType))) n++;
    return n;
  }

  /** The journal as the core should see it (the master's relay journals; copies from the stream are not). */
  journal(inner: ConstructorParameters<typeof JournalTap>[0]): SignalRecorder {
    this.tap = new JournalTap(inner);
    return this.tap;
  }

  /** Member statuses are written by the relay holding the slave. */
  statusWriter(inner: StatusWriter): StatusWriter {
    return new OwnedStatusWriter(inner, (slave) => this.isElsewhere(slave, 'Slave'));
  }

  /** An EA of this account and kind is live here (not a remote entry entered from the bucket). */
  private isLocalLive(accountId: string, kind: EaKind): boolean {
    if (this.injected.has(keyOf(accountId, kind))) return false;
    return liveStatus(this.core.connection(accountId, kind)?.status);
  }

  private isLocal(accountId: string, kind: EaKind): boolean {
    const key = keyOf(accountId, kind);
    if (this.injected.has(key)) return false;
    return (
      this.core.connection(accountId, kind) !== undefined || (this.mine.has(key) && !this.remote.has(key))
    );
  }

  private isElsewhere(accountId: string, kind: EaKind): boolean {
    return this.remote.has(keyOf(accountId, kind)) && !this.isLocalLive(accountId, kind);
  }

  /**
   * Starts consuming, watching and refreshing: after the core has loaded its groups. `catchUp` applies the outbox
   * rows committed so far (a message from another relay may name a member this relay has not applied yet).
   */
  async start(
    core: RelayCore,
    hooks: { catchUp?: () => Promise<void>; flushed?: () => Promise<void> } = {},
  ): Promise<void> {
    this.core = core;
    if (hooks.catchUp) this.catchUp = hooks.catchUp;
    if (hooks.flushed) this.flushed = hooks.flushed;
    await this.watchEas();
    await this.ensureConsumer();
    // After a restart, the slaves the bucket says are here get a moment to reconnect before the backlog is
    // consumed: a Close for one of them must find it listening (and an Open older than its maximum delay is then
    // filtered as stale), not be dropped because it has not heartbeaten yet.
    void this.whenSlavesBack()
      .then(() => this.consumeSignals())
      .catch((err: unknown) => this.deps.log.error({ err: String(err) }, 'cluster consumer not started'));
    this.subscribeRouting();
    this.relays.start();
    this.pendingTimer = setInterval(() => void this.samplePending(), 5000);
  }

  // ------------------------------------------------------------------ inbound from local EAs

  /** Handles one message from a local EA (in place of core.handle). */
  handleLocal(msg: DecodedInbound, receivedAtNs: bigint): void {
    const core = this.core;
    switch (msg.type) {
      case 'TradeSignal': {
        const tap = this.tap;
        if (tap) tap.lastSeq = undefined;
        core.handle(msg, receivedAtNs);
        if (tap?.lastSeq !== undefined) this.publishSignal(msg.message, tap.lastSeq);
        return;
      }
      case 'SyncRequest': {
        const m = msg.message;
        if (this.isElsewhere(m.master_account, 'Master'))
          this.route(this.names.syncSubject(m.master_account, m.slave_account), msg);
        else core.handle(msg, receivedAtNs);
        return;
      }
      case 'PositionSnapshot': {
        core.handle(msg, receivedAtNs);
        const master = msg.message.source_account;
        if (core.membersOf(master).some((m) => this.isElsewhere(m.slaveAccount, 'Slave'))) {
          this.route(this.names.snapshotSubject(master), msg);
        }
        return;
      }
      default: {
        const kind = eaTypeKey(msg.message.ea_type ?? '');
        const key = keyOf(msg.message.account_id, kind);
        // The EA is here now: it is no longer another relay's.
        if (msg.type !== 'Unregister' && this.injected.delete(key)) this.remote.delete(key);
        if (msg.type !== 'Unregister') this.mine.delete(key);
        core.handle(msg, receivedAtNs);
        const entry = core.connection(msg.message.account_id, kind);
        if (entry && !this.injected.has(key)) this.writeState(key, entry);
      }
    }
  }

  private publishSignal(sig: TradeSignal, seq: number): void {
    const master = sig.source_account;
    if (this.floors.has(master)) return this.enqueueSignal(sig, seq);
    const waiting = this.waitingFloor.get(master);
    if (waiting) {
      waiting.push({ sig, seq });
      return;
    }
    this.waitingFloor.set(master, [{ sig, seq }]);
    // A master that moved here continues above the last sequence number its old relay published.
    void this.lastSeqOnStream(master).then((last) => {
      this.floors.set(master, Math.max(last, this.floors.get(master) ?? 0));
      const list = this.waitingFloor.get(master) ?? [];
      this.waitingFloor.delete(master);
      for (const w of list) this.enqueueSignal(w.sig, w.seq);
    });
  }

  private async lastSeqOnStream(master: string): Promise<number> {
    try {
      const m = await this.jsm.streams.getMessage(this.names.signalStream, {
        last_by_subj: this.names.signalSubject(master),
      });
      return Number(m?.header.get(H_SEQ) ?? 0) || 0;
    } catch {
      return 0;
    }
  }

  private enqueueSignal(sig: TradeSignal, journalSeq: number): void {
    const master = sig.source_account;
    const seq = Math.max(journalSeq, (this.floors.get(master) ?? 0) + 1);
    this.floors.set(master, seq);
    const item: Outbound = {
      lane: master,
      subject: this.names.signalSubject(master),
      msgId: `${master}:${seq}`,
      data: encodeInbound({ type: 'TradeSignal', message: sig }),
      action:
        sig.action === 'Open' || sig.action === 'Modify' || sig.action === 'Close' ? sig.action : 'control',
      headers: { [H_RELAY]: this.cfg.relayId, [H_SEQ]: String(seq), [H_AT]: String(Date.now()) },
    };
    this.publisher.send(item);
    this.metrics.bufferDepth.set(this.publisher.buffer.depth);
  }

  /** Sync requests and snapshots go to the relay holding the other side over core NATS (the EA asks again if lost). */
  private route(subject: string, msg: DecodedInbound): void {
    try {
      this.nc.publish(subject, encodeInbound(msg), { headers: relayHeaders(this.cfg.relayId) });
    } catch (err) {
      this.deps.log.warn({ err: String(err), subject }, 'cluster routing failed');
    }
  }

  // ------------------------------------------------------------------ from other relays

  private async whenSlavesBack(): Promise<void> {
    const graceMs = this.cfg.reconnectGraceMs ?? 10_000;
    const deadline = performance.now() + graceMs;
    const waiting = () =>
      [...this.mine].filter((key) => key.startsWith('Slave\u0000') && !this.remote.has(key)).length;
    if (waiting() === 0) return;
    this.deps.log.info(
      { slaves: waiting(), graceMs },
      "waiting for this relay's slaves to reconnect before consuming",
    );
    while (waiting() > 0 && performance.now() < deadline && !this.closed) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private async ensureConsumer(): Promise<void> {
    const replay = await ensureConsumer(this.jsm, this.names, this.cfg.relayId);
    if (replay) {
      this.deps.log.info(replay, 'replaying the signals this relay had not acknowledged, in order');
    }
  }

  private async consumeSignals(): Promise<void> {
    if (this.closed) return;
    const consumer = await this.js.consumers.get(
      this.names.signalStream,
      this.names.durable(this.cfg.relayId),
    );
    const messages = await consumer.consume({ max_messages: 256 });
    this.stops.push(() => void messages.close());
    void (async () => {
      for await (const m of messages) this.onStreamMessage(m);
    })().catch((err: unknown) => this.deps.log.error({ err: String(err) }, 'cluster consumer stopped'));
  }

  private onStreamMessage(m: JsMsg): void {
    try {
      const from = m.headers?.get(H_RELAY);
      if (from === this.cfg.relayId) {
        this.metrics.consumed.inc({ outcome: 'own' });
        return;
      }
      const decoded = decodeInbound(m.data);
      if (!decoded.ok || decoded.value.type !== 'TradeSignal') {
        this.metrics.consumed.inc({ outcome: 'bad' });
        this.deps.log.warn({ subject: m.subject }, 'unreadable message on the signal stream skipped');
        return;
      }
      const sig = decoded.value.message;
      const master = sig.source_account;
      const seq = Number(m.headers?.get(H_SEQ) ?? 0);
      if (seq > 0 && seq <= (this.handled.get(master) ?? 0)) {
        this.metrics.consumed.inc({ outcome: 'duplicate' });
        return;
      }
      if (seq > 0) this.handled.set(master, seq);
      if (this.isLocalLive(master, 'Master')) {
        // A master seen at two relays: its signals are copied by the relay it is connected to.
        this.metrics.consumed.inc({ outcome: 'master_here' });
        return;
      }
      if (!this.core.membersOf(master).some((mem) => this.isLocal(mem.slaveAccount, 'Slave'))) {
        this.metrics.consumed.inc({ outcome: 'no_local_slave' });
        return;
      }
      const tap = this.tap;
      if (tap) tap.remote = true;
      try {
        this.core.handle(decoded.value, process.hrtime.bigint());
      } finally {
        if (tap) tap.remote = false;
      }
      this.metrics.consumed.inc({ outcome: 'copied' });
      const at = Number(m.headers?.get(H_AT) ?? 0);
      if (at > 0) this.metrics.lag.observe(Math.max(0, Date.now() - at) / 1000);
    } catch (err) {
      this.metrics.consumed.inc({ outcome: 'error' });
      this.deps.log.error({ err: String(err) }, 'cluster signal not handled');
    } finally {
      // Copies are queued or parked synchronously by core.handle; the ack waits until the queued ones have been
      // handed to the socket, so a relay killed before that gets the signal again after its restart.
      this.toAck.push(m);
      this.ackWhenFlushed();
    }
  }

  private ackWhenFlushed(): void {
    if (this.acking) return;
    this.acking = true;
    const batch = this.toAck;
    this.toAck = [];
    // Handed to the socket is not yet on the wire: libzmq's I/O thread writes it a moment later, so the ack waits
    // a little longer (a relay killed in between would otherwise have acked a copy it never sent).
    void this.flushed()
      .catch(() => {})
      .then(() => new Promise((r) => setTimeout(r, this.cfg.ackGraceMs ?? 50)))
      .then(() => {
        for (const m of batch) m.ack();
        this.acking = false;
        if (this.toAck.length > 0) this.ackWhenFlushed();
      });
  }

  private subscribeRouting(): void {
    const onMsg = (kind: 'sync' | 'snapshot') => (err: Error | null, msg: Msg) => {
      if (err || msg.headers?.get(H_RELAY) === this.cfg.relayId) return;
      const decoded = decodeInbound(msg.data);
      if (!decoded.ok) return;
      const v = decoded.value;
      if (kind === 'sync' && v.type === 'SyncRequest') {
        const req = v.message as SyncRequestMessage;
        if (!this.isLocalLive(req.master_account, 'Master')) return;
        const known = () =>
          this.core.membersOf(req.master_account).some((m) => m.slaveAccount === req.slave_account);
        if (known()) this.core.handle(v, process.hrtime.bigint());
        // The slave's relay applied the new member first: apply the outbox here, then pass the request on.
        else void this.catchUp().then(() => this.core.handle(v, process.hrtime.bigint()));
      } else if (kind === 'snapshot' && v.type === 'PositionSnapshot') {
        const master = (v.message as PositionSnapshotMessage).source_account;
        if (this.core.membersOf(master).some((mem) => this.isLocal(mem.slaveAccount, 'Slave'))) {
          this.core.handle(v, process.hrtime.bigint());
        }
      }
    };
    this.subs.push(this.nc.subscribe(this.names.syncWildcard, { callback: onMsg('sync') }));
    this.subs.push(this.nc.subscribe(this.names.snapshotWildcard, { callback: onMsg('snapshot') }));
  }

  // ------------------------------------------------------------------ shared EA state

  /** Watches the bucket; resolves once the current entries are in (at most 2 s), before signals are consumed. */
  private async watchEas(): Promise<void> {
    const watch = await this.eaKv.watch();
    this.stops.push(() => watch.stop());
    let initialized: () => void = () => {};
    const ready = new Promise<void>((r) => {
      initialized = r;
    });
    if ((await this.eaKv.status()).values === 0) initialized();
    void (async () => {
      for await (const e of watch) {
        this.onEaEntry(e);
        if (e.delta === 0) initialized();
      }
    })().catch((err: unknown) => this.deps.log.error({ err: String(err) }, 'EA state watch stopped'));
    await Promise.race([ready, new Promise((r) => setTimeout(r, 2000))]);
  }

  private onEaEntry(e: KvWatchEntry): void {
    const parsed = parseEaKey(e.key);
    if (!parsed) return;
    const key = keyOf(parsed.accountId, parsed.kind);
    if (e.operation !== 'PUT') {
      this.remote.delete(key);
      this.mine.delete(key);
      if (this.injected.has(key)) this.enterRemote(parsed.accountId, key, null);
      this.metrics.remoteEas.set(this.remote.size);
      return;
    }
    let v: EaStateValue;
    try {
      v = e.json<EaStateValue>();
    } catch {
      return;
    }
    if (v.relayId === this.cfg.relayId) {
      if (!this.isLocal(parsed.accountId, parsed.kind)) this.mine.add(key);
      return;
    }
    this.mine.delete(key);
    if (this.isLocalLive(parsed.accountId, parsed.kind)) {
      if (!this.conflictsLogged.has(key)) {
        this.conflictsLogged.add(key);
        this.deps.log.warn(
          { accountId: parsed.accountId, eaType: parsed.kind, otherRelay: v.relayId },
          'EA seen at two relays: this relay keeps copying for its own connection',
        );
      }
      return;
    }
    this.remote.set(key, v);
    this.metrics.remoteEas.set(this.remote.size);
    if (parsed.kind === 'Master') this.enterRemote(parsed.accountId, key, v);
  }

  /** Another relay's master into the local connection table (only masters with a trade group here). */
  private enterRemote(accountId: string, key: string, v: EaStateValue | null): void {
    if (!this.core.group(accountId) && !this.injected.has(key)) return;
    const input: ReturnType<typeof remoteInput> = v
      ? remoteInput(v, Date.now())
      : {
          type: 'Unregister',
          message: {
            message_type: 'Unregister',
            account_id: accountId,
            timestamp: Date.now(),
            ea_type: 'Master',
          },
        };
    if (!input) return;
    this.injected.add(key);
    this.core.handleRemote(input);
  }

  private writeState(key: string, entry: NonNullable<ReturnType<RelayCore['connection']>>): void {
    const now = performance.now();
    if (!isDue(this.written.get(key), entry, now, this.cfg.refreshEveryMs ?? 5000)) return;
    this.written.set(key, {
      status: entry.status,
      isTradeAllowed: entry.isTradeAllowed,
      lastHeartbeatMs: entry.lastHeartbeatMs,
      atMono: now,
    });
    this.eaKv
      .put(
        this.names.eaKey(entry.accountId, entry.eaType),
        JSON.stringify(eaStateValue(this.cfg.relayId, entry)),
      )
      .then(
        () => this.metrics.kvWrites.inc({ outcome: 'ok' }),
        () => {
          this.metrics.kvWrites.inc({ outcome: 'failed' });
          // Written again at the next tick.
          this.written.delete(key);
        },
      );
  }

  /** Every second (the relay's timeout tick): statuses that changed without a message (timeouts) and refreshes. */
  tick(): void {
    if (!this.core) return;
    for (const e of this.core.connections()) {
      const key = keyOf(e.accountId, e.eaType);
      if (!this.injected.has(key)) this.writeState(key, e);
    }
  }

  private async samplePending(): Promise<void> {
    try {
      const info = await this.jsm.consumers.info(
        this.names.signalStream,
        this.names.durable(this.cfg.relayId),
      );
      this.metrics.pending.set(info.num_pending);
    } catch {
      // NATS unreachable: the gauge keeps its last value; sankey_cluster_nats_connected says why.
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pendingTimer) clearInterval(this.pendingTimer);
    await this.publisher.drain(2000);
    this.publisher.stop();
    for (const stop of this.stops) stop();
    for (const s of this.subs) s.unsubscribe();
    await this.relays.release();
    // Draining needs the server; when NATS is down, close after a short wait instead of hanging the shutdown.
    await Promise.race([this.nc.drain(), new Promise((r) => setTimeout(r, 2000))]).catch(() => {});
    await this.nc.close().catch(() => {});
  }
}

function relayHeaders(relayId: string) {
  const h = headers();
  h.set(H_RELAY, relayId);
  return h;
}

function baseInfo(cfg: ClusterConfig, startedAt: number, eas: number): RelayInfo {
  return {
    relayId: cfg.relayId,
    pid: process.pid,
    host: hostname(),
    address: cfg.address ?? null,
    startedAt: new Date(startedAt).toISOString(),
    seenAt: new Date().toISOString(),
    eas,
  };
}
