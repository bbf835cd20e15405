// The persistence port the services use: a `Pick<>` of packages/db's repositories, so a repository method's
// signature is written once (in packages/db) and the web app only names which methods it uses.
// `transaction(fn)` hands `fn` the same repositories created over one DB transaction, so a change and its
// outbox row commit together. Tests use the in-memory fake in src/testing/fake-store.ts.
import type { Db } from '@sankey/db/client';
import type { AdminSessionDto } from '@sankey/db/repositories/admin';
import {
  createRepositories,
  type Repositories,
  withRepositoriesTransaction,
} from '@sankey/db/repositories/index';
import type { MemberDto, NewMember } from '@sankey/db/repositories/members';
import type { NewOutboxEntry, OutboxDto } from '@sankey/db/repositories/outbox';
import type { NewTradeGroup, TradeGroupDto } from '@sankey/db/repositories/trade-groups';

export type {
  AdminSessionDto,
  MemberDto,
  NewMember,
  NewOutboxEntry,
  NewTradeGroup,
  OutboxDto,
  TradeGroupDto,
};

/** The repository methods the web services use; everything else (relay-only methods) stays out of reach. */
export interface Repos {
  tradeGroups: Pick<
    Repositories['tradeGroups'],
    'create' | 'get' | 'list' | 'updateAffixes' | 'setEnabled' | 'delete' | 'lockForChange'
  >;
  members: Pick<
    Repositories['members'],
    'add' | 'get' | 'listByGroup' | 'listLinks' | 'updateSettings' | 'setEnabled' | 'delete' | 'countByGroup'
  >;
  outbox: Pick<Repositories['outbox'], 'append'>;
  changeHistory: Pick<Repositories['changeHistory'], 'list'>;
  globalSettings: Pick<Repositories['globalSettings'], 'get' | 'update'>;
  admin: Pick<
    Repositories['admin'],
    | 'getPasswordHash'
    | 'setPasswordHash'
    | 'createSession'
    | 'getSession'
    | 'deleteSession'
    | 'deleteAllSessions'
    | 'deleteOtherSessions'
    | 'deleteExpiredSessions'
  >;
}

export interface Store extends Repos {
  /** Runs `fn` in one transaction: commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (repos: Repos) => Promise<T>): Promise<T>;
}

export function createPrismaStore(db: Db): Store {
  return {
    ...createRepositories(db),
    transaction: (fn) => withRepositoriesTransaction(db, fn),
  };
}
