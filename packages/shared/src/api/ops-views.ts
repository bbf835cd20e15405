// What the relay's operator routes answer (docs/api.md: dead letters, delivery metrics, endpoints, blocklist), shared
// by the relay, the CLI and the web app's relay client.
import { z } from 'zod';
import { accountIdInputSchema as accountIdInput } from './account-id-input';

export const deadLetterViewSchema = z.object({
  id: z.number().int(),
  topic: z.string(),
  reason: z.string(),
  attempts: z.number().int(),
  firstAttemptAt: z.string(),
  lastAttemptAt: z.string(),
  destination: z.string(),
  masterAccount: z.string().nullable(),
  ticket: z.string().nullable(),
  action: z.string().nullable(),
  payloadBytes: z.number().int(),
  /** Symbol and lots of a trade copy as it was to be sent (null when the frame does not carry them). */
  symbol: z.string().nullable().default(null),
  lots: z.number().nullable().default(null),
});
export type DeadLetterView = z.infer<typeof deadLetterViewSchema>;

export const deliveryMetricsSchema = z.object({
  /** Journal entries looked at (the newest `window` signals). */
  signals: z.number().int(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  copies: z.number().int(),
  filtered: z.record(z.string(), z.number()),
  /** Dead letters stored now, by reason. */
  failures: z.record(z.string(), z.number()),
  /** Master's signal timestamp → relay receipt, from the journal, in ms (null with no signals). */
  latencyMs: z.object({ p50: z.number().nullable(), p95: z.number().nullable(), p99: z.number().nullable() }),
});
export type DeliveryMetrics = z.infer<typeof deliveryMetricsSchema>;

export const endpointViewSchema = z.object({
  accountId: z.string(),
  framesIn: z.number().int(),
  bytesIn: z.number().int(),
  decodeErrors: z.number().int(),
  framesOut: z.number().int(),
  bytesOut: z.number().int(),
  dropped: z.number().int(),
  lastSeenAt: z.string().nullable(),
  parked: z.number().int(),
  deadLetters: z.number().int(),
  listening: z.boolean(),
  blocked: z.boolean(),
  throttled: z.boolean(),
});
export type EndpointStatsView = z.infer<typeof endpointViewSchema>;

export const blockedEaViewSchema = z.object({
  accountId: z.string(),
  reason: z.string(),
  blockedAt: z.string(),
});
export type BlockedEaView = z.infer<typeof blockedEaViewSchema>;

export const retryResultSchema = z.object({
  ok: z.literal(true),
  id: z.number().int(),
  outcome: z.enum(['sent', 'parked', 'cancelled']),
});

/** Why a copy waits (docs/api.md, parked): its slave is offline, or online but not subscribed to the master. */
export const PARKED_REASONS = ['offline', 'not_listening'] as const;
export type ParkedReason = (typeof PARKED_REASONS)[number];

export const parkedCopyViewSchema = z.object({
  key: z.string(),
  masterAccount: z.string(),
  slaveAccount: z.string(),
  /** Open, Modify or Close. */
  action: z.string(),
  /** Decimal master ticket. */
  ticket: z.string(),
  /** The symbol as it will be sent (the slave's mapping applied); null when the frame does not say. */
  symbol: z.string().nullable(),
  lots: z.number().nullable(),
  parkedAt: z.string(),
  /** When it gives up: an Open becomes the dead letter `expired_while_offline`. */
  expiresAt: z.string(),
  reason: z.enum(PARKED_REASONS),
});
export type ParkedCopyView = z.infer<typeof parkedCopyViewSchema>;

export const parkedSlaveViewSchema = z.object({
  slaveAccount: z.string(),
  count: z.number().int(),
  oldestParkedAt: z.string(),
  reason: z.enum(PARKED_REASONS),
});
export type ParkedSlaveView = z.infer<typeof parkedSlaveViewSchema>;

export const parkedViewSchema = z.object({
  /** Every slave with parked copies (before `account`/`limit`), most waiting first. */
  slaves: z.array(parkedSlaveViewSchema),
  /** Oldest first, at most `limit`. */
  copies: z.array(parkedCopyViewSchema),
  total: z.number().int(),
});
export type ParkedView = z.infer<typeof parkedViewSchema>;

// tRPC inputs (docs/api.md: deliveries.*, endpoints.list, blocklist.*).

export const deliveriesListInputSchema = z
  .strictObject({
    reason: z.string().min(1).max(64).optional(),
    account: accountIdInput.optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    beforeId: z.number().int().positive().optional(),
  })
  .optional();
export const deliveriesParkedInputSchema = z
  .strictObject({
    account: accountIdInput.optional(),
    limit: z.number().int().min(1).max(5000).optional(),
  })
  .optional();
export const deliveriesRetryInputSchema = z.strictObject({
  id: z.number().int().positive(),
  force: z.boolean().optional(),
});
export const deliveriesPurgeInputSchema = z.strictObject({ olderThanDays: z.number().min(0).max(3650) });
export const deliveriesMetricsInputSchema = z
  .strictObject({ window: z.number().int().min(1).max(10_000).optional() })
  .optional();
export const blockInputSchema = z.strictObject({
  accountId: accountIdInput,
  reason: z.string().max(200).optional(),
});
export const unblockInputSchema = z.strictObject({ accountId: accountIdInput });
