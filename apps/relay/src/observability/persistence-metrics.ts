// Metrics of the relay's persistence (docs/architecture.md, sankey_persistence_*): failed and retried database
// writes and polls, whether the database is unavailable, and the rows buffered in memory meanwhile.
import client from 'prom-client';

export interface PersistenceBacklog {
  buffered: Record<string, number>;
  dropped: Record<string, number>;
}

export function persistenceMetrics(registry: client.Registry) {
  const droppedSeen = new Map<string, number>();
  const m = {
    failures: new client.Counter({
      name: 'sankey_persistence_failures_total',
      help: 'Failed database writes/polls of the relay, by operation and reason (locked, timeout, unreachable, other)',
      labelNames: ['operation', 'reason'] as const,
      registers: [registry],
    }),
    retries: new client.Counter({
      name: 'sankey_persistence_retries_total',
      help: 'Database writes/polls attempted again after a failure, by operation',
      labelNames: ['operation'] as const,
      registers: [registry],
    }),
    unavailable: new client.Gauge({
      name: 'sankey_persistence_unavailable',
      help: '1 while the database is unavailable to the relay (locked, timed out, unreachable), else 0',
      registers: [registry],
    }),
    /** Rows waiting in memory for the database, per writer; read at scrape time. */
    backlog: (): PersistenceBacklog => ({ buffered: {}, dropped: {} }),
    buffered: new client.Gauge({
      name: 'sankey_persistence_buffered_rows',
      help: 'Rows buffered in memory waiting to be written to the database, by writer',
      labelNames: ['writer'] as const,
      registers: [registry],
      collect: () => {
        const { buffered, dropped } = m.backlog();
        for (const [writer, n] of Object.entries(buffered)) m.buffered.set({ writer }, n);
        for (const [writer, n] of Object.entries(dropped)) {
          const delta = n - (droppedSeen.get(writer) ?? 0);
          if (delta > 0) m.dropped.inc({ writer }, delta);
          droppedSeen.set(writer, n);
        }
      },
    }),
    dropped: new client.Counter({
      name: 'sankey_persistence_dropped_rows_total',
      help: "Buffered rows dropped (oldest first) because their writer's buffer was full while the database was away",
      labelNames: ['writer'] as const,
      registers: [registry],
    }),
  };
  return m;
}
