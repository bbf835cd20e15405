// How the relay process builds and watches its outbox consumer (kept out of relay.ts).
import type { GlobalSettings } from '@sankey/shared/domain/settings';
import type { BackoffPolicy } from '@sankey/shared/retry';
import type { Logger } from '../core/ports';
import type { RelayCore } from '../core/relay-core';
import type { RelayMetrics } from '../observability/metrics';
import type { PersistenceHealth } from '../storage-health/health';
import { OutboxConsumer } from './consumer';
import { OutboxPurge } from './purge';
import type { RelayStorage } from './storage';

/**
 * Stored settings → effective settings: an environment variable, when set, overrides the stored value (docs/architecture.md, Processes, ports and environment),
 * at start and after every `settings.updated` alike.
 */
export function envSettingsOverride(env: { heartbeatTimeoutS?: number | undefined }) {
  return (stored: GlobalSettings): GlobalSettings =>
    env.heartbeatTimeoutS === undefined ? stored : { ...stored, heartbeatTimeoutS: env.heartbeatTimeoutS };
}

export function createOutboxConsumer(
  deps: { storage: RelayStorage; core: RelayCore; log: Logger; metrics: RelayMetrics },
  opts: {
    pollMs: number;
    retry?: BackoffPolicy | undefined;
    health?: PersistenceHealth;
    settings: (stored: GlobalSettings) => GlobalSettings;
    everyRow?: boolean;
    /** A row was applied (a cluster relay checks which masters' signals it consumes). */
    onApplied?: () => void;
  },
): OutboxConsumer {
  return new OutboxConsumer(
    deps.storage,
    deps.core,
    deps.log,
    (kind, outcome) => {
      deps.metrics.outboxApplied.inc({ kind, outcome });
      if (outcome === 'applied') opts.onApplied?.();
    },
    {
      pollMs: opts.pollMs,
      batchSize: 100,
      settings: opts.settings,
      everyRow: opts.everyRow ?? false,
      ...(opts.retry && { retry: opts.retry }),
      ...(opts.health && { health: opts.health }),
    },
  );
}

/**
 * Gauges of the outbox (lag every 5 s from the database, failing rows whenever metrics are read), and the purge of
 * processed rows past the retention that every live relay has applied: alone, up to this relay's cursor; in a
 * cluster, up to the lowest cursor of the relays in the registry (docs/database.md, Outbox retention).
 */
export function watchOutbox(
  storage: RelayStorage,
  metrics: RelayMetrics,
  log: Logger,
  consumer: OutboxConsumer,
  retentionS: number,
  cluster: {
    cfg: { relayId: string };
    relays: { list(): Promise<{ relayId: string; outboxApplied?: number }[]> };
  } | null,
): { stop(): void } {
  const lag = setInterval(() => {
    storage.outboxLagSeconds().then(
      (s) => metrics.outboxLag.set(s),
      () => {},
    );
  }, 5000);
  const purge = new OutboxPurge(
    {
      purge: (before, upTo) => storage.purgeOutbox(before, upTo),
      appliedEverywhere: async () => {
        const own = consumer.appliedId;
        if (!cluster) return own;
        const others = (await cluster.relays.list())
          .filter((r) => r.relayId !== cluster.cfg.relayId)
          .map((r) => r.outboxApplied ?? 0);
        return Math.min(own, ...others);
      },
      now: Date.now,
      log,
      onPurged: (n) => metrics.outboxPurged.inc(n),
    },
    retentionS * 1000,
  );
  purge.start();
  return {
    stop() {
      clearInterval(lag);
      purge.stop();
    },
  };
}

export function refreshOutboxGauges(consumer: OutboxConsumer, metrics: RelayMetrics): void {
  const failures = consumer.failures();
  metrics.outboxFailing.set({ state: 'failed' }, failures.filter((f) => f.state === 'failed').length);
  metrics.outboxFailing.set({ state: 'retrying' }, failures.filter((f) => f.state === 'retrying').length);
}
