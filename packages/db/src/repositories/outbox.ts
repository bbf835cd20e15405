// The transactional outbox (spec README §7): the web appends a row in the same transaction as each change;
// the relay reads pending rows in id order and marks them processed.
import type { DbClient } from '../client';
import type { JsonObject } from './shared';

export const OUTBOX_KINDS = [
  'group.created',
  'group.updated',
  'group.toggled',
  'group.deleted',
  'member.added',
  'member.updated',
  'member.toggled',
  'member.deleted',
  'settings.updated',
] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

export interface NewOutboxEntry {
  kind: OutboxKind;
  tradeGroupId?: string | null;
  slaveAccount?: string | null;
  payload: JsonObject;
}

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

export function createOutboxRepository(client: DbClient) {
  return {
    /** Appends a row. Pass the transaction that writes the change, so both commit or neither does. */
    async append(entry: NewOutboxEntry): Promise<OutboxDto> {
      const row = await client.outbox.create({
        data: {
          kind: entry.kind,
          tradeGroupId: entry.tradeGroupId ?? null,
          slaveAccount: entry.slaveAccount ?? null,
          payload: entry.payload,
        },
        select,
      });
      return toDto(row);
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

    /** Retention: deletes processed rows processed before `before`. Returns the count. */
    async purgeProcessedBefore(before: Date): Promise<number> {
      const { count } = await client.outbox.deleteMany({ where: { processedAt: { lt: before } } });
      return count;
    },
  };
}

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;
