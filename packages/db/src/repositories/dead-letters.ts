// Frames the relay could not publish (design.md, Delivery): visible in the UI and the operator CLI.
import type { DbClient } from '../client';

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

export function createDeadLetterRepository(client: DbClient) {
  return {
    async add(entry: NewDeadLetter): Promise<DeadLetterDto> {
      const row = await client.deadLetter.create({
        data: { ...entry, payload: new Uint8Array(entry.payload) },
        select,
      });
      return toDto(row);
    },

    /** Newest first (highest id), before `beforeId` (exclusive) if given. */
    async list(options: { limit?: number; beforeId?: number } = {}): Promise<DeadLetterDto[]> {
      const rows = await client.deadLetter.findMany({
        ...(options.beforeId !== undefined && { where: { id: { lt: options.beforeId } } }),
        orderBy: { id: 'desc' },
        take: options.limit ?? 100,
        select,
      });
      return rows.map(toDto);
    },

    async get(id: number): Promise<DeadLetterDto | null> {
      const row = await client.deadLetter.findUnique({ where: { id }, select });
      return row && toDto(row);
    },

    async delete(id: number): Promise<boolean> {
      return (await client.deadLetter.deleteMany({ where: { id } })).count > 0;
    },

    async count(): Promise<number> {
      return client.deadLetter.count();
    },

    /** Deletes dead letters whose last attempt was before `before`. Returns the count. */
    async purgeOlderThan(before: Date): Promise<number> {
      return (await client.deadLetter.deleteMany({ where: { lastAttemptAt: { lt: before } } })).count;
    },
  };
}

export type DeadLetterRepository = ReturnType<typeof createDeadLetterRepository>;
