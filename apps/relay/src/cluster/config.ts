// Cluster mode's configuration (docs/cluster.md): present only when SANKEY_NATS_URL is set.

export interface ClusterConfig {
  /** NATS servers, `nats://host:port` or `tls://host:port`, comma-separated. */
  natsUrl: string;
  token?: string | undefined;
  /** A creds file (JWT + seed) or a bare nkey seed file. */
  credsFile?: string | undefined;
  /** CA certificate file: the connection uses TLS and checks the server against it. */
  tlsCaFile?: string | undefined;
  /** The cluster name (SANKEY_CLUSTER): prefixes every stream, subject and bucket. */
  cluster: string;
  /** This relay's id in the cluster (SANKEY_RELAY_ID); a second relay with a live id refuses to start. */
  relayId: string;
  /** Where the web app reaches this relay, shown in the Relays panel. */
  address?: string | undefined;
  /** Cross-relay signals held while NATS is unreachable (oldest Opens dropped first past it). */
  bufferCapacity?: number;
  /** After a restart: how long to wait for this relay's slaves to reconnect before consuming the backlog (ms). */
  reconnectGraceMs?: number;
  /** How long a consumer of a master with no slave here any more is kept before it is deleted (ms, default 60 s). */
  consumerLingerMs?: number;
  /** How long after its slaves' sequence numbers were written (5 ms after its copies left the queue) a signal is acked (ms, default 30). */
  ackGraceMs?: number;
  /** Stream messages handled per event-loop turn at most, the rest after a yield (default 32; 0: no limit). */
  inboxChunk?: number;
  /** How often every `account_risk` row is re-read, catching risk changes announced while NATS was down (ms). */
  riskResyncMs?: number;
  /** How long a relay id's key lives without a refresh (ms). */
  relayTtlMs?: number;
}

/** A cluster start-up refusal (duplicate relay id, NATS refusing our credentials): the process exits with 2. */
export class ClusterStartError extends Error {
  override readonly name = 'ClusterStartError';
}
