// Applies outbox rows (docs/api.md, outbox; docs/protocol.md, "Admin changes") exactly once, in commit order: the
// web's appends commit in id order (packages/db outbox.append), so a cursor over ids never skips a row. A row that
// fails is retried with exponential backoff and jitter (docs/protocol.md D20) and is never closed unapplied; the
// later rows of its group wait behind it, except a switch-off, which reloads the group at once. Past the retry
// bound the row is reported as failed (failures(), the history) until it applies or an operator discards it.
// Polls at least every `pollMs`; a nudge from the web app makes it look at once (a nudge never hurries a retry).
import { type OutboxRow, parseOutboxRow } from '@sankey/shared/api/changes';
import type { GlobalSettings } from '@sankey/shared/domain/settings';
import { type BackoffPolicy, backoffDelay, classifyFailure, DEFAULT_BACKOFF } from '@sankey/shared/retry';
import type { Logger } from '../core/ports';
import type { RelayCore } from '../core/relay-core';
import type { PersistenceHealth } from '../storage-health/health';
import { type ApplyContext, applyRow, applySwitchOff, isSwitchOff } from './apply-row';
import type { RelayStorage, OutboxRow as StoredRow } from './storage';

export type OutboxOutcome = 'applied' | 'retry' | 'failed' | 'discarded';

export interface OutboxConsumerOptions {
  pollMs: number;
  batchSize: number;
  /** Retry timing; `maxAttempts` is the bound after which a row is reported as failed (it is still retried). */
  retry?: BackoffPolicy;
  now?: () => number;
  random?: () => number;
  /** Backoff and once-per-outage logging while the database is unavailable (storage-health/health.ts). */
  health?: PersistenceHealth;
  /** Stored settings → effective settings (environment overrides, docs/architecture.md, Processes, ports and environment). */
  settings?: (stored: GlobalSettings) => GlobalSettings;
  /**
   * Cluster mode (docs/decisions.md, Admin changes in a cluster): read every row past this relay's own cursor,
   * whether or not another relay already marked it processed.
   */
  everyRow?: boolean;
}

/** A row that failed, or waits behind one of its group. */
interface Held {
  stored: StoredRow;
  attempts: number;
  nextAt: number;
  error: string | null;
  /** The last failure was permanent (classifyFailure): reported as failed at once, still retried. */
  permanent: boolean;
  firstFailedAt: number | null;
}

export interface OutboxFailure {
  id: number;
  kind: string;
  tradeGroupId: string | null;
  slaveAccount: string | null;
  attempts: number;
  error: string;
  /** `failed` once past the retry bound or when the failure is permanent; `retrying` before. */
  state: 'retrying' | 'failed';
  firstFailedAt: number;
  nextAttemptAt: number;
  /** Later rows of the same group waiting behind it. */
  waiting: number;
}

const keyOf = (row: StoredRow) => (row.tradeGroupId === null ? 'settings' : `group:${row.tradeGroupId}`);

export class OutboxConsumer {
  private lastId = 0;
  /** Per group (or `settings`): the failing row first, then the rows waiting behind it, in id order. */
  private readonly held = new Map<string, Held[]>();
  private readonly policy: BackoffPolicy;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly ctx: ApplyContext;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly storage: RelayStorage,
    core: RelayCore,
    private readonly log: Logger,
    private readonly onOutcome: (kind: string, outcome: OutboxOutcome) => void,
    private readonly opts: OutboxConsumerOptions = { pollMs: 100, batchSize: 100 },
  ) {
    this.policy = opts.retry ?? DEFAULT_BACKOFF;
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.ctx = { storage, core, log, settings: opts.settings ?? ((s) => s) };
  }

  /** Every row up to this id has been applied (or discarded); snapshots carry it. 0 before the first. */
  get appliedId(): number {
    let lowestHeld = Number.POSITIVE_INFINITY;
    for (const q of this.held.values()) lowestHeld = Math.min(lowestHeld, q[0]?.stored.id ?? lowestHeld);
    return Math.min(this.lastId, lowestHeld - 1);
  }

  /**
   * Start-up (docs/protocol.md, "Admin changes"): rows committed while the relay was down up to `upToId` are
   * already in the state the relay just loaded, so they are settled without publishing anything; the EAs'
   * heartbeats bring their configs. Call before start().
   */
  async settleBacklog(upToId: number): Promise<number> {
    const n = await this.storage.settleOutboxBacklog(upToId);
    this.lastId = Math.max(this.lastId, upToId);
    if (n > 0)
      this.log.info({ backlog: n, upToId }, 'outbox backlog settled at start (state loaded, nothing sent)');
    return n;
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** Look now (the web app calls this right after a commit). */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.poll();
  }

  /** The failing rows (heads of their group's queue), oldest first. */
  failures(): OutboxFailure[] {
    const out: OutboxFailure[] = [];
    for (const q of this.held.values()) {
      const h = q[0];
      if (!h || h.firstFailedAt === null) continue;
      const s = h.stored;
      out.push({
        id: s.id,
        kind: s.kind,
        tradeGroupId: s.tradeGroupId,
        slaveAccount: s.slaveAccount,
        attempts: h.attempts,
        error: h.error ?? '',
        state: this.pastBound(h) ? 'failed' : 'retrying',
        firstFailedAt: h.firstFailedAt,
        nextAttemptAt: h.nextAt,
        waiting: q.length - 1,
      });
    }
    return out.sort((a, b) => a.id - b.id);
  }

  /** An operator gives up a failing row: it is closed as discarded and its group's later rows go on. */
  async discard(id: number): Promise<boolean> {
    for (const q of this.held.values()) {
      const h = q[0];
      if (h?.stored.id !== id || h.firstFailedAt === null) continue;
      await this.storage.settleOutbox(id, { state: 'discarded', attempts: h.attempts });
      q.shift();
      if (q[0]) q[0].nextAt = 0;
      this.log.warn({ id, kind: h.stored.kind, attempts: h.attempts }, 'outbox row discarded by an operator');
      this.onOutcome(h.stored.kind, 'discarded');
      this.nudge();
      return true;
    }
    return false;
  }

  private schedule(): void {
    if (this.stopped) return;
    // After a failed poll the next one waits for its backoff (a nudge still looks at once).
    const wait = Math.max(this.opts.pollMs, this.opts.health?.waitMs('outbox') ?? 0);
    this.timer = setTimeout(() => {
      this.opts.health?.mayTry('outbox');
      this.nudge();
    }, wait);
  }

  private async poll(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    try {
      await this.retryDue();
      do {
        this.again = false;
        const rows = this.opts.everyRow
          ? await this.storage.outboxAfter(this.lastId, this.opts.batchSize)
          : await this.storage.pendingOutbox(this.lastId, this.opts.batchSize);
        for (const row of rows) {
          if (this.stopped) return;
          await this.take(row);
          this.lastId = row.id;
        }
        if (rows.length === this.opts.batchSize) this.again = true;
      } while (this.again && !this.stopped);
      this.opts.health?.succeeded('outbox', { endsOutage: false });
    } catch (err) {
      if (!this.opts.health?.failed('outbox', err)) this.log.error({ err }, 'outbox poll failed; retrying');
    } finally {
      this.running = null;
      this.schedule();
    }
  }

  /** A new row: applied now, or queued behind its group's failing row (a switch-off applies regardless). */
  private async take(stored: StoredRow): Promise<void> {
    const key = keyOf(stored);
    const queue = this.held.get(key);
    if (queue && queue.length > 0) {
      const parsed = parseOutboxRow(stored);
      if (parsed.ok && isSwitchOff(parsed.row) && (await this.attempt(parsed.row, true))) {
        await this.settle(stored, 0);
        return;
      }
      queue.push({ stored, attempts: 0, nextAt: 0, error: null, permanent: false, firstFailedAt: null });
      return;
    }
    const held: Held = { stored, attempts: 0, nextAt: 0, error: null, permanent: false, firstFailedAt: null };
    if (!(await this.tryHeld(held))) this.held.set(key, [held]);
  }

  /** Retries each group's head when its time has come; on success the rows behind it follow in order. */
  private async retryDue(): Promise<void> {
    for (const [key, q] of this.held) {
      while (q.length > 0 && !this.stopped) {
        const head = q[0]!;
        if (head.nextAt > this.now()) break;
        if (!(await this.tryHeld(head))) break;
        q.shift();
      }
      if (q.length === 0) this.held.delete(key);
    }
  }

  /** One attempt at a row; true when applied and settled, false when it failed (backoff scheduled). */
  private async tryHeld(h: Held): Promise<boolean> {
    const parsed = parseOutboxRow(h.stored);
    let error: unknown;
    if (parsed.ok) {
      try {
        await applyRow(this.ctx, parsed.row);
        await this.settle(h.stored, h.attempts + 1);
        return true;
      } catch (err) {
        error = err;
      }
    } else {
      error = new Error(`the row does not parse: ${parsed.error}`);
    }
    const wasPast = this.pastBound(h);
    h.attempts++;
    h.error = error instanceof Error ? error.message : String(error);
    h.permanent = classifyFailure(error) === 'permanent';
    h.firstFailedAt ??= this.now();
    h.nextAt = this.now() + backoffDelay(h.attempts, this.policy, this.random);
    const { id, kind } = h.stored;
    if (this.pastBound(h) && !wasPast) {
      this.log.error({ err: error, id, kind, attempts: h.attempts }, 'outbox row failing; its group waits');
      this.onOutcome(kind, 'failed');
      await this.storage.recordOutboxFailure(id, h.attempts, h.error).catch((err: unknown) => {
        this.log.warn({ err, id }, 'could not record the outbox failure in the history');
      });
    } else {
      this.log.warn({ err: error, id, kind, attempt: h.attempts }, 'outbox row failed; will retry');
      this.onOutcome(kind, 'retry');
    }
    return false;
  }

  private pastBound(h: Held): boolean {
    return h.attempts > 0 && (h.attempts >= this.policy.maxAttempts || h.permanent);
  }

  private async attempt(row: OutboxRow, switchOff: boolean): Promise<boolean> {
    try {
      await (switchOff ? applySwitchOff(this.ctx, row) : applyRow(this.ctx, row));
      return true;
    } catch (err) {
      this.log.warn({ err, id: row.id, kind: row.kind }, 'switch-off could not be applied out of turn');
      return false;
    }
  }

  private async settle(stored: StoredRow, attempts: number): Promise<void> {
    await this.storage.settleOutbox(stored.id, { state: 'applied', attempts });
    this.onOutcome(stored.kind, 'applied');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Applies everything pending now (used at shutdown and by tests); failing rows keep their backoff. */
  async drain(): Promise<void> {
    await this.running;
    if (this.stopped) return;
    this.running = this.poll();
    await this.running;
  }
}
