// Removes a cluster's stream and buckets from NATS (throw-away clusters: the demo, benchmarks).
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { clusterNames } from '@sankey/shared/cluster/names';

export async function deleteClusterData(natsUrl: string, cluster: string, token?: string): Promise<void> {
  const n = clusterNames(cluster);
  const nc = await connect({ servers: natsUrl.split(','), timeout: 2000, ...(token ? { token } : {}) });
  try {
    const jsm = await jetstreamManager(nc);
    for (const stream of [n.signalStream, `KV_${n.eaBucket}`, `KV_${n.relayBucket}`]) {
      await jsm.streams.delete(stream).catch(() => {});
    }
  } finally {
    await nc.close();
  }
}
