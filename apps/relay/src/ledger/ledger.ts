// The delivery ledger (docs/protocol.md D15): per member (master, slave) and master ticket, what the relay did with
// the copy — sent, closed, parked, dead-lettered. The signal path reads and updates it in memory (no I/O); changes
// are written in batches off the signal path, deduplicated per ticket, and the open set is rebuilt from the
// database at start. Bounded: closed tickets leave memory at once, open ones when their retention ends, and if
// the database stalls the unwritten changes are capped (the oldest dropped and counted; memory stays right).
import type { Logger } from '../core/ports';
import { noPersistenceHealth, type PersistenceHealth } from '../storage-health/health';

export type LedgerState = 'sent' | 'closed' | 'parked' | 'dead_lettered';

export interface LedgerEntry {
  masterAccount: string;
  slaveAccount: string;
  /** The master's ticket as a decimal string (exact over the full 64-bit range). */
  ticket: string;
  state: LedgerState;
  symbol: string | null;
  lots: number | null;
  openedAt: Date;
  updatedAt: Date;
}

/** What the ledger needs from the database. */
export interface LedgerStore {
  loadOpenLedger(): Promise<LedgerEntry[]>;
  writeLedger(entries: LedgerEntry[]): Promise<void>;
  pruneLedger(before: Date): Promise<number>;
}

export interface LedgerOptions {
  flushEveryMs: number;
  maxPending: number;
  retentionDays: number;
}

const keyOf = (master: string, slave: string, ticket: string) => `${master}\u0000${slave}\u0000${ticket}`;
const ticketKey = (ticket: number | bigint) => String(ticket);

export class DeliveryLedger {
  /** Tickets copied and not yet closed, by member and ticket. */
  private readonly open = new Map<string, LedgerEntry>();
  /** Open copies per member (master, slave). */
  private readonly openPerMember = new Map<string, Map<string, number>>();
  /** Changes not yet written, last one per ticket. */
  private pending = new Map<string, LedgerEntry>();
  /** Entries of the batch being written. */
  private writing = 0;
  private timer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  /** The last instant handed out and its Date: the copies of one signal share it (entries never mutate a Date). */
  private lastMs = Number.NaN;
  private lastDate = new Date(0);
  dropped = 0;

  constructor(
    private readonly store: LedgerStore,
    private readonly nowMs: () => number,
    private readonly log: Logger,
    private readonly opts: LedgerOptions = { flushEveryMs: 250, maxPending: 100_000, retentionDays: 30 },
    private readonly health: PersistenceHealth = noPersistenceHealth(),
  ) {}

  /** Rebuilds the open set from the database (start-up). */
  async load(): Promise<number> {
    const rows = await this.store.loadOpenLedger();
    for (const r of rows) this.setOpen(keyOf(r.masterAccount, r.slaveAccount, r.ticket), r);
    return rows.length;
  }

  start(): void {
    this.timer = setInterval(() => {
      if (this.pending.size > 0 && !this.flushing && this.health.mayTry('ledger')) void this.flush();
    }, this.opts.flushEveryMs);
    const prune = () => void this.prune();
    prune();
    this.pruneTimer = setInterval(prune, 3_600_000);
  }

  isOpen(master: string, slave: string, ticket: number | bigint): boolean {
    return this.open.has(keyOf(master, slave, ticketKey(ticket)));
  }

  /** How many copies of this member are open (risk controls, views): kept as a count, read on the signal path. */
  openCount(master: string, slave: string): number {
    return this.openPerMember.get(master)?.get(slave) ?? 0;
  }

  /** The member's open copies (closeAll, an operator action: a scan of the open set, never on the signal path). */
  openTickets(master: string, slave: string): { ticket: string; symbol: string | null }[] {
    if (this.openCount(master, slave) === 0) return [];
    const out: { ticket: string; symbol: string | null }[] = [];
    for (const e of this.open.values())
      if (e.masterAccount === master && e.slaveAccount === slave)
        out.push({ ticket: e.ticket, symbol: e.symbol });
    return out;
  }

  private setOpen(key: string, entry: LedgerEntry): void {
    const size = this.open.size;
    this.open.set(key, entry);
    if (this.open.size > size) this.countMember(entry, 1);
  }

  private deleteOpen(key: string): void {
    const entry = this.open.get(key);
    if (!entry) return;
    this.open.delete(key);
    this.countMember(entry, -1);
  }

  /** Now as a Date, one object per millisecond: a signal's copies are dated by the same one. */
  private now(): Date {
    const ms = this.nowMs();
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastDate = new Date(ms);
    }
    return this.lastDate;
  }

  /** By master, then slave: no key is built per copy (the ids are the engine's own strings). */
  private countMember(e: LedgerEntry, by: 1 | -1): void {
    let slaves = this.openPerMember.get(e.masterAccount);
    if (!slaves) {
      slaves = new Map();
      this.openPerMember.set(e.masterAccount, slaves);
    }
    const n = (slaves.get(e.slaveAccount) ?? 0) + by;
    if (n > 0) slaves.set(e.slaveAccount, n);
    else if (slaves.delete(e.slaveAccount) && slaves.size === 0) this.openPerMember.delete(e.masterAccount);
  }

  /** An Open was copied to the slave. */
  sent(
    master: string,
    slave: string,
    ticket: number | bigint,
    symbol: string | null,
    lots: number | null,
  ): void {
    const now = this.now();
    const t = ticketKey(ticket);
    const entry: LedgerEntry = {
      masterAccount: master,
      slaveAccount: slave,
      ticket: t,
      state: 'sent',
      symbol,
      lots,
      openedAt: now,
      updatedAt: now,
    };
    const key = keyOf(master, slave, t);
    this.setOpen(key, entry);
    this.enqueue(key, entry);
  }

  /** An Open parked for a slave that is not listening: the ticket is the slave's from now on. */
  parked(
    master: string,
    slave: string,
    ticket: number | bigint,
    symbol: string | null,
    lots: number | null,
  ): void {
    this.sent(master, slave, ticket, symbol, lots);
    this.setState(master, slave, ticket, 'parked');
  }

  released(master: string, slave: string, ticket: number | bigint): void {
    this.setState(master, slave, ticket, 'sent');
  }

  /** A parked Open that could not be delivered: it leaves the open set, the row says why. */
  deadLettered(master: string, slave: string, ticket: number | bigint): void {
    const key = keyOf(master, slave, ticketKey(ticket));
    const entry = this.open.get(key);
    if (!entry) return;
    this.deleteOpen(key);
    this.enqueue(key, { ...entry, state: 'dead_lettered', updatedAt: this.now() });
  }

  private setState(master: string, slave: string, ticket: number | bigint, state: LedgerState): void {
    const key = keyOf(master, slave, ticketKey(ticket));
    const entry = this.open.get(key);
    if (!entry || entry.state === state) return;
    entry.state = state;
    entry.updatedAt = this.now();
    this.enqueue(key, { ...entry });
  }

  /** A full Close for a ticket the slave held: it leaves the open set. Returns whether it was open. */
  closed(master: string, slave: string, ticket: number | bigint): boolean {
    const key = keyOf(master, slave, ticketKey(ticket));
    const entry = this.open.get(key);
    if (!entry) return false;
    this.open.delete(key);
    this.countMember(entry, -1);
    this.enqueue(key, { ...entry, state: 'closed', updatedAt: this.now() });
    return true;
  }

  private enqueue(key: string, entry: LedgerEntry): void {
    this.pending.delete(key);
    this.pending.set(key, entry);
    if (this.pending.size > this.opts.maxPending) {
      // Evict a tenth at once: one pass over the oldest keys, instead of a scan past ever more deleted entries per
      // insert (Map iteration skips deletions one by one until the table rehashes).
      const excess = this.pending.size - Math.floor(this.opts.maxPending * 0.9);
      let n = 0;
      for (const k of this.pending.keys()) {
        if (n++ >= excess) break;
        this.pending.delete(k);
      }
      this.dropped += excess;
    }
  }

  /** Writes what is pending; on failure the batch is kept (unless newer changes replaced it) for the next try. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async write(): Promise<void> {
    try {
      await this.writeBatches();
    } finally {
      this.writing = 0;
    }
  }

  private async writeBatches(): Promise<void> {
    while (this.pending.size > 0) {
      // The oldest 500, taken off the front (not a copy of everything pending per batch).
      const batch: LedgerEntry[] = [];
      for (const [k, e] of this.pending) {
        batch.push(e);
        this.pending.delete(k);
        if (batch.length === 500) break;
      }
      this.writing = batch.length;
      try {
        await this.store.writeLedger(batch);
        this.health.succeeded('ledger');
      } catch (err) {
        const newer = this.pending;
        this.pending = new Map();
        for (const e of batch) this.pending.set(keyOf(e.masterAccount, e.slaveAccount, e.ticket), e);
        for (const [k, e] of newer) {
          this.pending.delete(k);
          this.pending.set(k, e);
        }
        if (!this.health.failed('ledger', err)) {
          this.log.warn({ err, entries: batch.length }, 'ledger write failed; will retry');
        }
        return;
      }
    }
  }

  /** Forgets what is older than the retention: closed rows in the database, stale open tickets everywhere. */
  private async prune(): Promise<void> {
    const before = this.nowMs() - this.opts.retentionDays * 86_400_000;
    for (const [k, e] of [...this.open]) if (e.updatedAt.getTime() < before) this.deleteOpen(k);
    await this.store
      .pruneLedger(new Date(before))
      .catch((err: unknown) => this.log.warn({ err }, 'ledger pruning failed'));
  }

  /** Changes not yet written (what a shutdown deadline leaves behind). */
  get unwritten(): number {
    return this.pending.size + this.writing;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await this.flush();
  }
}
