// The stream and this relay's durable consumers on it (one per master it copies) (docs/cluster.md): made when missing, kept when present.
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  StorageType,
} from '@nats-io/jetstream';
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

/** What a consumer made again replays: from which stream message, and up to which one the old one had delivered. */
export interface Replay {
  unacknowledged: number;
  fromStreamSeq: number;
  deliveredUpTo: number;
}

/** The stream's messages are kept 24 h: a consumer of a relay gone that long is deleted by the server. */
const INACTIVE_MS = 24 * 3600 * 1000;

/**
 * This relay's durable consumer of one master's signals (explicit ack, the master's subject as its one filter:
 * nats-server 2.9). A missing one starts with the messages published since `sinceMs` (the moment its master became
 * wanted here), or, when `upgradeFrom` is given (the old single durable of this relay was found at start), where
 * that one had acked. One left with unacknowledged messages (the relay was
 * killed, or it paused the consumer) is made again from just after its ack floor: JetStream would redeliver those
 * only after the ack wait, behind newer messages, out of the master's order; replayed from the floor they come
 * first and in order (a copy already sent comes again; the replay guard and the EA's ticket mapping ignore it).
 * Returns what is replayed, or null; and the messages pending for the consumer.
 */
export async function ensureMasterConsumer(
  jsm: JetStreamManager,
  names: ClusterNames,
  relayId: string,
  master: string,
  upgradeFrom: Replay | null,
  sinceMs: number,
): Promise<{ replay: Replay | null; pending: number; sinceMs: number }> {
  const durable = names.masterDurable(relayId, master);
  const stream = names.signalStream;
  const config = {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    filter_subject: names.signalSubject(master),
    ack_wait: nanos(30_000),
    max_ack_pending: 1000,
    inactive_threshold: nanos(INACTIVE_MS),
  };
  let info: Awaited<ReturnType<JetStreamManager['consumers']['info']>>;
  try {
    info = await jsm.consumers.info(stream, durable);
  } catch (err) {
    if (!consumerNotFound(err)) throw err;
    if (upgradeFrom) {
      const made = await jsm.consumers.add(stream, {
        ...config,
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: upgradeFrom.fromStreamSeq,
      });
      return { replay: upgradeFrom, pending: made.num_pending, sinceMs: 0 };
    }
    // From a little before the master became wanted here (by the server's clock, which stamps the messages), so
    // that nothing published while the consumer was being made is missed; the signals older than `sinceMs` (the
    // publishing relay's stamp) are then skipped by the relay (arrivedAfter). `sinceMs` is kept in the consumer's
    // description, so a replay after a kill skips them too.
    const made = await jsm.consumers.add(stream, {
      ...config,
      description: describeSince(sinceMs),
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: new Date(sinceMs - LOOK_BACK_MS).toISOString(),
    });
    return { replay: null, pending: made.num_pending, sinceMs };
  }
  const since = sinceOf(info.config.description);
  if (info.num_ack_pending === 0) return { replay: null, pending: info.num_pending, sinceMs: since };
  await jsm.consumers.delete(stream, durable);
  // The server reports the ack floor of a consumer that acked nothing yet as 0: it replays from where it began.
  const fromStart = info.ack_floor.stream_seq === 0 && info.config.opt_start_time !== undefined;
  const made = await jsm.consumers.add(stream, {
    ...config,
    description: describeSince(since),
    ...(fromStart
      ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: info.config.opt_start_time }
      : {
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: Math.max(info.ack_floor.stream_seq + 1, info.config.opt_start_seq ?? 1),
        }),
  });
  // A consumer not delivered anything yet reports the message before its first as delivered.
  const fromStreamSeq = made.delivered.stream_seq + 1;
  const replay = {
    unacknowledged: info.num_ack_pending,
    fromStreamSeq,
    deliveredUpTo: info.delivered.stream_seq,
  };
  return { replay, pending: made.num_pending, sinceMs: since };
}

/**
 * How far before the moment a master became wanted a new consumer starts, by the NATS server's clock: the time the
 * consumer takes to be made (a few round trips) and a margin for the difference between this relay's clock and the
 * server's.
 */
const LOOK_BACK_MS = 5000;

const describeSince = (sinceMs: number) => `since ${sinceMs}`;

/** The `sinceMs` a consumer was made with (0: none, every message counts). */
export function sinceOf(description: string | undefined): number {
  const m = /^since (\d+)$/.exec(description ?? '');
  return m ? Number(m[1]) : 0;
}

/**
 * The single durable consumer of the whole stream that a relay of an earlier version held (`relay_<id>`): deleted,
 * returning where it had acked (its consumers per master start there, so nothing published while the relay was
 * down for its upgrade is missed), or null when there was none.
 */
export async function dropOldDurable(
  jsm: JetStreamManager,
  names: ClusterNames,
  relayId: string,
): Promise<Replay | null> {
  let info: Awaited<ReturnType<JetStreamManager['consumers']['info']>>;
  try {
    info = await jsm.consumers.info(names.signalStream, names.durable(relayId));
  } catch (err) {
    if (consumerNotFound(err)) return null;
    throw err;
  }
  await jsm.consumers.delete(names.signalStream, names.durable(relayId));
  // One that never acked reports a floor of 0: its consumers per master then start with new messages.
  if (info.ack_floor.stream_seq === 0) return null;
  return {
    unacknowledged: info.num_ack_pending,
    fromStreamSeq: info.ack_floor.stream_seq + 1,
    deliveredUpTo: info.delivered.stream_seq,
  };
}

/** The consumer asked for does not exist. */
export const consumerNotFound = (err: unknown) =>
  err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound;
