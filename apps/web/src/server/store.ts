// The persistence port the services use: the subset of packages/db's repositories they need, without the
// transaction argument. `transaction(fn)` hands `fn` repositories bound to one DB transaction, so a change and
// its outbox row commit together. The Prisma adapter below is the only place that touches packages/db's client;
// tests use the in-memory fake in src/testing/fake-store.ts.
import { type Db, type DbTx, withTransaction } from '@sankey/db/client';
import { type AdminSessionDto, createAdminRepository } from '@sankey/db/repositories/admin';
import { createGlobalSettingsRepository } from '@sankey/db/repositories/global-settings';
import { createMemberRepository, type MemberDto, type NewMember } from '@sankey/db/repositories/members';
import { createOutboxRepository, type NewOutboxEntry, type OutboxDto } from '@sankey/db/repositories/outbox';
import {
  createTradeGroupRepository,
  type NewTradeGroup,
  type TradeGroupDto,
} from '@sankey/db/repositories/trade-groups';
import type {
  GlobalSettings,
  GlobalSettingsUpdate,
  SlaveSettingsInput,
} from '@sankey/shared/domain/settings';

export type {
  AdminSessionDto,
  MemberDto,
  NewMember,
  NewOutboxEntry,
  NewTradeGroup,
  OutboxDto,
  TradeGroupDto,
};

export interface TradeGroupsPort {
  create(input: NewTradeGroup): Promise<{ group: TradeGroupDto; members: MemberDto[] }>;
  get(id: string): Promise<TradeGroupDto | null>;
  list(): Promise<TradeGroupDto[]>;
  updateAffixes(
    id: string,
    affixes: { symbolPrefix?: string | null; symbolSuffix?: string | null },
  ): Promise<TradeGroupDto>;
  setEnabled(id: string, enabled: boolean): Promise<TradeGroupDto>;
  delete(id: string): Promise<{ group: TradeGroupDto; slaveAccounts: string[] }>;
}

export interface MembersPort {
  add(tradeGroupId: string, member: NewMember): Promise<MemberDto>;
  get(tradeGroupId: string, slaveAccount: string): Promise<MemberDto | null>;
  listByGroup(tradeGroupId: string): Promise<MemberDto[]>;
  updateSettings(
    tradeGroupId: string,
    slaveAccount: string,
    settings: SlaveSettingsInput,
  ): Promise<MemberDto>;
  setEnabled(tradeGroupId: string, slaveAccount: string, enabled: boolean): Promise<MemberDto>;
  delete(tradeGroupId: string, slaveAccount: string): Promise<MemberDto>;
  countByGroup(tradeGroupId: string): Promise<number>;
}

export interface OutboxPort {
  append(entry: NewOutboxEntry): Promise<OutboxDto>;
}

export interface GlobalSettingsPort {
  get(): Promise<GlobalSettings>;
  update(patch: GlobalSettingsUpdate): Promise<GlobalSettings>;
}

export interface AdminPort {
  getPasswordHash(): Promise<string | null>;
  setPasswordHash(hash: string): Promise<void>;
  createSession(session: { id: string; expiresAt: Date; createdAt?: Date }): Promise<AdminSessionDto>;
  getSession(id: string, now: Date): Promise<AdminSessionDto | null>;
  deleteSession(id: string): Promise<boolean>;
  deleteAllSessions(): Promise<number>;
  /** Deletes every session but `keepId`; returns the deleted ids. */
  deleteOtherSessions(keepId: string | null): Promise<string[]>;
  deleteExpiredSessions(now: Date): Promise<number>;
}

export interface Repos {
  tradeGroups: TradeGroupsPort;
  members: MembersPort;
  outbox: OutboxPort;
  globalSettings: GlobalSettingsPort;
  admin: AdminPort;
}

export interface Store extends Repos {
  /** Runs `fn` in one transaction: commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (repos: Repos) => Promise<T>): Promise<T>;
}

type Bound<R> = {
  [K in keyof R]: R[K] extends (...args: infer A) => infer T ? (...args: A) => T : never;
};

/** The repositories of packages/db, all bound to `tx` when given. */
function reposOf(db: Db, tx?: DbTx): Repos {
  const tradeGroups = createTradeGroupRepository(db);
  const members = createMemberRepository(db);
  const outbox = createOutboxRepository(db);
  const globalSettings = createGlobalSettingsRepository(db);
  const admin = createAdminRepository(db);
  const tradeGroupsPort: Bound<TradeGroupsPort> = {
    create: (input) => tradeGroups.create(input, tx),
    get: (id) => tradeGroups.get(id, tx),
    list: () => tradeGroups.list(tx),
    updateAffixes: (id, affixes) => tradeGroups.updateAffixes(id, affixes, tx),
    setEnabled: (id, enabled) => tradeGroups.setEnabled(id, enabled, tx),
    delete: (id) => tradeGroups.delete(id, tx),
  };
  const membersPort: Bound<MembersPort> = {
    add: (g, m) => members.add(g, m, tx),
    get: (g, s) => members.get(g, s, tx),
    listByGroup: (g) => members.listByGroup(g, tx),
    updateSettings: (g, s, settings) => members.updateSettings(g, s, settings, tx),
    setEnabled: (g, s, enabled) => members.setEnabled(g, s, enabled, tx),
    delete: (g, s) => members.delete(g, s, tx),
    countByGroup: (g) => members.countByGroup(g, tx),
  };
  return {
    tradeGroups: tradeGroupsPort,
    members: membersPort,
    outbox: { append: (entry) => outbox.append(entry, tx) },
    globalSettings: {
      get: () => globalSettings.get(tx),
      update: (patch) => globalSettings.update(patch, tx),
    },
    admin: {
      getPasswordHash: () => admin.getPasswordHash(tx),
      setPasswordHash: (hash) => admin.setPasswordHash(hash, tx),
      createSession: (s) => admin.createSession(s, tx),
      getSession: (id, now) => admin.getSession(id, now, tx),
      deleteSession: (id) => admin.deleteSession(id, tx),
      deleteAllSessions: () => admin.deleteAllSessions(tx),
      deleteOtherSessions: (keepId) => admin.deleteOtherSessions(keepId, tx),
      deleteExpiredSessions: (now) => admin.deleteExpiredSessions(now, tx),
    },
  };
}

export function createPrismaStore(db: Db): Store {
  return { ...reposOf(db), transaction: (fn) => withTransaction(db, (tx) => fn(reposOf(db, tx))) };
}
