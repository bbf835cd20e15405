// tRPC input schemas (docs/api.md, Procedures), shared by the web API and the UI forms. Every object is strict: unknown keys
// (including the server-owned `configVersion`) are rejected with BAD_REQUEST.
import { z } from 'zod';
import { DELIVERY_MODES } from '../domain/delivery';
import {
  accountIdSchema,
  globalSettingsUpdateSchema,
  masterSettingsInputSchema,
  newAccountIdSchema,
  slaveSettingsInputSchema,
  symbolAffixInputSchema,
} from '../domain/settings';

/** docs/api.md, Limits: at most this many members in one `tradeGroups.create`. */
export const MAX_MEMBERS_PER_CREATE = 1000;

export const tradeGroupIdInputSchema = z.strictObject({ id: accountIdSchema });

export const newMemberInputSchema = z.strictObject({
  slaveAccount: newAccountIdSchema,
  slaveSettings: slaveSettingsInputSchema.optional(),
  enabled: z.boolean().optional(),
});
export type NewMemberInput = z.input<typeof newMemberInputSchema>;

export const createTradeGroupInputSchema = z.strictObject({
  id: newAccountIdSchema,
  masterSettings: masterSettingsInputSchema.optional(),
  members: z
    .array(newMemberInputSchema)
    .max(MAX_MEMBERS_PER_CREATE, `at most ${MAX_MEMBERS_PER_CREATE} members per create`)
    .optional(),
});
export type CreateTradeGroupInput = z.input<typeof createTradeGroupInputSchema>;

/** `enabled` changes only through `toggle`; an omitted affix is kept, `null` clears it. */
export const updateTradeGroupInputSchema = z.strictObject({
  id: accountIdSchema,
  masterSettings: z.strictObject({
    symbolPrefix: symbolAffixInputSchema.nullable().optional(),
    symbolSuffix: symbolAffixInputSchema.nullable().optional(),
    /** docs/protocol.md D23: switching starts a per-member switch in the relay. */
    delivery: z.enum(DELIVERY_MODES).optional(),
  }),
});
export type UpdateTradeGroupInput = z.input<typeof updateTradeGroupInputSchema>;

export const toggleTradeGroupInputSchema = z.strictObject({ id: accountIdSchema, enabled: z.boolean() });

export const memberListInputSchema = z.strictObject({ tradeGroupId: accountIdSchema });

export const memberKeyInputSchema = z.strictObject({
  tradeGroupId: accountIdSchema,
  slaveAccount: accountIdSchema,
});

export const addMemberInputSchema = z.strictObject({
  tradeGroupId: accountIdSchema,
  slaveAccount: newAccountIdSchema,
  slaveSettings: slaveSettingsInputSchema.optional(),
  enabled: z.boolean().optional(),
});
export type AddMemberInput = z.input<typeof addMemberInputSchema>;

/** Replaces the member's settings; omitted keys take their defaults (D7). */
export const updateMemberInputSchema = z.strictObject({
  tradeGroupId: accountIdSchema,
  slaveAccount: accountIdSchema,
  slaveSettings: slaveSettingsInputSchema,
});
export type UpdateMemberInput = z.input<typeof updateMemberInputSchema>;

export const toggleMemberInputSchema = z.strictObject({
  tradeGroupId: accountIdSchema,
  slaveAccount: accountIdSchema,
  enabled: z.boolean(),
});

/**
 * `links.create`: the master's group (created when missing) and one slave in it, in one transaction.
 * `masterSettings` is for a new group; for an existing one only changed affixes are applied (`enabled` changes
 * only through `tradeGroups.toggle`). `enabled` is the member's and defaults to false.
 */
export const createLinkInputSchema = z.strictObject({
  masterAccount: newAccountIdSchema,
  slaveAccount: newAccountIdSchema,
  masterSettings: masterSettingsInputSchema.optional(),
  slaveSettings: slaveSettingsInputSchema.optional(),
  enabled: z.boolean().optional(),
});
export type CreateLinkInput = z.input<typeof createLinkInputSchema>;

export const connectionGetInputSchema = z.strictObject({ accountId: accountIdSchema });

export const settingsUpdateInputSchema = globalSettingsUpdateSchema;

export const LOG_LIST_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/** `logs.list`: minimum level (case-insensitive), page size, and the cursor of the previous page. */
export const logsListInputSchema = z
  .strictObject({
    level: z
      .string()
      .transform((s) => s.toLowerCase())
      .pipe(z.enum(LOG_LIST_LEVELS))
      .optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    cursor: z.number().int().min(0).optional(),
  })
  .optional();
export type LogsListInput = z.input<typeof logsListInputSchema>;

/** `signals.list`: the relay's trade-signal journal, newest first, optionally for one master. */
export const signalsListInputSchema = z
  .strictObject({
    masterAccount: accountIdSchema.optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  })
  .optional();
export type SignalsListInput = z.infer<typeof signalsListInputSchema>;

/** `trades.list` (docs/api.md): newest first, filtered; `cursor` is the previous page's `nextCursor`. */
export const tradesListInputSchema = z
  .strictObject({
    /** A master (its tickets) or a slave (the tickets of the masters it follows). */
    account: accountIdSchema.optional(),
    symbol: z.string().min(1).max(31).optional(),
    /** ISO 8601 instants. */
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    outcome: z.enum(['copied', 'filtered', 'parked', 'dead_lettered']).optional(),
    limit: z.number().int().min(1).max(500).optional(),
    cursor: z.number().int().min(1).optional(),
  })
  .optional();
export type TradesListInput = z.infer<typeof tradesListInputSchema>;

/** `trades.get`: one master ticket (decimal string, exact over 64 bits). */
export const tradesGetInputSchema = z.strictObject({
  masterAccount: accountIdSchema,
  ticket: z.string().regex(/^-?[0-9]{1,20}$/, 'must be a decimal ticket number'),
});
export type TradesGetInput = z.infer<typeof tradesGetInputSchema>;

/** `auth.changePassword` (docs/api.md): the current password again, and the new one (as SANKEY_ADMIN_PASSWORD). */
export const changePasswordInputSchema = z.strictObject({
  currentPassword: z.string().min(1, 'required').max(1024),
  newPassword: z
    .string()
    .min(8, 'must be at least 8 characters')
    .max(1024, 'must be at most 1024 characters'),
});
export type ChangePasswordInput = z.input<typeof changePasswordInputSchema>;

/** `history.list` (docs/api.md): admin changes, newest first; `beforeId` pages back. */
export const historyListInputSchema = z
  .strictObject({
    limit: z.number().int().min(1).max(500).optional(),
    beforeId: z.number().int().positive().optional(),
    /** Only this group's changes (its members' included). */
    tradeGroupId: z.string().min(1).max(64).optional(),
    /** Only this slave's changes (with `tradeGroupId`: that one link's). */
    slaveAccount: z.string().min(1).max(64).optional(),
  })
  .optional();
export type HistoryListInput = z.infer<typeof historyListInputSchema>;

/** `changes.discard` (docs/api.md): give up a failing change by its outbox id. */
export const changeDiscardInputSchema = z.strictObject({ outboxId: z.number().int().positive() });
export type ChangeDiscardInput = z.infer<typeof changeDiscardInputSchema>;
