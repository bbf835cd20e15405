// How the relay's persistence behaves while the database is unavailable (docs/decisions.md, "When the database is
// unavailable"): every writer (journal, ledger, parking, dead letters, member status, outbox polling) reports each
// attempt here. A failed operation waits a jittered backoff (250 ms doubling to 2 s, ±20 %) before its next
// attempt while its rows stay buffered; the outage is logged once when it starts and once when it ends, never per
// attempt; failures by operation and reason, retries and the unavailable gauge go to /metrics. Copying never
// waits for any of this: writers run off the signal path. Clock and randomness are injected (exact delays in tests).
import { asDatabaseUnavailable, type UnavailableReason } from '@sankey/db/errors';
import { type BackoffPolicy, backoffDelay } from '@sankey/shared/retry';
import type { Logger } from '../core/ports';

export type PersistenceOperation = 'journal' | 'ledger' | 'parking' | 'dead_letters' | 'status' | 'outbox';
export type PersistenceFailureReason = UnavailableReason | 'other';

export interface PersistenceHealthMetrics {
  failed(operation: PersistenceOperation, reason: PersistenceFailureReason): void;
  retried(operation: PersistenceOperation): void;
  unavailable(on: boolean): void;
}

/** 250 ms, 500 ms, 1 s, then 2 s between attempts, each ±20 %; never gives up (rows stay buffered). */
export const PERSISTENCE_BACKOFF: BackoffPolicy = {
  baseMs: 250,
  maxMs: 2000,
  maxAttempts: Number.POSITIVE_INFINITY,
  jitter: 0.2,
};

interface Failing {
  failures: number;
  retryAt: number;
}

export class PersistenceHealth {
  private readonly failing = new Map<PersistenceOperation, Failing>();
  private outage: { sinceMs: number; reason: UnavailableReason } | null = null;

  constructor(
    private readonly deps: {
      nowMs: () => number;
      random: () => number;
      log: Logger;
      metrics: PersistenceHealthMetrics;
    },
    private readonly policy: BackoffPolicy = PERSISTENCE_BACKOFF,
  ) {}

  /** Whether the database is known to be unavailable (from the last failure until the next success). */
  get unavailable(): boolean {
    return this.outage !== null;
  }

  /** May `operation` try now? False while its backoff runs; an attempt after a failure counts as a retry. */
  mayTry(operation: PersistenceOperation): boolean {
    const f = this.failing.get(operation);
    if (!f) return true;
    if (this.deps.nowMs() < f.retryAt) return false;
    this.deps.metrics.retried(operation);
    return true;
  }

  /** Milliseconds until `operation` may try again (0 when it may now). */
  waitMs(operation: PersistenceOperation): number {
    const f = this.failing.get(operation);
    return f ? Math.max(0, f.retryAt - this.deps.nowMs()) : 0;
  }

  /**
   * Records a failed attempt and schedules the next one. True when the database is unavailable (locked, timed out,
   * unreachable): the caller keeps its rows and says nothing, the outage is logged here once. False for any other
   * failure, which the caller logs itself.
   */
  failed(operation: PersistenceOperation, err: unknown): boolean {
    const unavailable = asDatabaseUnavailable(err);
    this.deps.metrics.failed(operation, unavailable?.reason ?? 'other');
    const f = this.failing.get(operation) ?? { failures: 0, retryAt: 0 };
    f.failures++;
    f.retryAt = this.deps.nowMs() + backoffDelay(f.failures, this.policy, this.deps.random);
    this.failing.set(operation, f);
    if (!unavailable) return false;
    if (!this.outage) {
      this.outage = { sinceMs: this.deps.nowMs(), reason: unavailable.reason };
      this.deps.metrics.unavailable(true);
      this.deps.log.warn(
        { reason: unavailable.reason, operation, err },
        'database unavailable: copying goes on; journal, ledger, status and parking writes are buffered and retried',
      );
    }
    return true;
  }

  /**
   * A successful attempt: the operation's backoff ends, and so does an outage, unless the operation only read
   * (`endsOutage: false`): SQLite serves reads while another process holds the write lock, so a read proves nothing.
   */
  succeeded(operation: PersistenceOperation, opts: { endsOutage?: boolean } = {}): void {
    this.failing.delete(operation);
    if (!this.outage || opts.endsOutage === false) return;
    const downMs = this.deps.nowMs() - this.outage.sinceMs;
    const { reason } = this.outage;
    this.outage = null;
    this.deps.metrics.unavailable(false);
    this.deps.log.info({ reason, downMs, operation }, 'database available again; catching up');
  }
}

/** For writers used without the relay around them (tools, tests): no backoff, no metrics, no logs. */
export const noPersistenceHealth = (): PersistenceHealth =>
  new PersistenceHealth(
    {
      nowMs: () => 0,
      random: () => 0.5,
      log: { debug() {}, info() {}, warn() {}, error() {} },
      metrics: { failed() {}, retried() {}, unavailable() {} },
    },
    { baseMs: 0, maxMs: 0, maxAttempts: Number.POSITIVE_INFINITY, jitter: 0 },
  );
