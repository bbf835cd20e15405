// Frames the relay could not publish (design.md, Delivery): visible in the UI and the operator CLI.
import type { Db, DbTx } from '../client';
import { clientOf } from './shared';

export interface DeadLetterDto {
  id: number;
  topic: string;
  /** The frame's payload bytes as they would have been published. */
  payload: Uint8Array;
  reason: string;
  attempts: number;
  firstAttemptAt: Date;
  lastAttemptAt: Date;
}

export type NewDeadLetter = Omit<DeadLetterDto, 'id'>;

const select = {
  id: true,
  topic: true,
  payload: true,
  reason: true,
  attempts: true,
  firstAttemptAt: true,
  lastAttemptAt: true,
} as const;

const toDto = (row: DeadLetterDto): DeadLetterDto => ({ ...row, payload: new Uint8Array(row.payload) });

export function createDeadLetterRepository(db: Db) {
  return {
    async add(entry: NewDeadLetter, tx?: DbTx): Promise<DeadLetterDto> {
      const row = await clientOf(db, tx).deadLetter.create({
        data: { ...entry, payload: new Uint8Array(entry.payload) },
        select,
      });
      return toDto(row);
    },

    /** Newest first (highest id), before `beforeId` (exclusive) if given. */
    async list(options: { limit?: number; beforeId?: number } = {}, tx?: DbTx): Promise<DeadLetterDto[]> {
      const rows = await clientOf(db, tx).deadLetter.findMany({
        ...(options.beforeId !== undefined && { where: { id: { lt: options.beforeId } } }),
        orderBy: { id: 'desc' },
        take: options.limit ?? 100,
        select,
      });
      return rows.map(toDto);
    },

    async get(id: number, tx?: DbTx): Promise<DeadLetterDto | null> {
      const row = await clientOf(db, tx).deadLetter.findUnique({ where: { id }, select });
      return row && toDto(row);
    },

    async delete(id: number, tx?: DbTx): Promise<boolean> {
      return (await clientOf(db, tx).deadLetter.deleteMany({ where: { id } })).count > 0;
    },

    async count(tx?: DbTx): Promise<number> {
      return clientOf(db, tx).deadLetter.count();
    },

    /** Deletes dead letters whose last attempt was before `before`. Returns the count. */
    async purgeOlderThan(before: Date, tx?: DbTx): Promise<number> {
      return (await clientOf(db, tx).deadLetter.deleteMany({ where: { lastAttemptAt: { lt: before } } }))
        .count;
    },
  };
}

export type DeadLetterRepository = ReturnType<typeof createDeadLetterRepository>;
