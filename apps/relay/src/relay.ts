// The relay process as a class (design.md, Lifecycle): start() loads state, binds sockets and starts the loops;
// close() is idempotent and tears down in reverse order; closed() resolves with the cause.

import { writeRuntimeInfo } from '@sankey/db/data-dir';
import { PROTOCOL_VERSION } from '@sankey/shared/protocol/constants';
import type { BackoffPolicy } from '@sankey/shared/retry';
import type { Logger as PinoLogger } from 'pino';
import type { Engine } from './core/engine';
import type { Clock } from './core/ports';
import { RelayCore } from './core/relay-core';
import { evaluations, systemSnapshot } from './core/views';
import { storedApiTokenReader } from './http/api-token-file';
import { LiveEvents } from './http/live-events';
import { RelayHttpServer } from './http/server';
import { SignalJournal } from './journal/journal';
import { DeliveryLedger } from './ledger/ledger';
import { createLogger, LogRing } from './observability/logger';
import { RelayMetrics } from './observability/metrics';
import type { OutboxConsumer } from './outbox/consumer';
import { QueuedStatusWriter } from './outbox/status-writer';
import type { RelayStorage } from './outbox/storage';
import { createOutboxConsumer, envSettingsOverride, refreshOutboxGauges, watchOutbox } from './outbox/wiring';
import { connectionView } from './state/connections';
import { InboundFrames } from './transport/inbound';
import { publishOutcomes } from './transport/publish-outcomes';
import { ZmqTransport } from './transport/zmq';

export interface RelayConfig {
  dataDir: string;
  zmqBind: string;
  receiverPort: number;
  publisherPort: number;
  httpHost: string;
  httpPort: number;
  /** Overrides the stored heartbeat timeout when set (README §3). */
  heartbeatTimeoutS?: number | undefined;
  apiToken: string;
  /** SANKEY_API_TOKEN fixes the token; otherwise a rotated one is read from secrets.json (docs/api.md). */
  apiTokenFromEnv?: boolean;
  /** Host names served besides the loopback names (docs/api.md, Host allow-list). */
  allowedHostnames?: ReadonlySet<string>;
  logLevel: string;
  corsOrigins: string[];
  shutdownDeadlineMs: number;
  /** Log to stdout (tests turn it off; the ring buffer always gets the entries). */
  logToStdout?: boolean;
  outboxPollMs?: number;
  /** Retry timing of failing outbox rows (tests shorten it). */
  outboxRetry?: BackoffPolicy;
  /** Journal entries older than this are pruned (checked hourly). */
  journalRetentionDays?: number;
  timeoutCheckMs?: number;
  sendQueueCapacity?: number;
}

export interface RelayDeps {
  storage: RelayStorage;
  engine: Engine;
  clock?: Clock;
}

export type CloseCause = { reason: 'closed' | 'signal' | 'error'; error?: unknown };

const systemClock: Clock = { nowMs: () => Date.now() };

export class Relay {
  readonly log: PinoLogger;
  readonly logs = new LogRing(1000);
  readonly metrics = new RelayMetrics();
  readonly events: LiveEvents;
  core!: RelayCore;
  private zmq!: ZmqTransport;
  private inbound!: InboundFrames;
  private http!: RelayHttpServer;
  private outbox!: OutboxConsumer;
  private statusWriter!: QueuedStatusWriter;
  private journal!: SignalJournal;
  private ledger!: DeliveryLedger;
  private timeoutTimer: NodeJS.Timeout | null = null;
  private outboxLagTimer: NodeJS.Timeout | null = null;
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
    this.log = createLogger({ level: config.logLevel, ring: this.logs, stdout: config.logToStdout ?? true });
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
    this.statusWriter = new QueuedStatusWriter(storage, this.log);
    this.ledger = new DeliveryLedger(storage, () => this.clock.nowMs(), this.log, {
      flushEveryMs: 250,
      maxPending: 100_000,
      retentionDays: this.config.journalRetentionDays ?? 30,
    });
    const openCopies = await this.ledger.load();
    this.log.info({ openCopies }, 'delivery ledger loaded');
    this.journal = new SignalJournal(
      storage,
      await storage.journalLastSeqs(),
      () => this.clock.nowMs(),
      this.log,
      {
        flushEveryMs: 250,
        maxBuffered: 10_000,
        retentionDays: this.config.journalRetentionDays ?? 30,
      },
    );
    this.zmq = new ZmqTransport(
      {
        bind: this.config.zmqBind,
        receiverPort: this.config.receiverPort,
        publisherPort: this.config.publisherPort,
        sendQueueCapacity: this.config.sendQueueCapacity ?? 10_000,
        lingerMs: 2000,
      },
      {
        onFrame: (frame, at) => this.inbound.onFrame(frame, at),
        ...publishOutcomes(this.metrics, this.log, this.events, () => this.framesSent++),
        onReceiveError: (err) => {
          this.log.error({ err }, 'receive loop failed');
          void this.close({ reason: 'error', error: err });
        },
      },
    );
    this.core = new RelayCore({
      engine: this.deps.engine,
      frames: this.zmq,
      events: this.events,
      statusWriter: this.statusWriter,
      metrics: this.metrics,
      log: this.log,
      clock: this.clock,
      globalSettings: effective(loaded.settings),
      journal: this.journal,
      ledger: this.ledger,
      onSignalDelivered: (ns) => this.metrics.relayLatency.observe(Number(ns) / 1e9),
    });
    this.inbound = new InboundFrames((msg, at) => this.core.handle(msg, at), this.metrics, this.log);
    this.core.loadAll(loaded.groups, loaded.members);

    this.outbox = createOutboxConsumer(
      { storage, core: this.core, log: this.log, metrics: this.metrics },
      { pollMs: this.config.outboxPollMs ?? 100, retry: this.config.outboxRetry, settings: effective },
    );
    await this.outbox.settleBacklog(backlogUpTo);

    this.http = new RelayHttpServer(
      {
        apiToken: this.config.apiToken,
        status: () => ({
          version: PROTOCOL_VERSION,
          uptimeS: Math.round((Date.now() - this.startedAt) / 1000),
          ports: this.ports,
          counters: this.counters(),
        }),
        connections: () => this.core.connections().map(connectionView),
        evaluations: () => ({ appliedOutboxId: this.appliedOutboxId, groups: evaluations(this.core) }),
        logs: (q) => this.logs.list(q),
        nudgeOutbox: () => this.outbox.nudge(),
        outboxFailures: () => this.outbox.failures(),
        discardOutbox: (id) => this.outbox.discard(id),
        signals: async (q) => {
          await this.journal.flush();
          return storage.recentSignals(q);
        },
        metrics: async () => {
          this.refreshGauges();
          return {
            contentType: this.metrics.registry.contentType,
            body: await this.metrics.registry.metrics(),
          };
        },
        healthy: () => this.closing === null,
        onSocketConnected: (emit) => emit('system_snapshot', systemSnapshot(this.core, this.appliedOutboxId)),
      },
      {
        corsOrigins: this.config.corsOrigins,
        ...(this.config.allowedHostnames && { allowedHostnames: this.config.allowedHostnames }),
        ...(!this.config.apiTokenFromEnv && { reloadApiToken: storedApiTokenReader(this.config.dataDir) }),
      },
    );
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
    this.journal.start();
    this.ledger.start();
    const timeoutEvery = this.config.timeoutCheckMs ?? 1000;
    this.timeoutTimer = setInterval(() => this.core.checkTimeouts(), timeoutEvery);
    this.outboxLagTimer = watchOutbox(storage, this.metrics);
    this.zmq.startReading();
  }

  private refreshGauges(): void {
    this.metrics.connectedEas.reset();
    for (const e of this.core.connections())
      this.metrics.connectedEas.inc({ role: e.eaType, status: e.status });
    this.metrics.sendQueueDepth.set(this.zmq.queueDepth);
    refreshOutboxGauges(this.outbox, this.metrics);
  }

  private counters(): Record<string, number> {
    return { ...this.metrics.totals };
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
    if (this.timeoutTimer) clearInterval(this.timeoutTimer);
    if (this.outboxLagTimer) clearInterval(this.outboxLagTimer);
    const work = (async () => {
      await this.zmq?.stopReading();
      await this.outbox?.stop();
      await this.zmq?.flush();
      await this.statusWriter?.flush();
      await this.journal?.close();
      await this.ledger?.close();
    })();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((r) => {
      timer = setTimeout(() => r('timeout'), this.config.shutdownDeadlineMs);
    });
    const outcome = await Promise.race([work.then(() => 'done' as const), deadline]);
    clearTimeout(timer);
    if (outcome === 'timeout') this.log.warn({}, 'shutdown deadline reached; closing with work pending');
    this.events.close();
    await this.zmq?.close();
    await this.http?.close();
    await this.deps.storage.close();
    this.log.info(
      { reason: cause.reason, totals: this.metrics.totals, framesSent: this.framesSent },
      'relay stopped',
    );
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
