// The relay's HTTP server (control API, socket.io, /metrics) wired to the running relay's parts.
import { PROTOCOL_VERSION } from '@sankey/shared/protocol/constants';
import { evaluations, systemSnapshot } from '../core/views';
import type { OutboxConsumer } from '../outbox/consumer';
import type { RelayStorage } from '../outbox/storage';
import type { RelayPersistence } from '../persistence';
import type { Relay } from '../relay';
import { envOverrides } from '../relay-config';
import { connectionView } from '../state/connections';
import { storedApiTokenReader } from './api-token-file';
import { RelayHttpServer } from './server';

export interface RelayHttpParts {
  relay: Relay;
  storage: RelayStorage;
  outbox: OutboxConsumer;
  persistence: RelayPersistence;
  startedAt: number;
  refreshGauges: () => void;
  healthy: () => boolean;
}

export function relayHttpServer(parts: RelayHttpParts): RelayHttpServer {
  const { relay, outbox, persistence, storage } = parts;
  const { config, metrics } = relay;
  return new RelayHttpServer(
    {
      apiToken: config.apiToken,
      status: () => ({
        version: PROTOCOL_VERSION,
        uptimeS: Math.round((Date.now() - parts.startedAt) / 1000),
        ports: relay.ports,
        counters: { ...metrics.totals },
        envOverrides: envOverrides(config),
      }),
      connections: () => relay.core.connections().map(connectionView),
      evaluations: (filter) => ({
        appliedOutboxId: relay.appliedOutboxId,
        groups: evaluations(relay.core, filter),
      }),
      logs: (q) => relay.logs.list(q),
      nudgeOutbox: () => outbox.nudge(),
      latency: () => metrics.latencySummary(),
      outboxFailures: () => outbox.failures(),
      discardOutbox: (id) => outbox.discard(id),
      signals: async (q) => {
        await persistence.journal.flush();
        return storage.recentSignals(q);
      },
      metrics: async () => {
        parts.refreshGauges();
        return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
      },
      healthy: parts.healthy,
      cluster: async () => (relay.cluster ? relay.cluster.view() : { mode: 'alone' }),
      ops: relay.ops,
      risk: relay.riskOps,
      onSocketConnected: (emit) => emit('system_snapshot', systemSnapshot(relay.core, relay.appliedOutboxId)),
    },
    {
      corsOrigins: config.corsOrigins,
      ...(config.allowedHostnames && { allowedHostnames: config.allowedHostnames }),
      ...(!config.apiTokenFromEnv && { reloadApiToken: storedApiTokenReader(config.dataDir) }),
    },
  );
}
