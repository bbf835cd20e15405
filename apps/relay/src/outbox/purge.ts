// Purges processed outbox rows (docs/cluster.md, Admin changes; docs/database.md, Outbox retention): a row goes once
// it was processed more than the retention ago AND every live relay has applied it — alone, this relay's cursor;
// in a cluster, the lowest cursor the live relays publish with their relay id (a relay that publishes none holds
// the purge back). The change history keeps every change.
import type { Logger } from '../core/ports';

export interface OutboxPurgeDeps {
  purge(before: Date, upToId: number): Promise<number>;
  /** The outbox id up to which every live relay has applied every row (this one's alone). */
  appliedEverywhere(): Promise<number>;
  now(): number;
  log: Logger;
  onPurged(rows: number): void;
}

export class OutboxPurge {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly deps: OutboxPurgeDeps,
    private readonly retentionMs: number,
  ) {}

  /** Runs every min(retention, 10 min), never more often than every second. */
  start(): void {
    const every = Math.max(1000, Math.min(this.retentionMs, 600_000));
    this.timer = setInterval(() => void this.runOnce(), every);
    this.timer.unref();
  }

  async runOnce(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const upTo = await this.deps.appliedEverywhere();
      if (upTo <= 0) return 0;
      const n = await this.deps.purge(new Date(this.deps.now() - this.retentionMs), upTo);
      if (n > 0) {
        this.deps.onPurged(n);
        this.deps.log.info({ rows: n, upTo }, 'processed outbox rows purged');
      }
      return n;
    } catch (err) {
      this.deps.log.warn({ err: String(err) }, 'outbox purge failed; retried at the next run');
      return 0;
    } finally {
      this.running = false;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
