// A bounded buffer written to the database in batches off the signal path: items queue in memory, a timer flushes
// them, a failed batch goes back to the front for the next try, and past `maxBuffered` the oldest are dropped and
// counted (memory stays bounded while the database is away).
import type { Logger } from '../core/ports';
import {
  noPersistenceHealth,
  type PersistenceHealth,
  type PersistenceOperation,
} from '../storage-health/health';

export interface BatchWriterOptions {
  name: string;
  /** How failures are reported and backed off (storage-health/health.ts). */
  operation?: PersistenceOperation;
  flushEveryMs: number;
  maxBuffered: number;
  batchSize: number;
}

export class BatchWriter<T> {
  private buffer: T[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  dropped = 0;
  failures = 0;

  constructor(
    private readonly write: (batch: T[]) => Promise<void>,
    private readonly log: Logger,
    private readonly opts: BatchWriterOptions,
    private readonly onDrop: (item: T) => void = () => {},
    private readonly health: PersistenceHealth = noPersistenceHealth(),
  ) {}

  get pending(): number {
    return this.buffer.length;
  }

  start(): void {
    const op = this.opts.operation ?? 'dead_letters';
    this.timer ??= setInterval(() => {
      if (this.buffer.length > 0 && !this.flushing && this.health.mayTry(op)) void this.flush();
    }, this.opts.flushEveryMs);
  }

  push(item: T): void {
    this.buffer.push(item);
    if (this.buffer.length > this.opts.maxBuffered) {
      const gone = this.buffer.shift();
      this.dropped++;
      if (gone !== undefined) this.onDrop(gone);
    }
  }

  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.opts.batchSize);
      try {
        await this.write(batch);
        this.health.succeeded(this.opts.operation ?? 'dead_letters');
      } catch (err) {
        this.failures++;
        this.buffer.unshift(...batch);
        while (this.buffer.length > this.opts.maxBuffered) {
          const gone = this.buffer.shift();
          this.dropped++;
          if (gone !== undefined) this.onDrop(gone);
        }
        if (!this.health.failed(this.opts.operation ?? 'dead_letters', err)) {
          this.log.warn(
            { err, entries: batch.length, writer: this.opts.name },
            'batch write failed; will retry',
          );
        }
        return;
      }
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }
}
