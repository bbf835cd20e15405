// Joining the cluster (docs/cluster.md, Modes): connects to NATS and follows the connection in a metric, makes sure
// the stream and KV buckets exist, and claims this relay's id in `<cluster>_relays` (ClusterStartError when a live
// relay holds it).
import { hostname } from 'node:os';
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { type ClusterNames, clusterNames } from '@sankey/shared/cluster/names';
import type client from 'prom-client';
import type { DeadLetterSink, Logger } from '../core/ports';
import type { DeliveredSeqStore } from '../ledger/delivered-seq';
import type { RelayStorage } from '../outbox/storage';
import type { ClusterConfig } from './config';
import { connectNats } from './connect';
import type { RelayLag } from './lag-window';
import { ClusterMetrics } from './metrics';
import { type RelayInfo, RelayRegistry } from './relay-registry';
import { ensureStream } from './stream-setup';

export interface ClusterNodeDeps {
  log: Logger;
  registry: client.Registry;
  /** The heartbeat timeout in force (seconds): sizes the KV bucket's TTL. */
  heartbeatTimeoutS: number;
  startedAt: number;
  /** Where each member's highest handed-over sequence number is kept (per-slave dedup). */
  seqStore: DeliveredSeqStore;
  /** Where stale Opens of a replay go (`stale_on_replay`). */
  deadLetters: DeadLetterSink;
  /** The signal journal: signals a stop left unpublished are published at start (cluster/unsent.ts). */
  journal?: Pick<RelayStorage, 'journalLastSeqs' | 'journalAfter'>;
}

export interface Joined {
  names: ClusterNames;
  metrics: ClusterMetrics;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  eaKv: KV;
  relays: RelayRegistry;
}

/**
 * Connects and sets up. `info` is what the relay's liveness key says (the node once it exists); `reconnected`
 * runs each time the connection comes back.
 */
export async function joinCluster(
  cfg: ClusterConfig,
  deps: ClusterNodeDeps,
  hooks: { info: () => RelayInfo | undefined; reconnected: () => void },
): Promise<Joined> {
  const names = clusterNames(cfg.cluster);
  const metrics = new ClusterMetrics(deps.registry);
  const nc = await connectNats(cfg, () => {
    metrics.connected.set(1);
    deps.log.info({ cluster: cfg.cluster }, 'NATS connection restored');
    hooks.reconnected();
  });
  metrics.connected.set(1);
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        metrics.connected.set(0);
        deps.log.warn({ cluster: cfg.cluster }, 'NATS connection lost; local copying goes on');
      }
    }
  })();
  try {
    const js = jetstream(nc, { timeout: 5000 });
    const jsm = await jetstreamManager(nc);
    await ensureStream(jsm, names);
    const kvm = new Kvm(js);
    const ttlMs = Math.max(60_000, 3 * deps.heartbeatTimeoutS * 1000);
    const eaKv = await kvm.create(names.eaBucket, { history: 1, ttl: ttlMs });
    const relayKv = await kvm.create(names.relayBucket, { history: 1, ttl: cfg.relayTtlMs ?? 10_000 });
    const relays = new RelayRegistry(
      relayKv,
      () => hooks.info() ?? relayInfo(cfg, deps.startedAt, 0, 0),
      Math.max(200, Math.round((cfg.relayTtlMs ?? 10_000) / 5)),
      (err) => deps.log.warn({ err: String(err) }, 'relay liveness key not refreshed'),
    );
    await relays.claim();
    return { names, metrics, nc, js, jsm, eaKv, relays };
  } catch (err) {
    await nc.close().catch(() => {});
    throw err;
  }
}

/** This relay's liveness entry with `eas` local EAs. */
export function relayInfo(
  cfg: ClusterConfig,
  startedAt: number,
  eas: number,
  outboxApplied: number,
  lag: RelayLag | null = null,
): RelayInfo {
  return {
    relayId: cfg.relayId,
    pid: process.pid,
    host: hostname(),
    address: cfg.address ?? null,
    startedAt: new Date(startedAt).toISOString(),
    seenAt: new Date().toISOString(),
    eas,
    lag,
    outboxApplied,
  };
}
