// The trade-signal journal's write side: entries are sequenced on the signal path (in memory, no I/O) and
// written in batches by the database worker (batch-buffer.ts: bounded, retried while the database is down). In
// cluster mode a slave's relay adds annex rows: its filter reasons for another relay's signals.
import type { FilterReason } from '@sankey/shared/protocol/constants';
import type { TradeSignal } from '@sankey/shared/protocol/messages';
import { wireIntToDecimal } from '@sankey/shared/protocol/wire-int';
import type { Logger } from '../core/ports';
import type { JournalAnnexEntry, JournalEntry, RelayStorage } from '../outbox/storage';
import { noPersistenceHealth, type PersistenceHealth } from '../storage-health/health';
import { BatchBuffer } from './batch-buffer';
import { SignalSequencer } from './sequencer';

export interface JournalOptions {
  flushEveryMs: number;
  maxBuffered: number;
  retentionDays: number;
}

export class SignalJournal {
  private readonly entries: BatchBuffer<JournalEntry>;
  /** Cluster mode: this relay's filter reasons for its own slaves on other relays' signals (docs/cluster.md). */
  private readonly annexRows: BatchBuffer<JournalAnnexEntry>;
  private pruneTimer: NodeJS.Timeout | null = null;
  private readonly sequencer: SignalSequencer;

  constructor(
    private readonly storage: RelayStorage,
    resumeFrom: ReadonlyMap<string, number>,
    private readonly nowMs: () => number,
    private readonly log: Logger,
    private readonly opts: JournalOptions = { flushEveryMs: 250, maxBuffered: 10_000, retentionDays: 30 },
    health: PersistenceHealth = noPersistenceHealth(),
  ) {
    this.sequencer = new SignalSequencer(resumeFrom, nowMs);
    this.entries = new BatchBuffer('journal', (b) => storage.appendJournal(b), opts.maxBuffered, health, log);
    this.annexRows = new BatchBuffer(
      'journal annex',
      (b) => storage.appendJournalAnnex(b),
      opts.maxBuffered,
      health,
      log,
    );
  }

  /** Entries and annex rows dropped because the database stalled past the buffer's bound. */
  get dropped(): number {
    return this.entries.dropped + this.annexRows.dropped;
  }

  start(): void {
    // While the database is unavailable the next attempt waits for its backoff (storage-health/health.ts).
    this.entries.start(this.opts.flushEveryMs);
    this.annexRows.start(this.opts.flushEveryMs);
    const prune = () =>
      this.storage
        .pruneJournal(new Date(this.nowMs() - this.opts.retentionDays * 86_400_000))
        .catch((err: unknown) => this.log.warn({ err }, 'journal pruning failed'));
    void prune();
    this.pruneTimer = setInterval(prune, 3_600_000);
  }

  /**
   * Cluster mode: the reasons this relay filtered its own slaves for another relay's signal, journalled there as
   * (master, seq). In memory only, like `record`.
   */
  annex(master: string, seq: number, relayId: string, filteredBy: Record<string, FilterReason>): void {
    this.annexRows.push({
      masterAccount: master,
      seq,
      relayId,
      receivedAt: new Date(this.nowMs()),
      filteredBy,
    });
  }

  /**
   * The next sequence number of a master, taken before its signal is recorded (cluster mode publishes the signal
   * with it before the copy engine ran): pass it to `record` for that signal.
   */
  nextSeq(masterAccount: string): number {
    return this.sequencer.next(masterAccount);
  }

  /**
   * Called once per inbound trade signal, after the copy engine decided. Returns the sequence number: `seq` when
   * given (taken with `nextSeq`), else the next one.
   */
  record(
    sig: TradeSignal,
    accepted: number,
    filtered: Partial<Record<FilterReason, number>>,
    filteredBy?: Record<string, FilterReason>,
    via?: Record<string, string>,
    elsewhere?: number,
    seq: number = this.sequencer.next(sig.source_account),
  ): number {
    this.entries.push({
      masterAccount: sig.source_account,
      seq,
      receivedAt: new Date(this.nowMs()),
      action: sig.action,
      ticket: wireIntToDecimal(sig.ticket),
      symbol: sig.symbol ?? null,
      payload: {
        signal: {
          action: sig.action,
          ticket: wireIntToDecimal(sig.ticket),
          ...(sig.symbol !== undefined && { symbol: sig.symbol }),
          ...(sig.order_type !== undefined && { orderType: sig.order_type }),
          ...(sig.lots !== undefined && { lots: sig.lots }),
          ...(sig.open_price !== undefined && { openPrice: sig.open_price }),
          ...(sig.stop_loss !== undefined && { stopLoss: sig.stop_loss }),
          ...(sig.take_profit !== undefined && { takeProfit: sig.take_profit }),
          ...(sig.magic_number !== undefined && { magicNumber: wireIntToDecimal(sig.magic_number) }),
          ...(sig.comment !== undefined && { comment: sig.comment }),
          ...(sig.close_ratio !== undefined && { closeRatio: sig.close_ratio }),
          timestamp: sig.timestamp,
          sourceAccount: sig.source_account,
        },
        accepted,
        filtered,
        ...(filteredBy !== undefined && { filteredBy }),
        ...(via !== undefined && { via }),
        ...(elsewhere !== undefined && elsewhere > 0 && { elsewhere }),
      },
    });
    return seq;
  }

  /** Writes what is buffered; a failed batch stays buffered and is retried next time. */
  async flush(): Promise<void> {
    await Promise.all([this.entries.flush(), this.annexRows.flush()]);
  }

  /** Entries and annex rows not yet written (what a shutdown deadline leaves behind). */
  get unwritten(): number {
    return this.entries.unwritten + this.annexRows.unwritten;
  }

  async close(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await Promise.all([this.entries.close(), this.annexRows.close()]);
  }
}
