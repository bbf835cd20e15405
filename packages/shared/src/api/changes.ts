// The change contract between the web app and the relay (docs/protocol.md, "Admin changes"): every outbox row
// the web writes and the relay reads is one of these. One schema, used on both sides: the web builds rows with
// it, the relay parses them with it, and a row that does not parse is a counted error, never a silent skip.
import { z } from 'zod';

const id = z.string().min(1);
const none = z.strictObject({});

const groupKey = { tradeGroupId: id, slaveAccount: z.null() };
const memberKey = { tradeGroupId: id, slaveAccount: id };

export const outboxChangeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('group.created'), ...groupKey, payload: none }),
  z.strictObject({ kind: z.literal('group.updated'), ...groupKey, payload: none }),
  z.strictObject({
    kind: z.literal('group.toggled'),
    ...groupKey,
    payload: z.strictObject({ enabled: z.boolean() }),
  }),
  z.strictObject({
    kind: z.literal('group.deleted'),
    ...groupKey,
    // The rows are gone when the relay applies this: it needs the slaves to send their -1 configs (D13).
    payload: z.strictObject({ slaveAccounts: z.array(id) }),
  }),
  z.strictObject({ kind: z.literal('member.added'), ...memberKey, payload: none }),
  z.strictObject({ kind: z.literal('member.updated'), ...memberKey, payload: none }),
  z.strictObject({
    kind: z.literal('member.toggled'),
    ...memberKey,
    payload: z.strictObject({ enabled: z.boolean() }),
  }),
  z.strictObject({
    kind: z.literal('member.deleted'),
    ...memberKey,
    // True when this was the group's last member and the group went with it (-1 master config too).
    payload: z.strictObject({ groupDeleted: z.boolean() }),
  }),
  z.strictObject({
    kind: z.literal('settings.updated'),
    tradeGroupId: z.null(),
    slaveAccount: z.null(),
    payload: z.strictObject({ changed: z.array(z.string()) }),
  }),
]);

export type OutboxChange = z.infer<typeof outboxChangeSchema>;
export type OutboxKind = OutboxChange['kind'];
export type OutboxChangeOf<K extends OutboxKind> = Extract<OutboxChange, { kind: K }>;

export const OUTBOX_KINDS = outboxChangeSchema.options.map((o) => o.shape.kind.value) as OutboxKind[];

/** A stored row: the change plus what the outbox table adds. */
export type OutboxRow = OutboxChange & { id: number; createdAt: Date };

export type ParsedOutboxRow =
  | { ok: true; row: OutboxRow }
  | { ok: false; id: number; kind: string; error: string };

/** Parses one stored row (columns as read from the database). Never throws. */
export function parseOutboxRow(raw: {
  id: number;
  kind: string;
  tradeGroupId: string | null;
  slaveAccount: string | null;
  payload: unknown;
  createdAt: Date;
}): ParsedOutboxRow {
  const r = outboxChangeSchema.safeParse({
    kind: raw.kind,
    tradeGroupId: raw.tradeGroupId,
    slaveAccount: raw.slaveAccount,
    payload: raw.payload,
  });
  if (!r.success) {
    const error = r.error.issues.map((i) => `${i.path.join('.') || '(row)'}: ${i.message}`).join('; ');
    return { ok: false, id: raw.id, kind: raw.kind, error };
  }
  return { ok: true, row: { ...r.data, id: raw.id, createdAt: raw.createdAt } };
}
