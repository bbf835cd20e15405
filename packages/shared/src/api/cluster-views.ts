// What the relay's `GET /internal/v1/cluster` answers (docs/api.md, docs/cluster.md): alone, or the cluster's live
// relays and every EA of the cluster with the relay it is on. Shared by the relay's HTTP view and the web app.
import { z } from 'zod';
import { CONNECTION_STATUSES, EA_TYPES } from '../protocol/constants';

export const clusterRelayViewSchema = z.object({
  relayId: z.string(),
  pid: z.number().int(),
  host: z.string(),
  address: z.string().nullable(),
  startedAt: z.string(),
  /** Wall time of the relay's last refresh of its entry (display only: clocks do not compare across machines). */
  seenAt: z.string(),
  /** EAs connected to this relay. */
  eas: z.number().int(),
  /**
   * The relay's cross-relay lag as it published it with its liveness entry: its consumer's pending messages, the
   * median and p99 of its last copies' lag (master's relay published → copies handed over, ms) and when it last
   * copied another relay's signal (its own clock). Null from a relay that does not publish it yet.
   */
  lag: z
    .object({
      pending: z.number().int().nullable(),
      p50Ms: z.number().nullable(),
      p99Ms: z.number().nullable(),
      samples: z.number().int(),
      lastCopyAt: z.string().nullable(),
    })
    .nullable()
    .default(null),
});
export type ClusterRelayView = z.infer<typeof clusterRelayViewSchema>;

/** One EA of the cluster and the relay it is on (the relay answers more fields; the web keeps these). */
export const clusterEaViewSchema = z.object({
  accountId: z.string(),
  eaType: z.enum(EA_TYPES),
  relayId: z.string(),
  status: z.enum(CONNECTION_STATUSES),
  lastHeartbeat: z.string(),
  /**
   * How long before the answer the answering relay last heard of the EA, on its own clock: the EA's last heartbeat
   * when it is connected there, else the last KV update of its entry (absent from relays that do not say).
   */
  ageMs: z.number().int().nonnegative().optional(),
  /** MT4 or MT5, as the EA's relay reported it (absent from relays that do not say). */
  platform: z.string().optional(),
  /** The broker, as the EA's relay reported it (absent from relays that do not say). */
  broker: z.string().optional(),
});
export type ClusterEaView = z.infer<typeof clusterEaViewSchema>;

export const clusterViewSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('alone') }),
  z.object({
    mode: z.literal('cluster'),
    cluster: z.string(),
    /** The relay that answered (the web app's own relay). */
    relayId: z.string(),
    natsConnected: z.boolean(),
    relays: z.array(clusterRelayViewSchema),
    eas: z.array(clusterEaViewSchema),
  }),
]);
export type ClusterView = z.infer<typeof clusterViewSchema>;
