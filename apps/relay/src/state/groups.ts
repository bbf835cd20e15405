// In-memory cache of trade groups and members (D1): the trade-signal path reads only this, never the DB.
// The DB is the source of truth for settings; `status` here is the relay-owned runtime member status (D2).

import { compareUtf8 } from '@sankey/shared/domain/byte-order';
import type { DeliveryMode } from '@sankey/shared/domain/delivery';
import type { SlaveSettings } from '@sankey/shared/domain/settings';

export interface GroupState {
  id: string;
  enabled: boolean;
  symbolPrefix: string | null;
  symbolSuffix: string | null;
  configVersion: number;
  /** docs/protocol.md D23; absent = shared. */
  delivery?: DeliveryMode;
  createdAt: Date;
  updatedAt: Date;
}

export interface MemberState {
  id: number;
  tradeGroupId: string;
  slaveAccount: string;
  enabled: boolean;
  /** Runtime member status 0/1/2: what the copy gate reads; written to the DB only when it changes. */
  status: number;
  settings: SlaveSettings;
  createdAt: Date;
  updatedAt: Date;
}

const memberKey = (masterId: string, slaveAccount: string) => `${masterId}\u0000${slaveAccount}`;

export class GroupStore {
  private readonly groups = new Map<string, GroupState>();
  /** Members of each group, kept sorted by slave account byte order. */
  private readonly members = new Map<string, MemberState[]>();
  /** slave account → master ids it is a member of. */
  private readonly bySlave = new Map<string, Set<string>>();
  /** (master, slave) → member: lookups without scanning the group's list (1,000-member groups). */
  private readonly byKey = new Map<string, MemberState>();

  getGroup(id: string): GroupState | undefined {
    return this.groups.get(id);
  }

  allGroups(): GroupState[] {
    return [...this.groups.values()];
  }

  /** Members of a master, in byte order of slave account. */
  membersOf(masterId: string): readonly MemberState[] {
    return this.members.get(masterId) ?? [];
  }

  getMember(masterId: string, slaveAccount: string): MemberState | undefined {
    return this.byKey.get(memberKey(masterId, slaveAccount));
  }

  /** Whether a trade group names the account, as its master or as a member. */
  isLinked(accountId: string): boolean {
    return this.groups.has(accountId) || (this.bySlave.get(accountId)?.size ?? 0) > 0;
  }

  /** Memberships of a slave, ordered by master id (byte order). */
  membershipsOf(slaveAccount: string): MemberState[] {
    const linked = this.bySlave.get(slaveAccount);
    // Most heartbeats come from accounts with no or one membership: no copy, no sort.
    if (!linked || linked.size === 0) return [];
    const masters = linked.size === 1 ? [...linked] : [...linked].sort(compareUtf8);
    const out: MemberState[] = [];
    for (const m of masters) {
      const member = this.getMember(m, slaveAccount);
      if (member) out.push(member);
    }
    return out;
  }

  allMembers(): MemberState[] {
    return [...this.members.values()].flat();
  }

  putGroup(group: GroupState): void {
    this.groups.set(group.id, group);
    if (!this.members.has(group.id)) this.members.set(group.id, []);
  }

  /** Replaces the group's member list (e.g. after reloading it from the DB). */
  setMembers(masterId: string, members: MemberState[]): void {
    for (const old of this.membersOf(masterId)) {
      this.bySlave.get(old.slaveAccount)?.delete(masterId);
      this.byKey.delete(memberKey(masterId, old.slaveAccount));
    }
    const sorted = [...members].sort((a, b) => compareUtf8(a.slaveAccount, b.slaveAccount));
    this.members.set(masterId, sorted);
    for (const m of sorted) this.indexSlave(m, masterId);
  }

  putMember(member: MemberState): void {
    const list = this.members.get(member.tradeGroupId) ?? [];
    const i = list.findIndex((m) => m.slaveAccount === member.slaveAccount);
    if (i >= 0) list[i] = member;
    else {
      list.push(member);
      list.sort((a, b) => compareUtf8(a.slaveAccount, b.slaveAccount));
    }
    this.members.set(member.tradeGroupId, list);
    this.indexSlave(member, member.tradeGroupId);
  }

  removeMember(masterId: string, slaveAccount: string): MemberState | undefined {
    const list = this.members.get(masterId);
    if (!list) return undefined;
    const i = list.findIndex((m) => m.slaveAccount === slaveAccount);
    if (i < 0) return undefined;
    const [removed] = list.splice(i, 1);
    this.bySlave.get(slaveAccount)?.delete(masterId);
    this.byKey.delete(memberKey(masterId, slaveAccount));
    return removed;
  }

  removeGroup(masterId: string): MemberState[] {
    const list = this.members.get(masterId) ?? [];
    for (const m of list) {
      this.bySlave.get(m.slaveAccount)?.delete(masterId);
      this.byKey.delete(memberKey(masterId, m.slaveAccount));
    }
    this.members.delete(masterId);
    this.groups.delete(masterId);
    return list;
  }

  private indexSlave(member: MemberState, masterId: string): void {
    const slave = member.slaveAccount;
    this.byKey.set(memberKey(masterId, slave), member);
    let set = this.bySlave.get(slave);
    if (!set) {
      set = new Set();
      this.bySlave.set(slave, set);
    }
    set.add(masterId);
  }
}
