// Prometheus metrics of the relay (design.md, Observability), on a registry of its own so tests can run
// several relays in one process.
import client from 'prom-client';
import type { ConfigTrigger, CoreMetrics } from '../core/ports';

export class RelayMetrics implements CoreMetrics {
  readonly registry = new client.Registry();
  readonly framesIn = new client.Counter({
    name: 'sankey_frames_in_total',
    help: 'Inbound frames by message type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  readonly decodeErrors = new client.Counter({
    name: 'sankey_decode_errors_total',
    help: 'Inbound frames dropped because they could not be decoded, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly signalsCopied = new client.Counter({
    name: 'sankey_signals_copied_total',
    help: 'Trade frames published to slaves',
    registers: [this.registry],
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
    buckets: [
      10e-6, 25e-6, 50e-6, 75e-6, 100e-6, 150e-6, 200e-6, 300e-6, 500e-6, 750e-6, 1e-3, 2e-3, 5e-3, 10e-3,
      50e-3,
    ],
    registers: [this.registry],
  });
  readonly closesThrough = new client.Counter({
    name: 'sankey_close_through_total',
    help: 'Closes and Modifies forwarded to a member not in status 2 that holds the ticket (D15)',
    registers: [this.registry],
  });
  readonly signalsRefused = new client.Counter({
    name: 'sankey_signals_refused_total',
    help: 'Trade signals refused before the copy engine, by reason (D18)',
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
  readonly outboxFailing = new client.Gauge({
    name: 'sankey_outbox_failing_rows',
    help: 'Outbox rows failing now, by state (retrying, failed); each blocks the later rows of its group',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  /** Plain running totals for the control API's status counters. */
  readonly totals = { framesIn: 0, decodeErrors: 0, signalsCopied: 0, signalsFiltered: 0, configsSent: 0 };

  constructor() {
    client.collectDefaultMetrics({
      register: this.registry,
      prefix: 'sankey_',
      eventLoopMonitoringPrecision: 10,
    });
  }

  frameIn(type: string): void {
    this.framesIn.inc({ type });
    this.totals.framesIn++;
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
    this.signalsCopied.inc();
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
  signalRefused(reason: string): void {
    this.signalsRefused.inc({ reason });
  }
}
