// Applies outbox rows (docs/api.md, outbox) in id order, each once: parse the row with the shared change contract,
// refresh state from the DB and hand it to the core, which publishes what docs/protocol.md §7.4 prescribes and emits
// the events; then mark the row processed. Polls at least every 100 ms; a nudge from the web app makes it look at once.
import { type OutboxRow, parseOutboxRow } from '@sankey/shared/api/changes';
import type { Logger } from '../core/ports';
import type { RelayCore } from '../core/relay-core';
import type { RelayStorage, OutboxRow as StoredRow } from './storage';

export type OutboxOutcome = 'applied' | 'failed' | 'invalid';

const MAX_ATTEMPTS = 3;

export interface OutboxConsumerOptions {
  pollMs: number;
  batchSize: number;
}

export class OutboxConsumer {
  private lastId = 0;
  private readonly attempts = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly storage: RelayStorage,
    private readonly core: RelayCore,
    private readonly log: Logger,
    private readonly onApplied: (kind: string, outcome: OutboxOutcome) => void,
    private readonly opts: OutboxConsumerOptions = { pollMs: 100, batchSize: 100 },
  ) {}

  /** The id of the last outbox row applied (or given up); 0 before the first. Snapshots carry it. */
  get appliedId(): number {
    return this.lastId;
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

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.nudge(), this.opts.pollMs);
  }

  private async poll(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    try {
      do {
        this.again = false;
        const rows = await this.storage.pendingOutbox(this.lastId, this.opts.batchSize);
        for (const row of rows) {
          if (this.stopped) return;
          if (!(await this.tryApply(row))) return;
          await this.storage.markProcessed(row.id);
          this.lastId = row.id;
        }
        if (rows.length === this.opts.batchSize) this.again = true;
      } while (this.again && !this.stopped);
    } catch (err) {
      this.log.error({ err }, 'outbox poll failed; retrying');
    } finally {
      this.running = null;
      this.schedule();
    }
  }

  /**
   * Applies one row. A row that keeps failing (a bug, or data the relay cannot handle) is given up after
   * MAX_ATTEMPTS polls, logged and counted, so it cannot block every later change; the DB still holds the change
   * and a relay restart reloads it. Returns false when the row should be retried on the next poll.
   */
  private async tryApply(stored: StoredRow): Promise<boolean> {
    const parsed = parseOutboxRow(stored);
    if (!parsed.ok) {
      // Nothing the relay can ever apply: a clear, counted error; the row is closed so later rows go on.
      this.log.error({ id: parsed.id, kind: parsed.kind, error: parsed.error }, 'outbox row does not parse');
      this.onApplied(parsed.kind, 'invalid');
      return true;
    }
    const row = parsed.row;
    try {
      await this.apply(row);
      this.attempts.delete(row.id);
      this.onApplied(row.kind, 'applied');
      return true;
    } catch (err) {
      const n = (this.attempts.get(row.id) ?? 0) + 1;
      this.attempts.set(row.id, n);
      if (n < MAX_ATTEMPTS) {
        this.log.warn({ err, id: row.id, kind: row.kind, attempt: n }, 'outbox row failed; will retry');
        return false;
      }
      this.attempts.delete(row.id);
      this.log.error({ err, id: row.id, kind: row.kind, payload: row.payload }, 'outbox row given up');
      this.onApplied(row.kind, 'failed');
      return true;
    }
  }

  /** Re-applying a row is harmless: every branch reloads the current DB state. */
  private async apply(row: OutboxRow): Promise<void> {
    this.log.debug(
      { id: row.id, kind: row.kind, tradeGroupId: row.tradeGroupId, slaveAccount: row.slaveAccount },
      'outbox row',
    );
    switch (row.kind) {
      case 'group.created':
      case 'group.updated':
      case 'group.toggled': {
        const loaded = await this.storage.loadGroup(row.tradeGroupId);
        if (!loaded) return this.gone(row, 'group no longer exists');
        if (row.kind === 'group.created') this.core.applyGroupCreated(loaded.group, loaded.members);
        else if (row.kind === 'group.updated') this.core.applyGroupUpdated(loaded.group);
        else this.core.applyGroupToggled(loaded.group);
        return;
      }
      case 'group.deleted':
        return this.core.applyGroupDeleted(row.tradeGroupId, row.payload.slaveAccounts);
      case 'member.added':
      case 'member.updated':
      case 'member.toggled': {
        const member = await this.storage.loadMember(row.tradeGroupId, row.slaveAccount);
        const group =
          this.core.group(row.tradeGroupId) ?? (await this.storage.loadGroup(row.tradeGroupId))?.group;
        if (!member || !group) return this.gone(row, 'member no longer exists');
        return this.core.applyMemberChanged(group, member, row.kind);
      }
      case 'member.deleted':
        return this.core.applyMemberDeleted(row.tradeGroupId, row.slaveAccount, row.payload.groupDeleted);
      case 'settings.updated':
        return this.core.applyGlobalSettings(await this.storage.loadGlobalSettings());
    }
  }

  /** The row's target was deleted by a later change (whose own row will follow): nothing to apply. */
  private gone(row: OutboxRow, why: string): void {
    this.log.info({ id: row.id, kind: row.kind, why }, 'outbox row has nothing left to apply');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Applies everything pending now (used at shutdown and by tests). */
  async drain(): Promise<void> {
    await this.running;
    if (this.stopped) return;
    this.running = this.poll();
    await this.running;
  }
}
