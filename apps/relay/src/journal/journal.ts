// The trade-signal journal's write side: entries are sequenced on the signal path (in memory, no I/O) and
// written in batches by the database worker. Bounded: if the database stalls, the oldest unwritten entries are
// dropped and counted rather than growing without limit.
import type { FilterReason } from '@sankey/shared/protocol/constants';
import type { TradeSignal } from '@sankey/shared/protocol/messages';
import { wireIntToDecimal } from '@sankey/shared/protocol/wire-int';
import type { Logger } from '../core/ports';
import type { JournalEntry, RelayStorage } from '../outbox/storage';
import { noPersistenceHealth, type PersistenceHealth } from '../storage-health/health';
import { SignalSequencer } from './sequencer';

export interface JournalOptions {
  flushEveryMs: number;
  maxBuffered: number;
  retentionDays: number;
}

export class SignalJournal {
  private buffer: JournalEntry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  /** Entries of the batch being written. */
  private writing = 0;
  private readonly sequencer: SignalSequencer;
  dropped = 0;

  constructor(
    private readonly storage: RelayStorage,
    resumeFrom: ReadonlyMap<string, number>,
    private readonly nowMs: () => number,
    private readonly log: Logger,
    private readonly opts: JournalOptions = { flushEveryMs: 250, maxBuffered: 10_000, retentionDays: 30 },
    private readonly health: PersistenceHealth = noPersistenceHealth(),
  ) {
    this.sequencer = new SignalSequencer(resumeFrom, nowMs);
  }

  start(): void {
    // While the database is unavailable the next attempt waits for its backoff (storage-health/health.ts).
    this.timer = setInterval(() => {
      if (this.buffer.length > 0 && !this.flushing && this.health.mayTry('journal')) void this.flush();
    }, this.opts.flushEveryMs);
    const prune = () =>
      this.storage
        .pruneJournal(new Date(this.nowMs() - this.opts.retentionDays * 86_400_000))
        .catch((err: unknown) => this.log.warn({ err }, 'journal pruning failed'));
    void prune();
    this.pruneTimer = setInterval(prune, 3_600_000);
  }

  /** Called once per inbound trade signal, after the copy engine decided. Returns the sequence number. */
  record(
    sig: TradeSignal,
    accepted: number,
    filtered: Partial<Record<FilterReason, number>>,
    filteredBy?: Record<string, FilterReason>,
    via?: Record<string, string>,
    elsewhere?: number,
  ): number {
    const seq = this.sequencer.next(sig.source_account);
    if (this.buffer.length >= this.opts.maxBuffered) {
      this.buffer.shift();
      this.dropped++;
    }
    this.buffer.push({
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

  /** Writes what is buffered; on failure the batch goes back to the front and is retried next time. */
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
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, 500);
      this.writing = batch.length;
      try {
        await this.storage.appendJournal(batch);
        this.health.succeeded('journal');
      } catch (err) {
        // A write that timed out may still have completed in the database worker; its retry then collides
        // with its own rows (the batch is one statement, so it landed whole): it is written, not lost.
        const e = err as { code?: unknown; name?: unknown };
        if (e.name === 'UniqueViolation' || e.code === 'P2002') {
          this.health.succeeded('journal');
          this.log.warn({ entries: batch.length }, 'journal batch was already written');
          continue;
        }
        const kept = Math.max(0, this.opts.maxBuffered - this.buffer.length);
        this.buffer.unshift(...batch.slice(batch.length - Math.min(kept, batch.length)));
        this.dropped += batch.length - Math.min(kept, batch.length);
        if (!this.health.failed('journal', err)) {
          this.log.warn({ err, entries: batch.length }, 'journal write failed; will retry');
        }
        return;
      }
    }
  }

  /** Entries not yet written (what a shutdown deadline leaves behind). */
  get unwritten(): number {
    return this.buffer.length + this.writing;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await this.flush();
  }
}
