// Output views shared by the tRPC API, the relay's control API and socket.io payloads (README §4, §5).
import { z } from 'zod';
import { masterSettingsSchema, slaveSettingsSchema } from '../domain/settings';
import { CONNECTION_STATUSES, EA_TYPES, PLATFORMS, WARNING_CODES } from '../protocol/constants';

export const warningCodeSchema = z.enum(WARNING_CODES);

export const symbolContextViewSchema = z.object({
  detectedPrefix: z.string(),
  detectedSuffix: z.string(),
  availableSpecialSymbols: z.array(z.string()),
});
export type SymbolContextView = z.infer<typeof symbolContextViewSchema>;

export const eaConnectionSchema = z.object({
  accountId: z.string(),
  eaType: z.enum(EA_TYPES),
  platform: z.enum(PLATFORMS),
  /** Decimal: account numbers are exact 64-bit integers (D18). */
  accountNumber: z.string(),
  broker: z.string(),
  accountName: z.string(),
  server: z.string(),
  balance: z.number(),
  equity: z.number(),
  currency: z.string(),
  leverage: z.number(),
  lastHeartbeat: z.string(),
  status: z.enum(CONNECTION_STATUSES),
  connectedAt: z.string(),
  isTradeAllowed: z.boolean(),
  symbolContext: symbolContextViewSchema.nullable(),
});
export type EaConnection = z.infer<typeof eaConnectionSchema>;

/**
 * `outboxId`, on mutation outputs only: the id of the outbox row the change wrote. A relay snapshot whose
 * `appliedOutboxId` is lower was taken before the relay applied this change, so it is older than this view.
 */
export const tradeGroupViewSchema = z.object({
  id: z.string(),
  masterSettings: masterSettingsSchema,
  masterRuntimeStatus: z.number().int(),
  masterWarningCodes: z.array(warningCodeSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
  outboxId: z.number().int().optional(),
});
export type TradeGroupView = z.infer<typeof tradeGroupViewSchema>;

export const memberViewSchema = z.object({
  id: z.number().int(),
  tradeGroupId: z.string(),
  slaveAccount: z.string(),
  slaveSettings: slaveSettingsSchema,
  enabled: z.boolean(),
  status: z.number().int(),
  warningCodes: z.array(warningCodeSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
  outboxId: z.number().int().optional(),
});
export type MemberView = z.infer<typeof memberViewSchema>;

/** `links.create`: the group (new or existing) and the new member; `groupCreated` says which. */
export const linkCreatedSchema = z.object({
  group: tradeGroupViewSchema,
  member: memberViewSchema,
  groupCreated: z.boolean(),
});
export type LinkCreated = z.infer<typeof linkCreatedSchema>;

/** Live evaluation of one group and its members, as the relay's control API serves it. */
export const groupEvaluationSchema = z.object({
  tradeGroupId: z.string(),
  masterRuntimeStatus: z.number().int(),
  masterWarningCodes: z.array(warningCodeSchema),
  members: z.array(
    z.object({
      slaveAccount: z.string(),
      status: z.number().int(),
      warningCodes: z.array(warningCodeSchema),
      allowNewOrders: z.boolean(),
    }),
  ),
});
export type GroupEvaluation = z.infer<typeof groupEvaluationSchema>;

/** `GET /internal/v1/evaluations`: every group's evaluation and the id of the last outbox row the relay applied. */
export const relayEvaluationsSchema = z.object({
  appliedOutboxId: z.number().int(),
  groups: z.array(groupEvaluationSchema),
});
export type RelayEvaluations = z.infer<typeof relayEvaluationsSchema>;

/** One journaled inbound trade signal (the relay's signal journal, newest first). */
export const signalJournalEntrySchema = z.object({
  id: z.number().int(),
  masterAccount: z.string(),
  seq: z.number(),
  receivedAt: z.string(),
  action: z.string(),
  ticket: z.string(),
  symbol: z.string().nullable(),
  payload: z.object({
    signal: z.record(z.string(), z.union([z.string(), z.number()])),
    accepted: z.number().int(),
    filtered: z.record(z.string(), z.number().int()),
  }),
});
export type SignalJournalEntryView = z.infer<typeof signalJournalEntrySchema>;

/**
 * `GET /internal/v1/outbox/failures` (as `{failures: [...]}`) and `changes.failures`: an outbox row failing now.
 * It blocks the later rows of its group (`waiting`) until it applies or an operator discards it. Times are epoch ms.
 */
export const outboxFailureViewSchema = z.object({
  id: z.number().int(),
  kind: z.string(),
  tradeGroupId: z.string().nullable(),
  slaveAccount: z.string().nullable(),
  attempts: z.number().int(),
  error: z.string(),
  state: z.enum(['retrying', 'failed']),
  firstFailedAt: z.number(),
  nextAttemptAt: z.number(),
  waiting: z.number().int(),
});
export type OutboxFailureView = z.infer<typeof outboxFailureViewSchema>;

/** `history.list`: one admin change and what became of it. */
export const changeHistoryViewSchema = z.object({
  id: z.number().int(),
  outboxId: z.number().int(),
  kind: z.string(),
  tradeGroupId: z.string().nullable(),
  slaveAccount: z.string().nullable(),
  createdAt: z.string(),
  state: z.enum(['pending', 'applied', 'failed', 'discarded']),
  attempts: z.number().int(),
  error: z.string().nullable(),
  settledAt: z.string().nullable(),
});
export type ChangeHistoryView = z.infer<typeof changeHistoryViewSchema>;
