// RelayStorage over packages/db: the relay's only database access (start-up load, outbox, status writes).
import type { Db } from '@sankey/db/client';
import { UnreadableMember } from '@sankey/db/errors';
import type { AccountRiskDto } from '@sankey/db/repositories/account-risk';
import {
  createRepositories,
  type Repositories,
  withRepositoriesTransaction,
} from '@sankey/db/repositories/index';
import type { MemberAliasRow } from '@sankey/db/repositories/member-aliases';
import type { MemberDto, UnreadableMemberRow } from '@sankey/db/repositories/members';
import type { JsonObject } from '@sankey/db/repositories/shared';
import type { TradeGroupDto } from '@sankey/db/repositories/trade-groups';
import type { EquityGuard } from '@sankey/shared/domain/risk';
import type { DeliveredSeq } from '../ledger/delivered-seq';
import type { LedgerEntry } from '../ledger/ledger';
import type { GroupState, MemberState } from '../state/groups';
import type {
  JournalAnnexEntry,
  JournalEntry,
  OutboxRow,
  RelayStorage,
  StoredDeadLetter,
  StoredParkedFrame,
} from './storage';

const toGroup = (g: TradeGroupDto): GroupState => ({ ...g });
const toMember = (m: MemberDto): MemberState => ({
  id: m.id,
  tradeGroupId: m.tradeGroupId,
  slaveAccount: m.slaveAccount,
  enabled: m.enabled,
  status: m.status,
  settings: m.slaveSettings,
  createdAt: m.createdAt,
  updatedAt: m.updatedAt,
});

export class DbRelayStorage implements RelayStorage {
  private readonly repos: Repositories;

  /**
   * `onUnreadable` hears of each member left out of a reload because its stored settings do not validate: one
   * bad row must not keep its group's changes from applying (the relay logs it; the web app can overwrite or
   * delete the member).
   */
  constructor(
    private readonly db: Db,
    private readonly onUnreadable: (bad: UnreadableMemberRow) => void = () => {},
  ) {
    this.repos = createRepositories(db);
  }

  async loadAll() {
    const [groups, { members, unreadable }, settings] = await Promise.all([
      this.repos.tradeGroups.list(),
      this.repos.members.listAllReadable(),
      this.repos.globalSettings.get(),
    ]);
    return { groups: groups.map(toGroup), members: members.map(toMember), settings, unreadable };
  }

  async loadGroup(id: string) {
    const group = await this.repos.tradeGroups.get(id);
    if (!group) return null;
    const { members, unreadable } = await this.repos.members.listByGroupReadable(id);
    for (const bad of unreadable) this.onUnreadable(bad);
    return { group: toGroup(group), members: members.map(toMember) };
  }

  /** Null when the member is gone or its stored settings do not validate (then reported, and nothing applies). */
  async loadMember(tradeGroupId: string, slaveAccount: string) {
    try {
      const m = await this.repos.members.get(tradeGroupId, slaveAccount);
      return m ? toMember(m) : null;
    } catch (err) {
      if (!(err instanceof UnreadableMember)) throw err;
      this.onUnreadable({ tradeGroupId, slaveAccount, error: err.message });
      return null;
    }
  }

  loadGlobalSettings() {
    return this.repos.globalSettings.get();
  }

  async pendingOutbox(afterId: number, limit: number): Promise<OutboxRow[]> {
    return this.repos.outbox.pending({ afterId, limit });
  }

  async outboxAfter(afterId: number, limit: number): Promise<OutboxRow[]> {
    return this.repos.outbox.after({ afterId, limit });
  }

  async latestOutboxId(): Promise<number> {
    return this.repos.outbox.latestId();
  }

  async settleOutbox(id: number, outcome: { state: 'applied' | 'discarded'; attempts: number }) {
    await withRepositoriesTransaction(this.db, async (tx) => {
      await tx.outbox.markProcessed(id);
      await tx.changeHistory.record(id, outcome);
    });
  }

  settleOutboxBacklog(upToId: number): Promise<number> {
    return withRepositoriesTransaction(this.db, async (tx) => {
      const ids = await tx.outbox.pendingIdsUpTo(upToId);
      for (const id of ids) {
        await tx.outbox.markProcessed(id);
        await tx.changeHistory.record(id, { state: 'applied', attempts: 0 });
      }
      return ids.length;
    });
  }

  async recordOutboxFailure(id: number, attempts: number, error: string): Promise<void> {
    await this.repos.changeHistory.record(id, { state: 'failed', attempts, error });
  }

  purgeOutbox(before: Date, upToId: number): Promise<number> {
    return this.repos.outbox.purgeProcessedBefore(before, upToId);
  }

  async outboxLagSeconds(): Promise<number> {
    return (await this.repos.outbox.lag()) / 1000;
  }

  async writeMemberStatus(tradeGroupId: string, slaveAccount: string, status: number): Promise<void> {
    await this.repos.members.setStatus(tradeGroupId, slaveAccount, status);
  }

  journalLastSeqs(): Promise<Map<string, number>> {
    return this.repos.signalJournal.lastSeqs();
  }

  async journalAfter(masterAccount: string, afterSeq: number, limit: number): Promise<JournalEntry[]> {
    const rows = await this.repos.signalJournal.listAfter(masterAccount, afterSeq, limit);
    return rows.map((r) => ({ ...r, payload: r.payload as unknown as JournalEntry['payload'] }));
  }

  async appendJournal(entries: JournalEntry[]): Promise<void> {
    await this.repos.signalJournal.appendBatch(
      entries.map((e) => ({ ...e, payload: e.payload as unknown as JsonObject })),
    );
  }

  async recentSignals(q: { masterAccount?: string; limit?: number }) {
    const rows = await this.repos.signalJournal.listRecent(q);
    return rows.map((r) => ({ ...r, payload: r.payload as unknown as JournalEntry['payload'] }));
  }

  appendJournalAnnex(rows: JournalAnnexEntry[]): Promise<void> {
    return this.repos.signalAnnex.appendBatch(rows);
  }

  async pruneJournal(before: Date): Promise<number> {
    await this.repos.signalAnnex.pruneOlderThan(before);
    return this.repos.signalJournal.pruneOlderThan(before);
  }

  journalHasClose(masterAccount: string, ticket: string): Promise<boolean> {
    return this.repos.signalJournal.hasClose(masterAccount, ticket);
  }

  async addDeadLetters(rows: StoredDeadLetter[]): Promise<void> {
    await this.repos.deadLetters.addMany(rows);
  }

  listDeadLetters(q: { reason?: string; destination?: string; limit?: number; beforeId?: number }) {
    return this.repos.deadLetters.list(q);
  }

  getDeadLetter(id: number) {
    return this.repos.deadLetters.get(id);
  }

  deleteDeadLetter(id: number): Promise<boolean> {
    return this.repos.deadLetters.delete(id);
  }

  touchDeadLetter(id: number, at: Date): Promise<void> {
    return this.repos.deadLetters.touch(id, at);
  }

  purgeDeadLetters(before: Date): Promise<number> {
    return this.repos.deadLetters.purgeOlderThan(before);
  }

  countDeadLetters(destination?: string): Promise<number> {
    return this.repos.deadLetters.count(destination === undefined ? {} : { destination });
  }

  async deadLetterCounts() {
    const [byReason, byDestination] = await Promise.all([
      this.repos.deadLetters.countByReason(),
      this.repos.deadLetters.countByDestination(),
    ]);
    return { byReason, byDestination };
  }

  listBlocked() {
    return this.repos.blocklist.list();
  }

  async block(accountId: string, reason: string, at: Date): Promise<void> {
    await this.repos.blocklist.block(accountId, reason, at);
  }

  unblock(accountId: string): Promise<boolean> {
    return this.repos.blocklist.unblock(accountId);
  }

  loadAccountRisk() {
    return this.repos.accountRisk.list();
  }

  setEquityGuard(accountId: string, guard: EquityGuard | null): Promise<void> {
    return this.repos.accountRisk.setGuard(accountId, guard);
  }

  saveGuardDayStart(accountId: string, day: string, equity: number | null): Promise<void> {
    return this.repos.accountRisk.saveDayStart(accountId, day, equity);
  }

  saveGuardTrip(accountId: string, tripped: AccountRiskDto['tripped']): Promise<void> {
    return this.repos.accountRisk.saveTrip(accountId, tripped);
  }

  setMasterCloseOnly(accountId: string, on: boolean): Promise<void> {
    return this.repos.accountRisk.setMasterCloseOnly(accountId, on);
  }

  loadParked(): Promise<StoredParkedFrame[]> {
    return this.repos.parkedFrames.listAll();
  }

  loadAliases(): Promise<MemberAliasRow[]> {
    return this.repos.memberAliases.list();
  }

  addAlias(row: MemberAliasRow): Promise<void> {
    return this.repos.memberAliases.add(row);
  }

  addParked(rows: StoredParkedFrame[]): Promise<void> {
    return this.repos.parkedFrames.addMany(rows);
  }

  async removeParked(keys: string[]): Promise<void> {
    await this.repos.parkedFrames.deleteKeys(keys);
  }

  loadOpenLedger(): Promise<LedgerEntry[]> {
    return this.repos.deliveryLedger.listOpen();
  }

  writeLedger(entries: LedgerEntry[]): Promise<void> {
    return this.repos.deliveryLedger.upsertMany(entries);
  }

  pruneLedger(before: Date): Promise<number> {
    return this.repos.deliveryLedger.pruneOlderThan(before);
  }

  loadDeliveredSeqs(): Promise<DeliveredSeq[]> {
    return this.repos.deliveryLedger.listDeliveredSeqs();
  }

  raiseDeliveredSeqs(rows: DeliveredSeq[]): Promise<void> {
    return this.repos.deliveryLedger.raiseDeliveredSeqs(rows);
  }

  pruneDeliveredSeqs(before: Date): Promise<number> {
    return this.repos.deliveryLedger.pruneDeliveredSeqs(before);
  }

  close(): Promise<void> {
    return this.db.$disconnect();
  }
}
