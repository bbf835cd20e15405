// A bounded buffer of rows written in batches off the signal path (the journal and its cluster annex): pushing is
// in memory only; a timer writes what is buffered unless the database is backing off (storage-health/health.ts).
// If the database stalls, the oldest unwritten rows are dropped and counted rather than growing without limit.
import type { Logger } from '../core/ports';
import type { PersistenceHealth } from '../storage-health/health';

const BATCH = 500;

export class BatchBuffer<T> {
  private buffer: T[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  /** Rows of the batch being written. */
  private writing = 0;
  dropped = 0;

  constructor(
    private readonly what: string,
    private readonly writeBatch: (batch: T[]) => Promise<void>,
    private readonly maxBuffered: number,
    private readonly health: PersistenceHealth,
    private readonly log: Logger,
  ) {}

  start(flushEveryMs: number): void {
    this.timer = setInterval(() => {
      if (this.buffer.length > 0 && !this.flushing && this.health.mayTry('journal')) void this.flush();
    }, flushEveryMs);
  }

  push(row: T): void {
    if (this.buffer.length >= this.maxBuffered) {
      this.buffer.shift();
      this.dropped++;
    }
    this.buffer.push(row);
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
      const batch = this.buffer.splice(0, BATCH);
      this.writing = batch.length;
      try {
        await this.writeBatch(batch);
        this.health.succeeded('journal');
      } catch (err) {
        // A write that timed out may still have completed in the database worker; its retry then collides
        // with its own rows (the batch is one statement, so it landed whole): it is written, not lost.
        const e = err as { code?: unknown; name?: unknown };
        if (e.name === 'UniqueViolation' || e.code === 'P2002') {
          this.health.succeeded('journal');
          this.log.warn({ entries: batch.length }, `${this.what} batch was already written`);
          continue;
        }
        const kept = Math.max(0, this.maxBuffered - this.buffer.length);
        this.buffer.unshift(...batch.slice(batch.length - Math.min(kept, batch.length)));
        this.dropped += batch.length - Math.min(kept, batch.length);
        if (!this.health.failed('journal', err)) {
          this.log.warn({ err, entries: batch.length }, `${this.what} write failed; will retry`);
        }
        return;
      }
    }
  }

  /** Rows not yet written (what a shutdown deadline leaves behind). */
  get unwritten(): number {
    return this.buffer.length + this.writing;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}
