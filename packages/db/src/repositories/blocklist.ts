// The EA blocklist (docs/api.md, blocklist): accounts whose frames the relay drops and who get no configs or copies.
import type { DbClient } from '../client';

export interface BlockedEaDto {
  accountId: string;
  reason: string;
  blockedAt: Date;
}

export function createBlocklistRepository(client: DbClient) {
  return {
    /** Oldest first. */
    list(): Promise<BlockedEaDto[]> {
      return client.blockedEa.findMany({ orderBy: { blockedAt: 'asc' } });
    },

    /** Blocks the account (again: the reason and time are replaced). */
    block(accountId: string, reason: string, at: Date): Promise<BlockedEaDto> {
      return client.blockedEa.upsert({
        where: { accountId },
        create: { accountId, reason, blockedAt: at },
        update: { reason, blockedAt: at },
      });
    },

    /** False when the account was not blocked. */
    async unblock(accountId: string): Promise<boolean> {
      return (await client.blockedEa.deleteMany({ where: { accountId } })).count > 0;
    },
  };
}

export type BlocklistRepository = ReturnType<typeof createBlocklistRepository>;
