// Cluster mode's Prometheus metrics (docs/architecture.md, Observability: `sankey_cluster_*`), on the relay's registry.
import client from 'prom-client';
import { LagWindow } from './lag-window';

export class ClusterMetrics {
  readonly connected: client.Gauge;
  readonly bufferDepth: client.Gauge;
  readonly dropped: client.Counter<'action'>;
  readonly published: client.Counter;
  readonly publishFailures: client.Counter;
  readonly consumed: client.Counter<'outcome'>;
  readonly pending: client.Gauge;
  readonly consumers: client.Gauge;
  readonly lag: client.Histogram;
  readonly remoteEas: client.Gauge;
  readonly kvWrites: client.Counter<'outcome'>;
  /** The last copies' lag and the pending count, for the Relays panel (published with the liveness entry). */
  readonly lagWindow = new LagWindow();
  readonly replayed: client.Counter<'outcome'>;

  constructor(registry: client.Registry) {
    const registers = [registry];
    this.connected = new client.Gauge({
      name: 'sankey_cluster_nats_connected',
      help: '1 while the relay is connected to NATS, 0 while it reconnects',
      registers,
    });
    this.bufferDepth = new client.Gauge({
      name: 'sankey_cluster_buffer_depth',
      help: 'Cross-relay messages waiting to be published (NATS unreachable or slow)',
      registers,
    });
    this.dropped = new client.Counter({
      name: 'sankey_cluster_buffer_dropped_total',
      help: 'Cross-relay messages dropped because the buffer was full, oldest Opens first',
      labelNames: ['action'] as const,
      registers,
    });
    this.published = new client.Counter({
      name: 'sankey_cluster_published_total',
      help: 'Signals, sync requests and snapshots the stream acknowledged',
      registers,
    });
    this.publishFailures = new client.Counter({
      name: 'sankey_cluster_publish_failures_total',
      help: 'Publish attempts that failed and will be retried',
      registers,
    });
    this.consumed = new client.Counter({
      name: 'sankey_cluster_consumed_total',
      help: 'Stream messages this relay consumed, by outcome',
      labelNames: ['outcome'] as const,
      registers,
    });
    this.pending = new client.Gauge({
      name: 'sankey_cluster_consumer_pending',
      help: "Messages on the stream not yet delivered to this relay's durable consumers (as their last deliveries said)",
      registers,
    });
    this.consumers = new client.Gauge({
      name: 'sankey_cluster_consumers',
      help: "This relay's durable consumers on the signal stream (one per master with a slave here, consumed or lingering)",
      registers,
    });
    this.lag = new client.Histogram({
      name: 'sankey_cluster_lag_seconds',
      help: "Master's relay published a signal → this relay handed its local copies over (wall clocks of two machines)",
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers,
    });
    this.remoteEas = new client.Gauge({
      name: 'sankey_cluster_remote_eas',
      help: 'EAs held by other relays of the cluster, as the KV bucket says',
      registers,
    });
    this.kvWrites = new client.Counter({
      name: 'sankey_cluster_kv_writes_total',
      help: "Writes of this relay's EAs' state to the KV bucket, by outcome",
      labelNames: ['outcome'] as const,
      registers,
    });
    this.replayed = new client.Counter({
      name: 'sankey_cluster_replay_copies_total',
      help: 'Copies of stream signals not sent: already handed to the slave (duplicate), or an Open replayed after a restart older than its max delay (stale_on_replay), or an Open replayed after a restart whose Close the relay had received before it stopped (closed_before_stop)',
      labelNames: ['outcome'] as const,
      registers,
    });
  }
}
