// The transactional outbox (docs/protocol.md, Admin changes): the web appends a row in the same transaction as each change;
// the relay reads pending rows in id order and marks them processed. On PostgreSQL ids are taken at INSERT, not
// at COMMIT, so append first takes one transaction-scoped advisory lock: appends then commit in id order and a
// reader's cursor (the highest id applied) never passes a row that commits later (docs/protocol.md, "Admin
// changes"). SQLite serialises writers already.
import { type OutboxChange, type OutboxKind, outboxChangeSchema } from '@sankey/shared/api/changes';
import { type DbClient, inTransaction, providerOfClient } from '../client';
import type { JsonObject } from './shared';

/**
 * One change of the shared contract (`@sankey/shared/api/changes`). A key that is always null for its kind
 * (`tradeGroupId` of `settings.updated`, `slaveAccount` of the `group.*` kinds) may be left out.
 */
export type NewOutboxEntry = NullKeysOptional<OutboxChange>;

/** Per union member: the keys whose type is null become optional. */
type NullKeysOptional<C> = C extends unknown
  ? { [K in keyof C as null extends C[K] ? never : K]: C[K] } & {
      [K in keyof C as null extends C[K] ? K : never]?: C[K];
    }
  : never;

export interface OutboxDto {
  id: number;
  kind: OutboxKind;
  tradeGroupId: string | null;
  slaveAccount: string | null;
  payload: JsonObject;
  createdAt: Date;
  processedAt: Date | null;
}

const select = {
  id: true,
  kind: true,
  tradeGroupId: true,
  slaveAccount: true,
  payload: true,
  createdAt: true,
  processedAt: true,
} as const;

type Row = Omit<OutboxDto, 'kind' | 'payload'> & { kind: string; payload: unknown };
const toDto = (row: Row): OutboxDto => row as OutboxDto;

/** The advisory lock key that orders outbox appends on PostgreSQL (any constant; "SANK" in ASCII). */
export const OUTBOX_APPEND_LOCK = 0x53414e4b;

export function createOutboxRepository(client: DbClient) {
  return {
    /**
     * Appends a row. Use the transaction's client that writes the change, so both commit or neither does. The
     * change is checked against the shared contract first: a row the relay could not parse is never written.
     */
    async append(entry: NewOutboxEntry): Promise<OutboxDto> {
      const change = outboxChangeSchema.parse({ tradeGroupId: null, slaveAccount: null, ...entry });
      // Outside a transaction the lock would end before the insert: make lock, row and history one transaction.
      return inTransaction(client, async (tx) => {
        if (providerOfClient(tx) === 'postgresql') {
          await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${OUTBOX_APPEND_LOCK})`);
        }
        const row = await tx.outbox.create({
          data: {
            kind: change.kind,
            tradeGroupId: change.tradeGroupId,
            slaveAccount: change.slaveAccount,
            payload: change.payload,
          },
          select,
        });
        // The change history (kept after the outbox is purged) gets its entry in the same transaction.
        await tx.changeHistory.create({
          data: {
            outboxId: row.id,
            kind: row.kind,
            tradeGroupId: row.tradeGroupId,
            slaveAccount: row.slaveAccount,
            createdAt: row.createdAt,
          },
        });
        return toDto(row);
      });
    },

    /** Unprocessed rows in id order, after `afterId` (exclusive) if given. */
    async pending(options: { afterId?: number; limit?: number } = {}): Promise<OutboxDto[]> {
      const rows = await client.outbox.findMany({
        where: { processedAt: null, ...(options.afterId !== undefined && { id: { gt: options.afterId } }) },
        orderBy: { id: 'asc' },
        take: options.limit ?? 100,
        select,
      });
      return rows.map(toDto);
    },

    /**
     * Every row after `afterId` in id order, processed or not: in cluster mode each relay applies every row with a
     * cursor of its own (another relay may have marked the row processed already).
     */
    async after(options: { afterId: number; limit?: number }): Promise<OutboxDto[]> {
      const rows = await client.outbox.findMany({
        where: { id: { gt: options.afterId } },
        orderBy: { id: 'asc' },
        take: options.limit ?? 100,
        select,
      });
      return rows.map(toDto);
    },

    /** The highest id committed so far, 0 when the table is empty. */
    async latestId(): Promise<number> {
      const row = await client.outbox.findFirst({ orderBy: { id: 'desc' }, select: { id: true } });
      return row?.id ?? 0;
    },

    /** Ids of the unprocessed rows up to `upToId` (inclusive), in id order. */
    async pendingIdsUpTo(upToId: number): Promise<number[]> {
      const rows = await client.outbox.findMany({
        where: { processedAt: null, id: { lte: upToId } },
        orderBy: { id: 'asc' },
        select: { id: true },
      });
      return rows.map((r) => r.id);
    },

    async get(id: number): Promise<OutboxDto | null> {
      const row = await client.outbox.findUnique({ where: { id }, select });
      return row && toDto(row);
    },

    /** Sets processedAt (once: an already processed row keeps its time). Returns whether a row changed. */
    async markProcessed(id: number, at: Date = new Date()): Promise<boolean> {
      const { count } = await client.outbox.updateMany({
        where: { id, processedAt: null },
        data: { processedAt: at },
      });
      return count > 0;
    },

    /** Age in ms of the oldest unprocessed row (0 when none is pending): the outbox lag metric. */
    async lag(now: Date = new Date()): Promise<number> {
      const oldest = await client.outbox.findFirst({
        where: { processedAt: null },
        orderBy: { id: 'asc' },
        select: { createdAt: true },
      });
      return oldest ? Math.max(0, now.getTime() - oldest.createdAt.getTime()) : 0;
    },

    /**
     * Retention: deletes processed rows processed before `before` (and, when given, with an id up to `upToId`: the
     * rows every live relay has applied). Returns the count.
     */
    async purgeProcessedBefore(before: Date, upToId?: number): Promise<number> {
      const { count } = await client.outbox.deleteMany({
        where: { processedAt: { lt: before }, ...(upToId !== undefined && { id: { lte: upToId } }) },
      });
      return count;
    },
  };
}

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;
