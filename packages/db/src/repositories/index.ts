// All repositories over one client — the database or a transaction — for apps that want them together.
import { type Db, type DbClient, type TransactionOptions, withTransaction } from '../client';
import { createAccountRiskRepository } from './account-risk';
import { createAdminRepository } from './admin';
import { createBlocklistRepository } from './blocklist';
import { createChangeHistoryRepository } from './change-history';
import { createDeadLetterRepository } from './dead-letters';
import { createDeliveryLedgerRepository } from './delivery-ledger';
import { createGlobalSettingsRepository } from './global-settings';
import { createMemberAliasRepository } from './member-aliases';
import { createMemberRepository } from './members';
import { createOutboxRepository } from './outbox';
import { createParkedFrameRepository } from './parked-frames';
import { createSignalAnnexRepository } from './signal-annex';
import { createSignalJournalRepository } from './signal-journal';
import { createTradeGroupRepository } from './trade-groups';

/** Every repository over `client`; over a transaction client, every call joins that transaction. */
export function createRepositories(client: DbClient) {
  return {
    tradeGroups: createTradeGroupRepository(client),
    members: createMemberRepository(client),
    globalSettings: createGlobalSettingsRepository(client),
    outbox: createOutboxRepository(client),
    admin: createAdminRepository(client),
    deadLetters: createDeadLetterRepository(client),
    signalJournal: createSignalJournalRepository(client),
    signalAnnex: createSignalAnnexRepository(client),
    deliveryLedger: createDeliveryLedgerRepository(client),
    parkedFrames: createParkedFrameRepository(client),
    changeHistory: createChangeHistoryRepository(client),
    blocklist: createBlocklistRepository(client),
    memberAliases: createMemberAliasRepository(client),
    accountRisk: createAccountRiskRepository(client),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;

/**
 * Runs `fn` with repositories bound to one transaction: commits when it resolves, rolls back when it throws,
 * so a change and its outbox row commit together or not at all.
 */
export function withRepositoriesTransaction<T>(
  db: Db,
  fn: (repos: Repositories) => Promise<T>,
  options?: TransactionOptions,
): Promise<T> {
  return withTransaction(db, (tx) => fn(createRepositories(tx)), options);
}
