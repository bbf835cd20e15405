// The stream and this relay's durable consumer on it (docs/cluster.md): made when missing, kept when present.
import { AckPolicy, DeliverPolicy, type JetStreamManager, StorageType } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { ClusterNames } from '@sankey/shared/cluster/names';

/** `<cluster>_SIGNALS`: file storage, 24 h, 2-minute dedup window (two relays racing both succeed). */
export async function ensureStream(jsm: JetStreamManager, names: ClusterNames): Promise<void> {
  try {
    await jsm.streams.info(names.signalStream);
    return;
  } catch {
    // Not there yet.
  }
  await jsm.streams.add({
    name: names.signalStream,
    subjects: [names.signalWildcard],
    storage: StorageType.File,
    max_age: nanos(24 * 3600 * 1000),
    duplicate_window: nanos(120_000),
  });
}

/**
 * This relay's durable consumer (explicit ack, one filter subject: nats-server 2.9). A new one starts with new
 * messages. One left with unacknowledged messages (the relay was killed) is made again from just after its ack
 * floor: JetStream would redeliver those only after the ack wait, behind newer messages, out of the masters'
 * order; replayed from the floor they come first and in order (a copy already sent comes again; the EA's ticket
 * mapping ignores it). Returns what is replayed (and up to which message the old consumer had delivered its
 * messages to the relay: the relay may have handed their copies over), or null.
 */
export async function ensureConsumer(
  jsm: JetStreamManager,
  names: ClusterNames,
  relayId: string,
): Promise<{ unacknowledged: number; fromStreamSeq: number; deliveredUpTo: number } | null> {
  const durable = names.durable(relayId);
  const stream = names.signalStream;
  const config = {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    filter_subject: names.signalWildcard,
    ack_wait: nanos(30_000),
    max_ack_pending: 1000,
  };
  let info: Awaited<ReturnType<JetStreamManager['consumers']['info']>>;
  try {
    info = await jsm.consumers.info(stream, durable);
  } catch {
    await jsm.consumers.add(stream, { ...config, deliver_policy: DeliverPolicy.New });
    return null;
  }
  if (info.num_ack_pending === 0) return null;
  const fromStreamSeq = info.ack_floor.stream_seq + 1;
  await jsm.consumers.delete(stream, durable);
  await jsm.consumers.add(stream, {
    ...config,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: fromStreamSeq,
  });
  return { unacknowledged: info.num_ack_pending, fromStreamSeq, deliveredUpTo: info.delivered.stream_seq };
}
