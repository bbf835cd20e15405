// The relay process as a class (docs/architecture.md, Lifecycle): start() loads state, binds sockets and starts the loops;
// close() is idempotent and tears down in reverse order; closed() resolves with the cause.

import { writeRuntimeInfo } from '@sankey/db/data-dir';
import type { DecodedInbound } from '@sankey/shared/protocol/messages';
import type { Logger as PinoLogger } from 'pino';
import { ClusterNode } from './cluster/node';
import type { Clock } from './core/ports';
import { RelayCore } from './core/relay-core';
import { systemSnapshot } from './core/views';
import { importSpillAtStart, type SpilledRow, spillLetters } from './delivery/letter-spill';
import { LiveEvents } from './http/live-events';
import { relayHttpServer } from './http/relay-http';
import type { RelayHttpServer } from './http/server';
import { LogShipper, relayShipperDeps } from './observability/log-shipping';
import { createLogger, LogRing } from './observability/logger';
import { RelayMetrics } from './observability/metrics';
import { RelayOps } from './ops';
import type { OutboxConsumer } from './outbox/consumer';
import { createOutboxConsumer, envSettingsOverride, refreshOutboxGauges, watchOutbox } from './outbox/wiring';
import { RelayPersistence } from './persistence';
import { type RelayConfig, zmqOptions } from './relay-config';
import { startTicks } from './relay-ticks';
import { type CloseCause, type RelayDeps, systemClock } from './relay-types';
import { RelayRiskOps } from './risk-ops';
import { deadLetterAbandoned, drainWithDeadline, reportLeftBehind } from './shutdown-deadline';
import { InboundFrames } from './transport/inbound';
import { publishOutcomes } from './transport/publish-outcomes';
import { ZmqTransport } from './transport/zmq';

export type { RelayConfig } from './relay-config';
export type { CloseCause, RelayDeps } from './relay-types';

export class Relay {
  readonly log: PinoLogger;
  readonly logs = new LogRing(1000);
  readonly metrics = new RelayMetrics();
  /** The relay's own logs to VictoriaLogs, as `logShipping` in the global settings says (docs/protocol.md §11.3). */
  readonly shipper = new LogShipper(relayShipperDeps(this.metrics, () => this.log));
  readonly events: LiveEvents;
  core!: RelayCore;
  /** Dead letters, endpoint statistics and the blocklist (docs/api.md). */
  ops!: RelayOps;
  /** Equity guards, master close-only, closeAll (docs/risk-controls.md). */
  riskOps!: RelayRiskOps;
  private zmq!: ZmqTransport;
  private inbound!: InboundFrames;
  private http!: RelayHttpServer;
  private outbox!: OutboxConsumer;
  private persistence!: RelayPersistence;
  /** This relay as a node of its cluster; null when alone (docs/cluster.md). */
  cluster: ClusterNode | null = null;
  private stopTicks: (() => void) | null = null;
  private outboxWatch: { stop(): void } | null = null;
  private startedAt = 0;
  /** Frames handed to the PUB socket. */
  framesSent = 0;
  private closing: Promise<void> | null = null;
  private resolveClosed!: (c: CloseCause) => void;
  private readonly closedPromise = new Promise<CloseCause>((r) => {
    this.resolveClosed = r;
  });
  private readonly clock: Clock;

  constructor(
    readonly config: RelayConfig,
    private readonly deps: RelayDeps,
  ) {
    this.clock = deps.clock ?? systemClock;
    const stdout = config.logToStdout ?? true;
    this.log = createLogger({ level: config.logLevel, ring: this.logs, stdout, ship: this.shipper });
    this.events = new LiveEvents(() => systemSnapshot(this.core, this.appliedOutboxId));
  }

  /** The id of the last outbox row applied, carried by snapshots and evaluations (0 before start). */
  get appliedOutboxId(): number {
    return this.outbox?.appliedId ?? 0;
  }

  get ports() {
    return { receiver: this.zmq.receiverPort, publisher: this.zmq.publisherPort, relayHttp: this.http.port };
  }

  async start(): Promise<void> {
    this.startedAt = Date.now();
    const { storage } = this.deps;
    // Rows up to here are in what loadAll reads (appends commit in id order): settled below, not re-published.
    const backlogUpTo = await storage.latestOutboxId();
    const loaded = await storage.loadAll();
    for (const bad of loaded.unreadable) {
      // Left out of copying until fixed (e.g. by saving the member's settings again in the web app).
      this.log.error(bad, 'member with unreadable settings skipped');
    }
    const effective = envSettingsOverride(this.config);
    const settings = effective(loaded.settings);
    this.shipper.configure(settings.logShipping);
    this.persistence = await RelayPersistence.open(storage, {
      clock: this.clock,
      log: this.log,
      metrics: this.metrics,
      events: this.events,
      retentionDays: this.config.journalRetentionDays ?? 30,
    });
    const p = this.persistence;
    this.cluster = this.config.cluster
      ? await ClusterNode.join(this.config.cluster, {
          log: this.log,
          registry: this.metrics.registry,
          heartbeatTimeoutS: settings.heartbeatTimeoutS,
          startedAt: this.startedAt,
          seqStore: storage,
          deadLetters: p.deadLetters,
          journal: storage,
        })
      : null;
    const cluster = this.cluster;
    this.ops = new RelayOps(
      storage,
      this.metrics,
      this.events,
      () => this.clock.nowMs(),
      p,
      this.config.parkedHighWater,
    );
    const blocked = await this.ops.blocked.load();
    if (blocked > 0) this.log.info({ blocked }, 'blocklist loaded');
    this.zmq = new ZmqTransport(zmqOptions(this.config), {
      onFrame: (frame, at) => this.inbound.onFrame(frame, at),
      onReceiverDisconnect: () => this.metrics.receiverDisconnects.inc(),
      onSubscription: (topic, live) => this.core.onSubscription(topic, live),
      ...publishOutcomes(this.metrics, this.log, p.deadLetters, (item) => {
        this.framesSent++;
        this.ops.stats.frameOut(item.topic, item.frame.length, item.to);
      }),
      onReceiveError: (err) => {
        this.log.error({ err }, 'receive loop failed');
        void this.close({ reason: 'error', error: err });
      },
    });
    this.riskOps = new RelayRiskOps(storage, this.metrics, this.events, this.log);
    this.core = new RelayCore({
      engine: this.deps.engine,
      frames: this.zmq,
      events: this.events,
      statusWriter: cluster ? cluster.statusWriter(p.statusWriter) : p.statusWriter,
      metrics: this.metrics,
      log: this.log,
      clock: this.clock,
      globalSettings: settings,
      journal: cluster ? cluster.journal(p.journal) : p.journal,
      ledger: p.ledger,
      deadLetters: p.deadLetters,
      parkingStore: p.parkingStore,
      isBlocked: this.ops.blocked.has,
      ...(cluster ? { copyGuard: cluster.replay } : {}),
      aliasStore: p.aliasStore,
      maxConnections: this.config.maxConnections ?? 10_000,
      onSignalDelivered: (ns) => this.metrics.relayLatency.observe(Number(ns) / 1e9),
      onGlobalSettings: (next) => this.shipper.configure(next.logShipping),
      guardStore: this.riskOps.store,
      onGuardEvent: this.riskOps.onGuardEvent,
      onCloseAllClose: () => this.metrics.risk.closeAllCloses.inc(),
    });
    this.ops.core = this.core;
    this.riskOps.core = this.core;
    const handle = cluster
      ? (msg: DecodedInbound, at: bigint) => cluster.handleLocal(msg, at)
      : (msg: DecodedInbound, at: bigint) => this.core.handle(msg, at);
    this.inbound = new InboundFrames(handle, this.metrics, this.log, undefined, this.ops.inbound);
    this.core.restoreAliases(await storage.loadAliases());
    await this.riskOps.load();
    this.core.loadAll(loaded.groups, loaded.members);
    this.core.restoreParked(p.parked);
    await importSpillAtStart(this.config.dataDir, storage, this.log); // letters the last shutdown spilled

    this.outbox = createOutboxConsumer(
      { storage, core: this.core, log: this.log, metrics: this.metrics },
      {
        pollMs: this.config.outboxPollMs ?? 100,
        retry: this.config.outboxRetry,
        health: this.persistence.health,
        settings: effective,
        everyRow: cluster !== null,
        onApplied: () => cluster?.membershipChanged(),
      },
    );
    await this.outbox.settleBacklog(backlogUpTo);
    await cluster?.start(this.core, {
      catchUp: () => this.outbox.drain(),
      flushed: () => Promise.all([this.zmq.flush(), this.persistence.parkingStore.flush()]).then(() => {}),
      appliedOutbox: () => this.appliedOutboxId,
    });
    cluster?.shareRisk(this.riskOps, this.core.risk);
    cluster?.bridgeEvents(this.events);

    this.http = relayHttpServer({
      relay: this,
      storage,
      outbox: this.outbox,
      persistence: this.persistence,
      startedAt: this.startedAt,
      refreshGauges: () => this.refreshGauges(),
      healthy: () => this.closing === null,
    });
    this.events.attach(this.http.io);

    await this.zmq.bind();
    await this.http.listen(this.config.httpHost, this.config.httpPort);
    writeRuntimeInfo(this.config.dataDir, {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      ports: this.ports,
    });
    this.log.info({ ports: this.ports, bind: this.config.zmqBind }, 'relay listening');

    this.outbox.start();
    this.persistence.start();
    this.metrics.startSampling();
    const every = [() => this.core.tick(), () => this.cluster?.tick(), () => this.ops.tick()];
    const sweep = (slices: number) => this.core.checkConnectionTimeouts(slices);
    this.stopTicks = startTicks(this.config.timeoutCheckMs ?? 1000, sweep, every);
    const retentionS = this.config.outboxRetentionS ?? 86_400;
    this.outboxWatch = watchOutbox(storage, this.metrics, this.log, this.outbox, retentionS, cluster);
    this.zmq.startReading();
  }

  private deadLetterDeps() {
    const storage = this.deps.storage;
    return {
      write: storage.addDeadLetters.bind(storage),
      spill: (rows: SpilledRow[]) => spillLetters(this.config.dataDir, rows),
      metrics: this.metrics,
      log: this.log,
      now: new Date(),
    };
  }

  private refreshGauges(): void {
    this.metrics.refreshGauges(this.core.engineStats(), this.core.connections(), this.zmq.queueDepth);
    refreshOutboxGauges(this.outbox, this.metrics);
  }

  /**
   * Stop reading, finish the message in hand (handlers are synchronous, so it is already done), apply pending
   * outbox rows, flush queued frames and status writes within the deadline, close sockets and HTTP.
   */
  close(cause: CloseCause = { reason: 'closed' }): Promise<void> {
    this.closing ??= this.shutdown(cause);
    return this.closing;
  }

  private async shutdown(cause: CloseCause): Promise<void> {
    this.log.info({ reason: cause.reason }, 'relay shutting down');
    this.stopTicks?.();
    this.outboxWatch?.stop();
    this.metrics.stopSampling();
    const work = (async () => {
      await this.zmq?.stopReading().then(() => this.core?.settled()); // snapshots being built finish first
      await this.cluster?.close();
      await this.outbox?.stop();
      await this.zmq?.flush();
      await this.riskOps?.flush();
      await this.persistence?.close();
    })();
    const left = await drainWithDeadline(work, this.config.shutdownDeadlineMs, () => ({
      frames: this.zmq?.queueDepth ?? 0,
      journal: this.persistence?.journal.unwritten ?? 0,
      ledger: this.persistence?.ledger.unwritten ?? 0,
    }));
    if (left) {
      reportLeftBehind(left, this.metrics, this.log, this.deps.onShutdownDeadline);
      await deadLetterAbandoned(this.zmq?.abandonQueued() ?? [], this.deadLetterDeps());
    }
    this.events.close();
    await this.zmq?.close();
    await this.http?.close();
    await this.deps.storage.close();
    this.log.info(
      { reason: cause.reason, totals: this.metrics.totals, framesSent: this.framesSent },
      'relay stopped',
    );
    await this.shipper.close();
    this.resolveClosed(cause);
  }

  closed(): Promise<CloseCause> {
    return this.closedPromise;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** For tests: apply pending outbox rows now. */
  drainOutbox(): Promise<void> {
    return this.outbox.drain();
  }
}
