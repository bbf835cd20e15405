// Removes a cluster's stream and buckets from NATS (throw-away clusters: the demo, benchmarks).
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { clusterNames } from '@sankey/shared/cluster/names';
import type { ClusterConfig } from './config';
import { connectionOptions } from './connect';

/** How to reach the NATS server: the relay's own variables (token, creds/nkey file, TLS CA), as the relays use them. */
export type NatsAuth = Pick<ClusterConfig, 'token' | 'credsFile' | 'tlsCaFile'>;

export async function deleteClusterData(
  natsUrl: string,
  cluster: string,
  auth: NatsAuth = {},
): Promise<void> {
  const n = clusterNames(cluster);
  const opts = connectionOptions({ natsUrl, cluster, relayId: 'cleanup', ...auth });
  const nc = await connect({ ...opts, reconnect: false, timeout: 2000 });
  try {
    const jsm = await jetstreamManager(nc);
    for (const stream of [n.signalStream, `KV_${n.eaBucket}`, `KV_${n.relayBucket}`]) {
      await jsm.streams.delete(stream).catch(() => {});
    }
  } finally {
    await nc.close();
  }
}
