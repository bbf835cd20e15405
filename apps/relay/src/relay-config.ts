// The relay's configuration as main.ts builds it from the environment (tests build it directly).
import type { BackoffPolicy } from '@sankey/shared/retry';
import type { ClusterConfig } from './cluster/config';

export interface RelayConfig {
  dataDir: string;
  zmqBind: string;
  receiverPort: number;
  publisherPort: number;
  httpHost: string;
  httpPort: number;
  /** Overrides the stored heartbeat timeout when set (docs/architecture.md, Processes, ports and environment). */
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
  /** Processed outbox rows older than this (and applied by every live relay) are purged (default 24 h). */
  outboxRetentionS?: number;
  /** Journal entries older than this are pruned (checked hourly). */
  journalRetentionDays?: number;
  timeoutCheckMs?: number;
  sendQueueCapacity?: number;
  /** How long closing the publisher lets frames already handed to ZeroMQ leave (default 2,000 ms). */
  zmqLingerMs?: number;
  /** Connection-table cap (D18), default 10,000. */
  maxConnections?: number;
  /** Parked copies per EA past which it is reported throttled (docs/api.md, `ea_throttled`), default 1000. */
  parkedHighWater?: number;
  /** Cluster mode (docs/cluster.md): absent = the relay is alone. */
  cluster?: ClusterConfig | undefined;
}

/** The environment variables that override stored settings right now (README §3), for the status route. */
export function envOverrides(
  config: RelayConfig,
): { setting: 'heartbeatTimeoutS'; variable: string; value: number }[] {
  const value = config.heartbeatTimeoutS;
  return value === undefined
    ? []
    : [{ setting: 'heartbeatTimeoutS', variable: 'SANKEY_HEARTBEAT_TIMEOUT_S', value }];
}

/** The ZeroMQ transport's options from the relay's configuration. */
export function zmqOptions(config: RelayConfig) {
  return {
    bind: config.zmqBind,
    receiverPort: config.receiverPort,
    publisherPort: config.publisherPort,
    sendQueueCapacity: config.sendQueueCapacity ?? 10_000,
    lingerMs: config.zmqLingerMs ?? 2000,
  };
}
