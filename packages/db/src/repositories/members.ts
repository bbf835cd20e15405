// Trade group members (slave accounts). Settings are stored as JSON without the server-owned configVersion,
// which is its own column so bumping it is a single atomic increment.
import { compareUtf8 } from '@sankey/shared/domain/byte-order';
import {
  type SlaveSettings,
  type SlaveSettingsInput,
  slaveSettingsInputSchema,
  slaveSettingsSchema,
} from '@sankey/shared/domain/settings';
import type { DbClient } from '../client';
import { translatePrismaError, UnreadableMember } from '../errors';

export interface MemberDto {
  id: number;
  tradeGroupId: string;
  slaveAccount: string;
  /** The stored settings including the server-owned configVersion. */
  slaveSettings: SlaveSettings;
  enabled: boolean;
  /** Runtime status 0/1/2 as last persisted by the relay. */
  status: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewMember {
  slaveAccount: string;
  /** Missing keys get the defaults (D7); configVersion is server-owned and starts at 1. */
  slaveSettings?: SlaveSettingsInput;
  enabled?: boolean;
}

export const memberSelect = {
  id: true,
  tradeGroupId: true,
  slaveAccount: true,
  slaveSettings: true,
  configVersion: true,
  enabled: true,
  status: true,
  createdAt: true,
  updatedAt: true,
} as const;

type MemberRow = {
  id: number;
  tradeGroupId: string;
  slaveAccount: string;
  slaveSettings: unknown;
  configVersion: number;
  enabled: boolean;
  status: number;
  createdAt: Date;
  updatedAt: Date;
};

export function toMemberDto(row: MemberRow): MemberDto {
  const { configVersion, slaveSettings, ...rest } = row;
  const parsed = slaveSettingsSchema.safeParse({ ...(slaveSettings as object), configVersion });
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((i) => `${i.path.length > 0 ? i.path.join('.') : 'settings'}: ${i.message}`)
      .join('; ');
    throw new UnreadableMember(row.tradeGroupId, row.slaveAccount, detail);
  }
  return { ...rest, slaveSettings: parsed.data };
}

/** A member left out of a tolerant read because its stored settings do not validate. */
export interface UnreadableMemberRow {
  tradeGroupId: string;
  slaveAccount: string;
  error: string;
}

/** Reads what validates and reports the rest, so one bad row cannot block the others. */
function readTolerantly(rows: MemberRow[]): { members: MemberDto[]; unreadable: UnreadableMemberRow[] } {
  const members: MemberDto[] = [];
  const unreadable: UnreadableMemberRow[] = [];
  for (const row of rows) {
    try {
      members.push(toMemberDto(row));
    } catch (err) {
      if (!(err instanceof UnreadableMember)) throw err;
      unreadable.push({ tradeGroupId: row.tradeGroupId, slaveAccount: row.slaveAccount, error: String(err) });
    }
  }
  return { members: members.sort(byGroupThenSlave), unreadable };
}

/** Validates settings (ZodError when invalid) and returns the stored JSON form (no configVersion). */
export function storedSlaveSettings(input: SlaveSettingsInput | undefined): object {
  return slaveSettingsInputSchema.parse(input ?? {});
}

export const byGroupThenSlave = (a: MemberDto, b: MemberDto): number =>
  compareUtf8(a.tradeGroupId, b.tradeGroupId) || compareUtf8(a.slaveAccount, b.slaveAccount);
const bySlave = (a: MemberDto, b: MemberDto): number => compareUtf8(a.slaveAccount, b.slaveAccount);

const key = (tradeGroupId: string, slaveAccount: string) => ({ tradeGroupId, slaveAccount });
const where = (tradeGroupId: string, slaveAccount: string) => ({
  tradeGroupId_slaveAccount: { tradeGroupId, slaveAccount },
});

export function createMemberRepository(client: DbClient) {
  const update = async (
    tradeGroupId: string,
    slaveAccount: string,
    data: { slaveSettings?: object; enabled?: boolean },
  ): Promise<MemberDto> => {
    try {
      const row = await client.tradeGroupMember.update({
        where: where(tradeGroupId, slaveAccount),
        data: { ...data, configVersion: { increment: 1 } },
        select: memberSelect,
      });
      return toMemberDto(row);
    } catch (err) {
      translatePrismaError(err, 'TradeGroupMember', key(tradeGroupId, slaveAccount));
    }
  };

  return {
    /** Adds a member with configVersion 1 and status 0. NotFound if the group is missing, UniqueViolation if the member exists. */
    async add(tradeGroupId: string, member: NewMember): Promise<MemberDto> {
      const slaveSettings = storedSlaveSettings(member.slaveSettings);
      try {
        const row = await client.tradeGroupMember.create({
          data: {
            tradeGroupId,
            slaveAccount: member.slaveAccount,
            slaveSettings,
            enabled: member.enabled ?? false,
          },
          select: memberSelect,
        });
        return toMemberDto(row);
      } catch (err) {
        translatePrismaError(err, 'TradeGroupMember', key(tradeGroupId, member.slaveAccount), {
          entity: 'TradeGroup',
          key: { id: tradeGroupId },
        });
      }
    },

    async get(tradeGroupId: string, slaveAccount: string): Promise<MemberDto | null> {
      const row = await client.tradeGroupMember.findUnique({
        where: where(tradeGroupId, slaveAccount),
        select: memberSelect,
      });
      return row && toMemberDto(row);
    },

    /** The group's members in byte order of the slave account. */
    async listByGroup(tradeGroupId: string): Promise<MemberDto[]> {
      const rows = await client.tradeGroupMember.findMany({
        where: { tradeGroupId },
        select: memberSelect,
      });
      return rows.map(toMemberDto).sort(bySlave);
    },

    /** Every membership of a slave account, in byte order of the group (master) id. */
    async listBySlave(slaveAccount: string): Promise<MemberDto[]> {
      const rows = await client.tradeGroupMember.findMany({
        where: { slaveAccount },
        select: memberSelect,
      });
      return rows.map(toMemberDto).sort(byGroupThenSlave);
    },

    /** All members, by (group, slave) in byte order: the relay's start-up load. */
    async listAll(): Promise<MemberDto[]> {
      const rows = await client.tradeGroupMember.findMany({ select: memberSelect });
      return rows.map(toMemberDto).sort(byGroupThenSlave);
    },

    /**
     * Like listAll, but a row whose settings do not validate (e.g. edited by hand) is reported instead of failing
     * the whole load, so one bad row cannot keep the relay from starting.
     */
    async listAllReadable(): Promise<{ members: MemberDto[]; unreadable: UnreadableMemberRow[] }> {
      return readTolerantly(await client.tradeGroupMember.findMany({ select: memberSelect }));
    },

    /** Like listByGroup, but unreadable rows are reported instead of failing the group (the relay's reload). */
    async listByGroupReadable(
      tradeGroupId: string,
    ): Promise<{ members: MemberDto[]; unreadable: UnreadableMemberRow[] }> {
      return readTolerantly(
        await client.tradeGroupMember.findMany({ where: { tradeGroupId }, select: memberSelect }),
      );
    },

    /**
     * Every link as (group, slave) in byte order, without reading settings: the link graph the API checks for
     * copy cycles and id prefixes (docs/protocol.md D16), which an unreadable row must not hide.
     */
    async listLinks(): Promise<{ tradeGroupId: string; slaveAccount: string }[]> {
      const rows = await client.tradeGroupMember.findMany({
        select: { tradeGroupId: true, slaveAccount: true },
      });
      return rows.sort(
        (a, b) => compareUtf8(a.tradeGroupId, b.tradeGroupId) || compareUtf8(a.slaveAccount, b.slaveAccount),
      );
    },

    /** Replaces the settings and bumps configVersion. NotFound if missing. */
    updateSettings(
      tradeGroupId: string,
      slaveAccount: string,
      slaveSettings: SlaveSettingsInput,
    ): Promise<MemberDto> {
      return update(tradeGroupId, slaveAccount, {
        slaveSettings: storedSlaveSettings(slaveSettings),
      });
    },

    /** Sets `enabled` and bumps configVersion (also when the value does not change). NotFound if missing. */
    setEnabled(tradeGroupId: string, slaveAccount: string, enabled: boolean): Promise<MemberDto> {
      return update(tradeGroupId, slaveAccount, { enabled });
    },

    /** Deletes the member, also one whose stored settings do not validate. NotFound if missing. */
    async delete(tradeGroupId: string, slaveAccount: string): Promise<void> {
      try {
        await client.tradeGroupMember.delete({
          where: where(tradeGroupId, slaveAccount),
          select: { id: true },
        });
      } catch (err) {
        translatePrismaError(err, 'TradeGroupMember', key(tradeGroupId, slaveAccount));
      }
    },

    async countByGroup(tradeGroupId: string): Promise<number> {
      return client.tradeGroupMember.count({ where: { tradeGroupId } });
    },

    /**
     * Persists the runtime status (relay only, D2). Leaves configVersion alone. Returns false when the member
     * no longer exists (deleted meanwhile), which the relay can ignore.
     */
    async setStatus(tradeGroupId: string, slaveAccount: string, status: number): Promise<boolean> {
      const { count } = await client.tradeGroupMember.updateMany({
        where: { tradeGroupId, slaveAccount },
        data: { status },
      });
      return count > 0;
    },

    /** Bulk status change, e.g. "master offline": status 2 → 1 for the whole group. Returns the row count. */
    async setGroupStatus(tradeGroupId: string, from: number, to: number): Promise<number> {
      const { count } = await client.tradeGroupMember.updateMany({
        where: { tradeGroupId, status: from },
        data: { status: to },
      });
      return count;
    },
  };
}

export type MemberRepository = ReturnType<typeof createMemberRepository>;
