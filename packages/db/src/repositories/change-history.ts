// The change history (docs/api.md, history.list): one entry per admin change, written by outbox.append in the
// change's transaction; the relay records the outcome. Unlike the outbox it is not purged with processed rows.
import type { DbClient } from '../client';

export type ChangeState = 'pending' | 'applied' | 'failed' | 'discarded';

export interface ChangeHistoryDto {
  id: number;
  outboxId: number;
  kind: string;
  tradeGroupId: string | null;
  slaveAccount: string | null;
  createdAt: Date;
  state: ChangeState;
  attempts: number;
  error: string | null;
  settledAt: Date | null;
}

const select = {
  id: true,
  outboxId: true,
  kind: true,
  tradeGroupId: true,
  slaveAccount: true,
  createdAt: true,
  state: true,
  attempts: true,
  error: true,
  settledAt: true,
} as const;

const toDto = (row: Omit<ChangeHistoryDto, 'state'> & { state: string }): ChangeHistoryDto =>
  row as ChangeHistoryDto;

export function createChangeHistoryRepository(client: DbClient) {
  return {
    /** Newest first; `beforeId` pages back (exclusive); `tradeGroupId`/`slaveAccount` narrow it. */
    async list(
      options: { limit?: number; beforeId?: number; tradeGroupId?: string; slaveAccount?: string } = {},
    ): Promise<ChangeHistoryDto[]> {
      const rows = await client.changeHistory.findMany({
        where: {
          ...(options.beforeId !== undefined && { id: { lt: options.beforeId } }),
          ...(options.tradeGroupId !== undefined && { tradeGroupId: options.tradeGroupId }),
          ...(options.slaveAccount !== undefined && { slaveAccount: options.slaveAccount }),
        },
        orderBy: { id: 'desc' },
        take: options.limit ?? 100,
        select,
      });
      return rows.map(toDto);
    },

    async getByOutboxId(outboxId: number): Promise<ChangeHistoryDto | null> {
      const row = await client.changeHistory.findUnique({ where: { outboxId }, select });
      return row && toDto(row);
    },

    /**
     * Records the relay's outcome for the change of `outboxId`: `applied` and `discarded` settle it (time set),
     * `failed` keeps it open with the attempt count and the last error. A change whose entry is missing (written
     * before the history existed) is ignored.
     */
    async record(
      outboxId: number,
      outcome: { state: Exclude<ChangeState, 'pending'>; attempts: number; error?: string | null },
      at: Date = new Date(),
    ): Promise<void> {
      await client.changeHistory.updateMany({
        where: { outboxId },
        data: {
          state: outcome.state,
          attempts: outcome.attempts,
          error: outcome.error ?? null,
          settledAt: outcome.state === 'failed' ? null : at,
        },
      });
    },

    /** Retention: deletes entries created before `before`. Returns the count. */
    async purgeBefore(before: Date): Promise<number> {
      const { count } = await client.changeHistory.deleteMany({ where: { createdAt: { lt: before } } });
      return count;
    },
  };
}

export type ChangeHistoryRepository = ReturnType<typeof createChangeHistoryRepository>;
