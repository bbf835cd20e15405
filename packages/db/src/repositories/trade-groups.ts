// Trade groups (a master account and its settings), optionally created together with their first members.

import { compareUtf8 } from '@sankey/shared/domain/byte-order';
import type { DeliveryMode } from '@sankey/shared/domain/delivery';
import { type DbClient, inTransaction, providerOfClient } from '../client';
import { translatePrismaError, UniqueViolation } from '../errors';
import {
  byGroupThenSlave,
  type MemberDto,
  memberSelect,
  type NewMember,
  storedSlaveSettings,
  toMemberDto,
} from './members';

export interface TradeGroupDto {
  /** The master account id. */
  id: string;
  enabled: boolean;
  symbolPrefix: string | null;
  symbolSuffix: string | null;
  /** docs/protocol.md D23. */
  delivery: DeliveryMode;
  configVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewTradeGroup {
  id: string;
  enabled?: boolean;
  symbolPrefix?: string | null;
  symbolSuffix?: string | null;
  delivery?: DeliveryMode;
  members?: NewMember[];
}

const groupSelect = {
  id: true,
  enabled: true,
  symbolPrefix: true,
  symbolSuffix: true,
  delivery: true,
  configVersion: true,
  createdAt: true,
  updatedAt: true,
} as const;

/** The column is free text in the database; anything but `isolated` reads as the default. */
const toDto = <T extends { delivery: string }>(row: T): T & { delivery: DeliveryMode } => ({
  ...row,
  delivery: row.delivery === 'isolated' ? 'isolated' : 'shared',
});

export function createTradeGroupRepository(client: DbClient) {
  const bump = async (id: string, data: object): Promise<TradeGroupDto> => {
    try {
      return toDto(
        await client.tradeGroup.update({
          where: { id },
          data: { ...data, configVersion: { increment: 1 } },
          select: groupSelect,
        }),
      );
    } catch (err) {
      translatePrismaError(err, 'TradeGroup', { id });
    }
  };

  return {
    /**
     * Inside a transaction: holds the group's row until commit, so two transactions that both decide from the
     * group's member count (deleting its last members) run one after the other. SQLite serialises writers
     * already (BEGIN IMMEDIATE); on PostgreSQL this is `SELECT … FOR UPDATE`.
     */
    async lockForChange(id: string): Promise<void> {
      if (providerOfClient(client) !== 'postgresql') return;
      await client.$queryRawUnsafe('SELECT "id" FROM "trade_groups" WHERE "id" = $1 FOR UPDATE', id);
    },

    /**
     * Creates the group (configVersion 1, disabled unless `enabled`) and its members (configVersion 1,
     * status 0) in one statement. UniqueViolation if the group exists or the members repeat a slave account.
     */
    async create(input: NewTradeGroup): Promise<{ group: TradeGroupDto; members: MemberDto[] }> {
      const members = input.members ?? [];
      const seen = new Set<string>();
      for (const m of members) {
        if (seen.has(m.slaveAccount)) {
          throw new UniqueViolation('TradeGroupMember', {
            tradeGroupId: input.id,
            slaveAccount: m.slaveAccount,
          });
        }
        seen.add(m.slaveAccount);
      }
      try {
        const row = await client.tradeGroup.create({
          data: {
            id: input.id,
            enabled: input.enabled ?? false,
            symbolPrefix: input.symbolPrefix ?? null,
            symbolSuffix: input.symbolSuffix ?? null,
            delivery: input.delivery ?? 'shared',
            members: {
              create: members.map((m) => ({
                slaveAccount: m.slaveAccount,
                slaveSettings: storedSlaveSettings(m.slaveSettings),
                enabled: m.enabled ?? false,
              })),
            },
          },
          select: { ...groupSelect, members: { select: memberSelect } },
        });
        const { members: memberRows, ...group } = row;
        return { group: toDto(group), members: memberRows.map(toMemberDto).sort(byGroupThenSlave) };
      } catch (err) {
        translatePrismaError(err, 'TradeGroup', { id: input.id });
      }
    },

    async get(id: string): Promise<TradeGroupDto | null> {
      const row = await client.tradeGroup.findUnique({ where: { id }, select: groupSelect });
      return row ? toDto(row) : null;
    },

    /** Newest first; ties (same createdAt) in byte order of the id. */
    async list(): Promise<TradeGroupDto[]> {
      const rows = (await client.tradeGroup.findMany({ select: groupSelect })).map(toDto);
      return rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || compareUtf8(a.id, b.id));
    },

    /**
     * Changes the symbol affixes (undefined keeps, null clears) and the delivery mode (undefined keeps) and bumps
     * configVersion. NotFound if missing.
     */
    updateAffixes(
      id: string,
      affixes: { symbolPrefix?: string | null; symbolSuffix?: string | null; delivery?: DeliveryMode },
    ): Promise<TradeGroupDto> {
      const data: { symbolPrefix?: string | null; symbolSuffix?: string | null; delivery?: DeliveryMode } =
        {};
      if (affixes.symbolPrefix !== undefined) data.symbolPrefix = affixes.symbolPrefix;
      if (affixes.symbolSuffix !== undefined) data.symbolSuffix = affixes.symbolSuffix;
      if (affixes.delivery !== undefined) data.delivery = affixes.delivery;
      return bump(id, data);
    },

    /** Sets `enabled` and bumps configVersion (also when the value does not change). NotFound if missing. */
    setEnabled(id: string, enabled: boolean): Promise<TradeGroupDto> {
      return bump(id, { enabled });
    },

    /**
     * Deletes the group and (cascade) its members. Returns the group and its slave accounts in byte order, which
     * the outbox payload needs after the rows are gone (D13). NotFound if missing.
     */
    delete(id: string): Promise<{ group: TradeGroupDto; slaveAccounts: string[] }> {
      return inTransaction(client, async (t) => {
        const members = await t.tradeGroupMember.findMany({
          where: { tradeGroupId: id },
          select: { slaveAccount: true },
        });
        try {
          const group = await t.tradeGroup.delete({ where: { id }, select: groupSelect });
          return { group: toDto(group), slaveAccounts: members.map((m) => m.slaveAccount).sort(compareUtf8) };
        } catch (err) {
          translatePrismaError(err, 'TradeGroup', { id });
        }
      });
    },
  };
}

export type TradeGroupRepository = ReturnType<typeof createTradeGroupRepository>;
