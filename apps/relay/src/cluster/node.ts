// This relay as a node of a cluster (docs/cluster.md): the adapter between the transport-agnostic relay core and
// NATS. It wires the parts together and dispatches the local EAs' messages: signals to the stream (signal-out),
// the others' signals to the core (signal-in), EA state through the KV bucket (ea-state-sync), sync requests and
// snapshots between relays (sync-routing), the relay id (join, relay-registry).
import type { NatsConnection } from '@nats-io/transport-node';
import type { ClusterNames } from '@sankey/shared/cluster/names';
import type { DecodedInbound, TradeSignal } from '@sankey/shared/protocol/messages';
import type { SignalRecorder, StatusWriter } from '../core/ports';
import type { RelayCore } from '../core/relay-core';
import { eaTypeKey } from '../state/connections';
import type { ClusterConfig } from './config';
import { eaStateValue, kvRefreshEveryMs } from './ea-state';
import { EaStateSync } from './ea-state-sync';
import { type BridgedEvents, ClusterEventBridge } from './event-bridge';
import { type ClusterNodeDeps, type Joined, joinCluster, relayInfo } from './join';
import type { ClusterMetrics } from './metrics';
import { EaPlacement, keyOf } from './placement';
import type { RelayInfo, RelayRegistry } from './relay-registry';
import { ReplayGuard } from './replay-guard';
import { type RiskPeerSide, RiskSync } from './risk-sync';
import { RiskViews } from './risk-views';
import { DeliveredSeqPrune } from './seq-prune';
import { SignalInlet } from './signal-in';
import { SignalOutlet } from './signal-out';
import { SyncRouter } from './sync-routing';
import { JournalTap, OwnedStatusWriter } from './taps';
import { publishUnsent } from './unsent';

export type { ClusterNodeDeps } from './join';

export class ClusterNode {
  readonly names: ClusterNames;
  readonly metrics: ClusterMetrics;
  readonly relays: RelayRegistry;
  private readonly nc: NatsConnection;
  private readonly where = new EaPlacement();
  /** Per-slave dedup of the stream's signals: the core's copy guard (relay.ts passes it on). */
  readonly replay: ReplayGuard;
  private tap: JournalTap | null = null;
  private readonly outlet: SignalOutlet;
  private readonly inlet: SignalInlet;
  private readonly eaState: EaStateSync;
  private readonly router: SyncRouter;
  private readonly risk: RiskSync;
  private readonly seqPrune: DeliveredSeqPrune;
  private readonly riskViews: RiskViews;
  private bridge: ClusterEventBridge | null = null;
  private appliedOutbox: () => number = () => 0;

  private constructor(
    readonly cfg: ClusterConfig,
    j: Joined,
    private readonly deps: ClusterNodeDeps,
  ) {
    this.names = j.names;
    this.metrics = j.metrics;
    this.relays = j.relays;
    this.nc = j.nc;
    const { log } = deps;
    const id = cfg.relayId;
    this.replay = new ReplayGuard(deps.seqStore, log, (outcome) => j.metrics.replayed.inc({ outcome }));
    this.outlet = new SignalOutlet(j.nc, j.jsm, j.names, id, cfg.bufferCapacity ?? 10_000, j.metrics, log);
    this.inlet = new SignalInlet(
      j.js,
      j.jsm,
      j.names,
      cfg,
      j.metrics,
      log,
      this.where,
      () => this.tap,
      this.replay,
      deps.deadLetters,
    );
    this.eaState = new EaStateSync(
      j.eaKv,
      j.names,
      id,
      () => kvRefreshEveryMs(this.where.core?.settings.heartbeatTimeoutS ?? deps.heartbeatTimeoutS),
      j.metrics,
      log,
      this.where,
    );
    this.router = new SyncRouter(j.nc, j.names, id, log, this.where);
    this.risk = new RiskSync(j.nc, j.names, id, log);
    this.seqPrune = new DeliveredSeqPrune(j.jsm, j.names, deps.seqStore, log);
    this.riskViews = new RiskViews(j.nc, j.names, id, log, this.where);
  }

  /** Connects, makes sure the stream and buckets exist and claims the relay id (ClusterStartError when taken). */
  static async join(cfg: ClusterConfig, deps: ClusterNodeDeps): Promise<ClusterNode> {
    let node: ClusterNode | undefined;
    const joined = await joinCluster(cfg, deps, {
      info: () => node?.relayInfo(),
      reconnected: () => node?.reconnected(),
    });
    node = new ClusterNode(cfg, joined, deps);
    return node;
  }

  /** NATS is back: the buffered signals go out, and the browsers get a fresh snapshot (Live events). */
  private reconnected(): void {
    this.outlet.resume();
    this.bridge?.reconnected();
  }

  /** The cluster as this relay sees it: live relays, and every EA with the relay it is on (local ones first). */
  async view() {
    const relays = await this.relays.list().catch(() => [this.relayInfo()]);
    // Local EAs' age from their last heartbeat (this machine's clock); remote ones' from their last KV update here.
    const now = Date.now();
    const local = this.where.localConnections().map((e) => ({
      ...eaStateValue(this.cfg.relayId, e),
      ageMs: Math.max(0, now - e.lastHeartbeatMs),
    }));
    return {
      mode: 'cluster' as const,
      cluster: this.cfg.cluster,
      relayId: this.cfg.relayId,
      natsConnected: (await this.metrics.connected.get()).values[0]?.value === 1,
      relays: relays.sort((a, b) => (a.relayId < b.relayId ? -1 : a.relayId > b.relayId ? 1 : 0)),
      eas: [...local, ...this.where.remoteViews()],
    };
  }

  relayInfo(): RelayInfo {
    return relayInfo(
      this.cfg,
      this.deps.startedAt,
      this.where.localConnections().length,
      this.appliedOutbox(),
      this.metrics.lagWindow.snapshot(),
    );
  }

  /** The journal as the core should see it (the master's relay journals; copies from the stream are not). */
  journal(inner: ConstructorParameters<typeof JournalTap>[0]): SignalRecorder {
    this.tap = new JournalTap(inner);
    return this.tap;
  }

  /** Member statuses are written by the relay holding the slave. */
  statusWriter(inner: StatusWriter): StatusWriter {
    return new OwnedStatusWriter(inner, (slave) => this.where.isElsewhere(slave, 'Slave'));
  }

  /**
   * Starts consuming, watching and refreshing: after the core has loaded its groups. `catchUp` applies the outbox
   * rows committed so far (a message from another relay may name a member this relay has not applied yet);
   * `flushed` resolves when every frame queued so far has been handed to the PUB socket; `appliedOutbox` is the
   * outbox id up to which every row is applied here (published with the relay id, for the outbox purge).
   */
  async start(
    core: RelayCore,
    hooks: {
      catchUp?: () => Promise<void>;
      flushed?: () => Promise<void>;
      appliedOutbox?: () => number;
    } = {},
  ): Promise<void> {
    this.where.core = core;
    // Members whose slave is on another relay are shown with that relay's view of the slave (views only).
    core.useRemoteSlaves((slave) => this.where.remoteSlave(slave), this.where.remoteSlaves);
    this.where.onRemoteSlave = (slave) => core.remoteSlaveChanged(slave);
    this.where.changed = this.membershipChanged;
    if (hooks.appliedOutbox) this.appliedOutbox = hooks.appliedOutbox;
    await this.eaState.watch();
    if (this.deps.journal) {
      await publishUnsent({
        journal: this.deps.journal,
        lastOnStream: (master) => this.outlet.lastOnStream(master),
        relayId: this.cfg.relayId,
        elsewhere: (master) => this.where.isElsewhere(master, 'Master'),
        publish: this.publishSignal,
        log: this.deps.log,
        limit: this.cfg.bufferCapacity ?? 10_000,
      }).catch((err: unknown) => this.deps.log.error({ err: String(err) }, 'unsent signals not published'));
    }
    await this.inlet.start(hooks.flushed);
    this.router.start(hooks.catchUp ?? (async () => {}));
    this.relays.start();
    this.seqPrune.start();
  }

  /**
   * Risk state across relays (docs/cluster.md): an account's equity guard runs on the relay its slave EA is live
   * on; the others mirror its `account_risk` row, re-read when a relay announces a change, and every row now and then.
   * The controls view of a member whose slave is on another relay is that relay's (risk-views.ts).
   */
  shareRisk(side: RiskPeerSide, controls: { ownsAccount: (accountId: string) => boolean }): void {
    controls.ownsAccount = (accountId) =>
      this.where.core !== undefined && this.where.isLocalLive(accountId, 'Slave');
    this.risk.start(side, this.cfg.riskResyncMs ?? 10_000);
    this.riskViews.start(() => side.localControls());
    side.remoteControls = (local) => this.riskViews.merge(local);
  }

  /** Live events to and from the other relays' browsers (docs/cluster.md, Live events). */
  bridgeEvents(events: BridgedEvents): void {
    const { registry, log } = this.deps;
    this.bridge = new ClusterEventBridge(this.nc, this.names, this.cfg.relayId, events, registry, log, {
      copyingRemote: () => this.tap?.remote === true,
      slaveElsewhere: (account) => this.where.isElsewhere(account, 'Slave'),
    });
    this.bridge.start();
  }

  /** Called from inside the core's copy: a failure here must not stop the copies to this relay's slaves. */
  private readonly publishSignal = (sig: TradeSignal, seq: number) => {
    try {
      this.outlet.publish(sig, seq);
    } catch (err) {
      this.deps.log.error({ err: String(err), seq }, 'cluster publish refused');
    }
  };

  /** Handles one message from a local EA (in place of core.handle). */
  handleLocal(msg: DecodedInbound, receivedAtNs: bigint): void {
    const { core, injected, remote, mine } = this.where;
    switch (msg.type) {
      case 'TradeSignal': {
        // Published before the copy engine runs (docs/cluster.md, Published first): a signal the journal will record
        // (its master has members) takes its sequence number now; else when the journal sequences it.
        const tap = this.tap;
        if (!tap) return core.handle(msg, receivedAtNs);
        const sig = msg.message;
        const seq = core.membersOf(sig.source_account).length > 0 ? tap.sequenceEarly(sig) : null;
        if (seq !== null) this.publishSignal(sig, seq);
        else tap.onSequenced = this.publishSignal;
        try {
          core.handle(msg, receivedAtNs);
        } finally {
          tap.onSequenced = null;
          tap.endLocal();
        }
        return;
      }
      case 'SyncRequest': {
        // Isolated delivery (D23): the slave asks under its alias; the request goes to the real master's relay.
        const master = core.masterFor(msg.message.master_account, msg.message.slave_account);
        if (this.where.isElsewhere(master, 'Master')) this.router.routeSync(msg, master);
        else core.handle(msg, receivedAtNs);
        return;
      }
      case 'PositionSnapshot': {
        core.handle(msg, receivedAtNs);
        const master = msg.message.source_account;
        if (core.membersOf(master).some((m) => this.where.isElsewhere(m.slaveAccount, 'Slave'))) {
          this.router.routeSnapshot(msg);
        }
        return;
      }
      default: {
        const kind = eaTypeKey(msg.message.ea_type ?? '');
        const key = keyOf(msg.message.account_id, kind);
        // The EA is here now: it is no longer another relay's.
        if (msg.type !== 'Unregister' && injected.delete(key)) remote.delete(key);
        if (msg.type !== 'Unregister') mine.delete(key);
        const before = core.connection(msg.message.account_id, kind)?.status;
        core.handle(msg, receivedAtNs);
        const entry = core.connection(msg.message.account_id, kind);
        if (entry && !injected.has(key)) this.eaState.write(key, entry);
        if (entry?.status !== before) this.membershipChanged();
      }
    }
  }

  /** The masters whose signals this relay consumes may have changed (signal-in.ts, reconcileSoon). */
  readonly membershipChanged = (): void => this.inlet.reconcileSoon();

  /** Every second (the relay's timeout tick): statuses that changed without a message (timeouts) and refreshes. */
  tick(): void {
    this.eaState.tick();
    this.where.checkRemoteSlaves();
    this.inlet.reconcile();
  }

  async close(): Promise<void> {
    this.inlet.halt();
    await this.outlet.close();
    this.eaState.stop();
    this.inlet.stop();
    this.router.stop();
    this.risk.stop();
    this.seqPrune.stop();
    this.riskViews.stop();
    this.bridge?.stop();
    await this.relays.release();
    // Draining needs the server; when NATS is down, close after a short wait instead of hanging the shutdown.
    await Promise.race([this.nc.drain(), new Promise((r) => setTimeout(r, 2000))]).catch(() => {});
    await this.nc.close().catch(() => {});
  }
}
