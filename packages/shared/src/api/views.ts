// Output views shared by the tRPC API, the relay's control API and socket.io payloads (docs/api.md, Procedures and Realtime events).
import { z } from 'zod';
import { masterSettingsSchema, slaveSettingsSchema } from '../domain/settings';
import {
  CONNECTION_STATUSES,
  EA_TYPES,
  FILTER_REASONS,
  PLATFORMS,
  WARNING_CODES,
} from '../protocol/constants';

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
  /** On outputs that created links only: accepted risks, in words (docs/protocol.md D16, id prefixes). */
  warnings: z.array(z.string()).optional(),
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
  /** On outputs that created links only: accepted risks, in words (docs/protocol.md D16, id prefixes). */
  warnings: z.array(z.string()).optional(),
});
export type MemberView = z.infer<typeof memberViewSchema>;

/**
 * `links.create`: the group (new or existing) and the new member; `groupCreated` says which. `warnings`: risks
 * the link was accepted with (docs/protocol.md D16: an id that is a byte prefix of another linked id).
 */
export const linkCreatedSchema = z.object({
  group: tradeGroupViewSchema,
  member: memberViewSchema,
  groupCreated: z.boolean(),
  warnings: z.array(z.string()),
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
    /** Per filtered member: slave account → reason. Absent on entries journalled before it was recorded. */
    filteredBy: z.record(z.string(), z.string()).optional(),
  }),
});
export type SignalJournalEntryView = z.infer<typeof signalJournalEntrySchema>;

/**
 * What became of one master ticket for one slave (the Trades page): copied (the ledger has it), filtered by the copy
 * engine (the journal names the reason), parked or dead-lettered (ledger), or not a member when it was opened.
 * `unknown`: filtered, but journalled before per-member reasons were recorded, or on another relay of the cluster
 * (whose filter reasons are not journalled).
 */
export const TRADE_OUTCOMES = [
  'copied',
  'filtered',
  'parked',
  'dead_lettered',
  'not_member',
  'unknown',
] as const;
export type TradeOutcome = (typeof TRADE_OUTCOMES)[number];

export const slaveOutcomeSchema = z.object({
  slaveAccount: z.string(),
  outcome: z.enum(TRADE_OUTCOMES),
  /** For `filtered`: the copy engine's reason. */
  reason: z.enum(FILTER_REASONS).nullable(),
  /** For copied/parked/dead-lettered: the symbol as sent and the lots the slave's settings compute (unrounded). */
  symbol: z.string().nullable(),
  lots: z.number().nullable(),
  /** The copy's ledger state (sent, closed, parked, dead_lettered), null when there is none. */
  ledgerState: z.string().nullable(),
  updatedAt: z.string().nullable(),
  /** Isolated delivery (D23): the alias of the master the copy went out under; absent when it went out as the master. */
  via: z.string().optional(),
});
export type SlaveOutcomeView = z.infer<typeof slaveOutcomeSchema>;

/** One master ticket: its Open signal from the journal, whether a full Close followed, and every slave's outcome. */
export const tradeViewSchema = z.object({
  /** The journal id of the Open signal (the paging cursor). */
  id: z.number().int(),
  openedAt: z.string(),
  masterAccount: z.string(),
  ticket: z.string(),
  symbol: z.string().nullable(),
  orderType: z.string().nullable(),
  lots: z.number().nullable(),
  state: z.enum(['open', 'closed']),
  closedAt: z.string().nullable(),
  copied: z.number().int(),
  filtered: z.number().int(),
  slaves: z.array(slaveOutcomeSchema),
});
export type TradeView = z.infer<typeof tradeViewSchema>;

export const tradesPageSchema = z.object({
  trades: z.array(tradeViewSchema),
  /** Pass as `cursor` for the next (older) page; null at the end. */
  nextCursor: z.number().int().nullable(),
  /** Journal entries looked at for this page (outcome filters may skip many). */
  scanned: z.number().int(),
});
export type TradesPage = z.infer<typeof tradesPageSchema>;

const latencyFiguresSchema = z.object({
  windowS: z.number(),
  /** Null when no copy was relayed in the window. */
  p50Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  /** True when p99 lies above the histogram's last bucket (then p99Ms is that bound). */
  p99Overflow: z.boolean(),
  signals: z.number(),
  copies: z.number(),
  signalsPerS: z.number(),
  copiesPerS: z.number(),
});
export type LatencyFigures = z.infer<typeof latencyFiguresSchema>;

export const latencyPointSchema = z.object({
  at: z.string(),
  p50Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  signalsPerS: z.number(),
  copiesPerS: z.number(),
});
export type LatencyPoint = z.infer<typeof latencyPointSchema>;

/** The relay's latency ring (sampled from `sankey_relay_latency_seconds` every 10 s, 24 h kept). */
export const latencySummarySchema = z.object({
  sampleEveryS: z.number(),
  /** The last minute. */
  now: latencyFiguresSchema,
  lastHour: latencyFiguresSchema,
  last24h: latencyFiguresSchema,
  /** One point a minute over the last hour, oldest first. */
  hourSeries: z.array(latencyPointSchema),
  /** One point every 30 minutes over the last 24 h, oldest first. */
  daySeries: z.array(latencyPointSchema),
});
export type LatencySummary = z.infer<typeof latencySummarySchema>;

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

/**
 * A setting fixed by an environment variable (docs/api.md, `system.status`): stored updates do not change what
 * is in effect, so the Settings page shows it read-only and names the variable. `value` is the value in effect
 * (null for secrets).
 */
export const envOverrideSchema = z.object({
  setting: z.enum(['heartbeatTimeoutS', 'adminPassword', 'apiToken']),
  variable: z.string(),
  value: z.number().nullable(),
});
export type EnvOverride = z.infer<typeof envOverrideSchema>;

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
