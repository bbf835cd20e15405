// Writes runtime member statuses to the DB off the message path (D2): coalesces by member, one write at a time.
// A failed write is retried with backoff and jitter (docs/protocol.md D20) unless a newer status for the same
// member has been queued meanwhile (that one wins); past the retry bound, or on a permanent failure, it is logged
// as an error and counted.
import {
  type BackoffPolicy,
  backoffDelay,
  classifyFailure,
  DEFAULT_BACKOFF,
  type RetryDeps,
  realRetryDeps,
} from '@sankey/shared/retry';
import type { Logger, StatusWriter } from '../core/ports';
import { noPersistenceHealth, type PersistenceHealth } from '../storage-health/health';
import type { RelayStorage } from './storage';

const keyOf = (group: string, slave: string) => `${group}\u0000${slave}`;

interface Pending {
  group: string;
  slave: string;
  status: number;
  attempts: number;
  /** Which write() of this member it is: a retry is dropped once a later write() exists. */
  seq: number;
}

export class QueuedStatusWriter implements StatusWriter {
  private readonly pending = new Map<string, Pending>();
  private running: Promise<void> | null = null;
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly latest = new Map<string, number>();
  private seq = 0;
  /** Writes given up (past the bound or permanent). */
  failed = 0;

  constructor(
    private readonly storage: Pick<RelayStorage, 'writeMemberStatus'>,
    private readonly log: Logger,
    private readonly policy: BackoffPolicy = DEFAULT_BACKOFF,
    private readonly deps: Pick<RetryDeps, 'random'> = realRetryDeps,
    private readonly health: PersistenceHealth = noPersistenceHealth(),
  ) {}

  /** Statuses waiting to be written (one per member at most: a newer status replaces an older one). */
  get pendingCount(): number {
    return this.pending.size + this.retryTimers.size;
  }

  write(tradeGroupId: string, slaveAccount: string, status: number): void {
    const seq = ++this.seq;
    this.latest.set(keyOf(tradeGroupId, slaveAccount), seq);
    this.enqueue({ group: tradeGroupId, slave: slaveAccount, status, attempts: 0, seq });
  }

  private enqueue(w: Pending): void {
    this.pending.set(keyOf(w.group, w.slave), w);
    this.running ??= this.drain();
  }

  private async drain(): Promise<void> {
    // Let the handler that queued the write finish first.
    await new Promise((r) => setImmediate(r));
    try {
      while (this.pending.size > 0) {
        const [key, w] = this.pending.entries().next().value as [string, Pending];
        this.pending.delete(key);
        try {
          await this.storage.writeMemberStatus(w.group, w.slave, w.status);
          this.health.succeeded('status');
        } catch (err) {
          this.failedOnce(key, w, err);
        }
      }
    } finally {
      this.running = null;
    }
  }

  private failedOnce(key: string, w: Pending, err: unknown): void {
    // While the database is unavailable the status waits (bounded: one per member) and is retried on the
    // persistence backoff without using up its retry bound; the outage is logged once (storage-health/health.ts).
    const unavailable = this.health.failed('status', err);
    const attempts = unavailable ? w.attempts : w.attempts + 1;
    const ctx = { err, tradeGroupId: w.group, slaveAccount: w.slave, status: w.status, attempts };
    if (!unavailable && (classifyFailure(err) === 'permanent' || attempts >= this.policy.maxAttempts)) {
      this.failed++;
      this.log.error(ctx, 'member status write failed; given up');
      return;
    }
    const delayMs = unavailable
      ? this.health.waitMs('status')
      : backoffDelay(attempts, this.policy, this.deps.random);
    if (!unavailable) this.log.warn({ ...ctx, delayMs }, 'member status write failed; will retry');
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      if (unavailable) this.health.mayTry('status');
      // A newer status for this member was queued meanwhile: it is the one to write.
      if (this.latest.get(key) === w.seq) this.enqueue({ ...w, attempts });
    }, delayMs);
    this.retryTimers.add(timer);
  }

  /** Resolves when every queued write has been attempted and every scheduled retry has run. */
  async flush(): Promise<void> {
    while (this.running || this.retryTimers.size > 0) {
      if (this.running) await this.running;
      else await new Promise((r) => setTimeout(r, 5));
    }
  }
}
