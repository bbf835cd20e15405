// The alias table of isolated delivery (docs/protocol.md D23): alias → (master, slave), written once by the relay
// and read back at start, so a slave keeps knowing its master by the same alias across restarts.
import type { DbClient } from '../client';

export interface MemberAliasRow {
  alias: string;
  masterAccount: string;
  slaveAccount: string;
}

const select = { alias: true, masterAccount: true, slaveAccount: true } as const;

export function createMemberAliasRepository(client: DbClient) {
  return {
    list(): Promise<MemberAliasRow[]> {
      return client.memberAlias.findMany({ select, orderBy: { alias: 'asc' } });
    },

    /** Stores a new alias; one already stored (same alias or same member) is left as it is. */
    async add(row: MemberAliasRow): Promise<void> {
      const existing = await client.memberAlias.findFirst({
        where: {
          OR: [{ alias: row.alias }, { masterAccount: row.masterAccount, slaveAccount: row.slaveAccount }],
        },
        select: { alias: true },
      });
      if (existing) return;
      await client.memberAlias.create({ data: row, select: { alias: true } });
    },
  };
}
