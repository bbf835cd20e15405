// Prometheus metrics of the relay (docs/architecture.md, Observability), on a registry of its own so tests can run
// several relays in one process.

import type { LatencySummary } from '@sankey/shared/api/views';
import type { FailureClass } from '@sankey/shared/retry';
import client from 'prom-client';
import type { ConfigTrigger, CoreMetrics } from '../core/ports';
import { type LatencyReading, LatencyRing } from './latency-ring';
import type { LogShippingMetrics, ShippingDropReason } from './log-shipping';
import { persistenceMetrics } from './persistence-metrics';
import { riskMetrics } from './risk-metrics';
import { Uncounted } from './uncounted';

const LATENCY_BUCKETS_S = [
  10e-6, 25e-6, 50e-6, 75e-6, 100e-6, 150e-6, 200e-6, 300e-6, 500e-6, 750e-6, 1e-3, 2e-3, 5e-3, 10e-3, 50e-3,
];

export class RelayMetrics implements CoreMetrics, LogShippingMetrics {
  readonly registry = new client.Registry();
  private readonly framesInUncounted = new Uncounted('type');
  private readonly copiesUncounted = new Uncounted();
  readonly framesIn: client.Counter<'type'> = new client.Counter({
    name: 'sankey_frames_in_total',
    help: 'Inbound frames by message type',
    labelNames: ['type'] as const,
    registers: [this.registry],
    collect: (): void => this.framesInUncounted.flushInto(this.framesIn),
  });
  readonly decodeErrors = new client.Counter({
    name: 'sankey_decode_errors_total',
    help: 'Inbound frames dropped because they could not be decoded, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly signalsCopied: client.Counter = new client.Counter({
    name: 'sankey_signals_copied_total',
    help: 'Trade frames published to slaves',
    registers: [this.registry],
    collect: (): void => this.copiesUncounted.flushInto(this.signalsCopied),
  });
  readonly signalsFiltered = new client.Counter({
    name: 'sankey_signals_filtered_total',
    help: 'Member deliveries the copy engine rejected, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly relayLatency = new client.Histogram({
    name: 'sankey_relay_latency_seconds',
    help: 'Trade signal frame received to its last copy handed to the PUB socket',
    buckets: LATENCY_BUCKETS_S,
    registers: [this.registry],
  });
  readonly closesThrough = new client.Counter({
    name: 'sankey_close_through_total',
    help: 'Closes and Modifies forwarded to a member not in status 2 that holds the ticket (D15)',
    registers: [this.registry],
  });
  readonly inboundRefusals = new client.Counter({
    name: 'sankey_inbound_refused_total',
    help: 'Inbound messages refused before the copy engine or the connection table, by reason (D18)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly configsSent = new client.Counter({
    name: 'sankey_config_messages_sent_total',
    help: 'Config messages published, by kind and trigger',
    labelNames: ['kind', 'trigger'] as const,
    registers: [this.registry],
  });
  readonly framesRefused = new client.Counter({
    name: 'sankey_outbound_frames_refused_total',
    help: 'Outbound frames refused before publishing (e.g. over 4096 bytes)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly sendOverCapacity = new client.Counter({
    name: 'sankey_send_over_capacity_total',
    help: 'Closes and Modifies admitted although the send queue was past its hard capacity (never refused, D15)',
    labelNames: ['class'] as const,
    registers: [this.registry],
  });

  readonly sendDropped = new client.Counter({
    name: 'sankey_send_dropped_total',
    help: 'Frames the send queue refused (D14 overload policy), by frame class and reason',
    labelNames: ['class', 'reason'] as const,
    registers: [this.registry],
  });
  readonly sendFailures = new client.Counter({
    name: 'sankey_send_failures_total',
    help: 'Frames the PUB socket failed to send',
    registers: [this.registry],
  });
  readonly sendQueueDepth = new client.Gauge({
    name: 'sankey_send_queue_depth',
    help: 'Frames waiting in the send queue',
    registers: [this.registry],
  });
  /** The relay's database writes and polls while the database is unavailable (docs/architecture.md). */
  readonly persistence = persistenceMetrics(this.registry);
  readonly deadLetters = new client.Counter({
    name: 'sankey_dead_letters_total',
    help: 'Frames that could not be delivered, by reason (D20)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly parked = new client.Gauge({
    name: 'sankey_parked_frames',
    help: 'Copies parked for slaves that are not listening (D19)',
    registers: [this.registry],
  });
  readonly receiverDisconnects = new client.Counter({
    name: 'sankey_receiver_disconnects_total',
    help: 'Sender connections to the PULL socket that ended (EA restarts, and peers refused for a frame over 1 MiB)',
    registers: [this.registry],
  });
  readonly engine = new client.Gauge({
    name: 'sankey_engine',
    help: 'Copy engine figures: internedSymbols, symbolCompactions, memoryBytes, compileErrors, …',
    labelNames: ['figure'] as const,
    registers: [this.registry],
  });
  readonly connectedEas = new client.Gauge({
    name: 'sankey_connected_eas',
    help: 'EA connection entries by role and status',
    labelNames: ['role', 'status'] as const,
    registers: [this.registry],
  });
  readonly outboxLag = new client.Gauge({
    name: 'sankey_outbox_lag_seconds',
    help: 'Age of the oldest unprocessed outbox row (0 when none)',
    registers: [this.registry],
  });
  readonly outboxApplied = new client.Counter({
    name: 'sankey_outbox_rows_applied_total',
    help: 'Outbox row attempts by kind and outcome: applied, retry (failed, retried with backoff), failed (past the retry bound or permanent; still retried) or discarded (by an operator)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly outboxPurged = new client.Counter({
    name: 'sankey_outbox_rows_purged_total',
    help: 'Processed outbox rows purged (older than the retention and applied by every live relay)',
    registers: [this.registry],
  });
  readonly logEntriesShipped = new client.Counter({
    name: 'sankey_log_shipping_entries_shipped_total',
    help: "The relay's own log entries delivered to VictoriaLogs",
    registers: [this.registry],
  });
  readonly logEntriesDropped = new client.Counter({
    name: 'sankey_log_shipping_entries_dropped_total',
    help: 'Log entries not shipped, by reason: buffer_full (oldest dropped), rejected (HTTP 4xx), disabled, shutdown',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly logShippingFailures = new client.Counter({
    name: 'sankey_log_shipping_failures_total',
    help: 'Failed log shipping requests by failure class (transient ones are retried with backoff)',
    labelNames: ['class'] as const,
    registers: [this.registry],
  });
  readonly shutdownLeftBehind = new client.Counter({
    name: 'sankey_shutdown_left_behind_total',
    help: 'Work still pending when the shutdown deadline was reached, by kind (frames, journal, ledger)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly outboxFailing = new client.Gauge({
    name: 'sankey_outbox_failing_rows',
    help: 'Outbox rows failing now, by state (retrying, failed); each blocks the later rows of its group',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly blockedFrames = new client.Counter({
    name: 'sankey_blocked_frames_total',
    help: 'Inbound frames dropped because their EA is on the blocklist',
    registers: [this.registry],
  });
  readonly eaThrottled = new client.Counter({
    name: 'sankey_ea_throttle_events_total',
    help: 'EAs whose parked copies passed the high-water mark (throttled) or drained below half of it (recovered)',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });
  readonly risk = riskMetrics(this.registry);
  readonly deadLetterRetries = new client.Counter({
    name: 'sankey_dead_letter_retries_total',
    help: 'Operator retries of dead letters by outcome: sent, parked, cancelled, or why refused',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly deadLettersPurged = new client.Counter({
    name: 'sankey_dead_letters_purged_total',
    help: 'Dead letters an operator purged',
    registers: [this.registry],
  });

  /** Plain running totals for the control API's status counters. */
  readonly totals = {
    framesIn: 0,
    tradeSignals: 0,
    decodeErrors: 0,
    signalsCopied: 0,
    signalsFiltered: 0,
    configsSent: 0,
  };

  /** 24 h of latency and rates, sampled every 10 s (docs/api.md, latency.summary). */
  readonly latencyRing = new LatencyRing(LATENCY_BUCKETS_S);
  private sampler: NodeJS.Timeout | null = null;

  constructor() {
    client.collectDefaultMetrics({
      register: this.registry,
      prefix: 'sankey_',
      eventLoopMonitoringPrecision: 10,
    });
  }

  /** Gauges read at scrape time. */
  refreshGauges(
    engine: Record<string, number>,
    connections: readonly { eaType: string; status: string }[],
    queueDepth: number,
  ): void {
    for (const [figure, value] of Object.entries(engine)) this.engine.set({ figure }, value);
    this.connectedEas.reset();
    for (const e of connections) this.connectedEas.inc({ role: e.eaType, status: e.status });
    this.sendQueueDepth.set(queueDepth);
  }

  frameIn(type: string): void {
    this.framesInUncounted.add(type);
    this.totals.framesIn++;
    if (type === 'TradeSignal') this.totals.tradeSignals++;
  }

  startSampling(): void {
    this.sampler ??= setInterval(() => {
      void this.readLatency().then((r) => this.latencyRing.record(Date.now(), r));
    }, this.latencyRing.everyMs);
    this.sampler.unref();
  }

  stopSampling(): void {
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = null;
  }

  async latencySummary(nowMs = Date.now()): Promise<LatencySummary> {
    return this.latencyRing.summary(nowMs, await this.readLatency());
  }

  private async readLatency(): Promise<LatencyReading> {
    const { values } = await this.relayLatency.get();
    const buckets = values.filter((v) => v.metricName?.endsWith('_bucket')).map((v) => v.value);
    return { buckets, signals: this.totals.tradeSignals, copies: this.totals.signalsCopied };
  }
  decodeError(reason: string): void {
    this.decodeErrors.inc({ reason });
    this.totals.decodeErrors++;
  }
  configSent(kind: 'master' | 'slave' | 'global', trigger: ConfigTrigger): void {
    this.configsSent.inc({ kind, trigger });
    this.totals.configsSent++;
  }
  signalCopied(): void {
    this.copiesUncounted.add();
    this.totals.signalsCopied++;
  }
  signalFiltered(reason: string): void {
    this.signalsFiltered.inc({ reason });
    this.totals.signalsFiltered++;
  }
  frameRefused(reason: string): void {
    this.framesRefused.inc({ reason });
  }
  closeThrough(): void {
    this.closesThrough.inc();
  }
  inboundRefused(reason: string): void {
    this.inboundRefusals.inc({ reason });
  }
  logsShipped(n: number): void {
    this.logEntriesShipped.inc(n);
  }
  logsDropped(reason: ShippingDropReason, n: number): void {
    this.logEntriesDropped.inc({ reason }, n);
  }
  logShippingFailed(failureClass: FailureClass): void {
    this.logShippingFailures.inc({ class: failureClass });
  }
}
