// All repositories over one client, for apps that want them together (`createRepositories(db)`).
import type { Db } from '../client';
import { createAdminRepository } from './admin';
import { createDeadLetterRepository } from './dead-letters';
import { createGlobalSettingsRepository } from './global-settings';
import { createMemberRepository } from './members';
import { createOutboxRepository } from './outbox';
import { createSignalJournalRepository } from './signal-journal';
import { createTradeGroupRepository } from './trade-groups';

export function createRepositories(db: Db) {
  return {
    tradeGroups: createTradeGroupRepository(db),
    members: createMemberRepository(db),
    globalSettings: createGlobalSettingsRepository(db),
    outbox: createOutboxRepository(db),
    admin: createAdminRepository(db),
    deadLetters: createDeadLetterRepository(db),
    signalJournal: createSignalJournalRepository(db),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
