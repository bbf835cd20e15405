// What the relay needs from the database: a load at start, outbox rows, fresh rows after a change, and
// runtime status writes. Implemented over packages/db in db-storage.ts; nothing on the signal path calls it.
import type { AccountRiskDto } from '@sankey/db/repositories/account-risk';
import type { EquityGuard } from '@sankey/shared/domain/risk';
import type { GlobalSettings } from '@sankey/shared/domain/settings';
import type { AliasRow as MemberAliasRow } from '../core/isolation';
import type { DeliveredSeqStore } from '../ledger/delivered-seq';
import type { LedgerStore } from '../ledger/ledger';
import type { GroupState, MemberState } from '../state/groups';

export interface OutboxRow {
  id: number;
  kind: string;
  tradeGroupId: string | null;
  slaveAccount: string | null;
  payload: unknown;
  createdAt: Date;
}

/** One journaled inbound trade signal (camelCase payload: the signal and what the copy engine decided). */
export interface JournalEntry {
  masterAccount: string;
  seq: number;
  receivedAt: Date;
  action: string;
  /** Decimal string (exact 64-bit). */
  ticket: string;
  symbol: string | null;
  payload: { signal: Record<string, string | number>; accepted: number; filtered: Record<string, number> };
}

/** Cluster mode: one relay's filter reasons for its own slaves on a signal journalled by the master's relay. */
export interface JournalAnnexEntry {
  masterAccount: string;
  /** The master relay's journal sequence number of the signal. */
  seq: number;
  relayId: string;
  receivedAt: Date;
  /** Slave account → filter reason. */
  filteredBy: Record<string, string>;
}

/** A dead letter as stored (docs/protocol.md D20). */
export interface StoredDeadLetter {
  topic: string;
  payload: Uint8Array;
  reason: string;
  attempts: number;
  firstAttemptAt: Date;
  lastAttemptAt: Date;
  destination: string;
  masterAccount: string | null;
  ticket: string | null;
  action: string | null;
}

/** A parked copy as stored (docs/protocol.md D19). */
export interface StoredParkedFrame {
  key: string;
  masterAccount: string;
  slaveAccount: string;
  parkSeq: number;
  action: string;
  ticket: string;
  payload: Uint8Array;
  parkedAt: Date;
  expiresAt: Date;
}

export interface RelayStorage extends LedgerStore, DeliveredSeqStore {
  /** Everything at start; members whose stored settings do not validate are listed in `unreadable`. */
  loadAll(): Promise<{
    groups: GroupState[];
    members: MemberState[];
    settings: GlobalSettings;
    unreadable: { tradeGroupId: string; slaveAccount: string; error: string }[];
  }>;
  loadGroup(id: string): Promise<{ group: GroupState; members: MemberState[] } | null>;
  loadMember(tradeGroupId: string, slaveAccount: string): Promise<MemberState | null>;
  loadGlobalSettings(): Promise<GlobalSettings>;
  /** Unprocessed rows with id > afterId, in id order. */
  pendingOutbox(afterId: number, limit: number): Promise<OutboxRow[]>;
  /** Every row with id > afterId, processed or not, in id order (cluster mode: a cursor per relay). */
  outboxAfter(afterId: number, limit: number): Promise<OutboxRow[]>;
  /** The highest outbox id committed so far (0 when none): rows up to it are reflected in a later loadAll. */
  latestOutboxId(): Promise<number>;
  /** Marks the row processed and its change-history entry applied or discarded, in one transaction. */
  settleOutbox(id: number, outcome: { state: 'applied' | 'discarded'; attempts: number }): Promise<void>;
  /** Start-up: every unprocessed row up to `upToId` is processed and its history entry applied. */
  settleOutboxBacklog(upToId: number): Promise<number>;
  /** The row failed past its retry bound: its history entry says so (the row stays unprocessed). */
  recordOutboxFailure(id: number, attempts: number, error: string): Promise<void>;
  /** Deletes rows processed before `before` with an id up to `upToId` (docs/database.md, Outbox retention). */
  purgeOutbox(before: Date, upToId: number): Promise<number>;
  /** Age in seconds of the oldest unprocessed row, 0 when none. */
  outboxLagSeconds(): Promise<number>;
  writeMemberStatus(tradeGroupId: string, slaveAccount: string, status: number): Promise<void>;
  /** The highest journaled sequence number per master (to resume sequencing after a restart). */
  journalLastSeqs(): Promise<Map<string, number>>;
  /** Cluster mode: one master's entries above `afterSeq`, lowest first (signals a stop left unpublished). */
  journalAfter(masterAccount: string, afterSeq: number, limit: number): Promise<JournalEntry[]>;
  appendJournal(entries: JournalEntry[]): Promise<void>;
  recentSignals(q: { masterAccount?: string; limit?: number }): Promise<(JournalEntry & { id: number })[]>;
  /** Cluster mode: annex rows (a repeated signal and relay is skipped). */
  appendJournalAnnex(rows: JournalAnnexEntry[]): Promise<void>;
  /** Deletes journal entries and annex rows received before `before`. */
  pruneJournal(before: Date): Promise<number>;
  /** Whether the journal holds a Close of `ticket` from `masterAccount` (the retry rule of D20). */
  journalHasClose(masterAccount: string, ticket: string): Promise<boolean>;
  addDeadLetters(rows: StoredDeadLetter[]): Promise<void>;
  listDeadLetters(q: {
    reason?: string;
    destination?: string;
    limit?: number;
    beforeId?: number;
  }): Promise<(StoredDeadLetter & { id: number })[]>;
  getDeadLetter(id: number): Promise<(StoredDeadLetter & { id: number }) | null>;
  deleteDeadLetter(id: number): Promise<boolean>;
  touchDeadLetter(id: number, at: Date): Promise<void>;
  purgeDeadLetters(before: Date): Promise<number>;
  countDeadLetters(destination?: string): Promise<number>;
  /** Dead letters per reason and per destination EA (the operator's summaries, docs/api.md). */
  deadLetterCounts(): Promise<{ byReason: Record<string, number>; byDestination: Record<string, number> }>;
  /** The EA blocklist (docs/api.md, blocklist). */
  listBlocked(): Promise<{ accountId: string; reason: string; blockedAt: Date }[]>;
  block(accountId: string, reason: string, at: Date): Promise<void>;
  unblock(accountId: string): Promise<boolean>;
  /** Per-account risk state (docs/risk-controls.md): equity guards with their day and trip, master close-only. */
  loadAccountRisk(): Promise<AccountRiskDto[]>;
  setEquityGuard(accountId: string, guard: EquityGuard | null): Promise<void>;
  saveGuardDayStart(accountId: string, day: string, equity: number | null): Promise<void>;
  saveGuardTrip(accountId: string, tripped: AccountRiskDto['tripped']): Promise<void>;
  setMasterCloseOnly(accountId: string, on: boolean): Promise<void>;
  loadParked(): Promise<StoredParkedFrame[]>;
  /** The alias table of isolated delivery (docs/protocol.md D23). */
  loadAliases(): Promise<MemberAliasRow[]>;
  addAlias(row: MemberAliasRow): Promise<void>;
  addParked(rows: StoredParkedFrame[]): Promise<void>;
  removeParked(keys: string[]): Promise<void>;
  close(): Promise<void>;
}
