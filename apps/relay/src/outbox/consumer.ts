// Applies outbox rows (README §7) in id order, each once: refresh state from the DB, publish what §7.4
// prescribes (through RelayCore), emit events, mark the row processed. Polls at least every 100 ms; a nudge
// from the web app makes it look at once.
import { z } from 'zod';
import type { Logger } from '../core/ports';
import type { RelayCore } from '../core/relay-core';
import { memberView } from '../core/views';
import type { OutboxRow, RelayStorage } from './storage';

const groupDeletedPayload = z.object({ slaveAccounts: z.array(z.string()) }).loose();
const memberDeletedPayload = z.object({ groupDeleted: z.boolean().default(false) }).loose();

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
    private readonly onApplied: (kind: string, outcome: 'applied' | 'failed') => void,
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
  private async tryApply(row: OutboxRow): Promise<boolean> {
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
    const groupId = row.tradeGroupId;
    this.log.debug(
      { id: row.id, kind: row.kind, tradeGroupId: groupId, slaveAccount: row.slaveAccount },
      'outbox row',
    );
    switch (row.kind) {
      case 'group.created':
      case 'group.updated':
      case 'group.toggled': {
        if (!groupId) return this.skip(row, 'no tradeGroupId');
        const loaded = await this.storage.loadGroup(groupId);
        if (!loaded) return this.skip(row, 'group no longer exists');
        if (row.kind === 'group.created') this.core.applyGroupCreated(loaded.group, loaded.members);
        else if (row.kind === 'group.updated') this.core.applyGroupUpdated(loaded.group);
        else this.core.applyGroupToggled(loaded.group);
        return;
      }
      case 'group.deleted': {
        if (!groupId) return this.skip(row, 'no tradeGroupId');
        const payload = groupDeletedPayload.safeParse(row.payload);
        const slaves = payload.success
          ? payload.data.slaveAccounts
          : this.core.store.membersOf(groupId).map((m) => m.slaveAccount);
        this.core.applyGroupDeleted(groupId, slaves);
        return;
      }
      case 'member.added':
      case 'member.updated':
      case 'member.toggled': {
        if (!groupId || !row.slaveAccount) return this.skip(row, 'no member key');
        const member = await this.storage.loadMember(groupId, row.slaveAccount);
        if (!member) return this.skip(row, 'member no longer exists');
        if (!this.core.store.getGroup(groupId)) {
          const loaded = await this.storage.loadGroup(groupId);
          if (loaded) this.core.loadGroup(loaded.group, []);
        }
        const trigger =
          row.kind === 'member.added'
            ? 'member_added'
            : row.kind === 'member.updated'
              ? 'member_updated'
              : 'member_toggled';
        const result = this.core.applyMemberChanged(member, trigger);
        const event =
          row.kind === 'member.added'
            ? 'member_added'
            : row.kind === 'member.updated'
              ? 'member_updated'
              : 'member_status_changed';
        this.core.events.emit(event, memberView(member, result));
        return;
      }
      case 'member.deleted': {
        if (!groupId || !row.slaveAccount) return this.skip(row, 'no member key');
        const payload = memberDeletedPayload.safeParse(row.payload ?? {});
        this.core.applyMemberDeleted(
          groupId,
          row.slaveAccount,
          payload.success ? payload.data.groupDeleted : false,
        );
        return;
      }
      case 'settings.updated':
        this.core.applyGlobalSettings(await this.storage.loadGlobalSettings());
        return;
      default:
        return this.skip(row, 'unknown kind');
    }
  }

  private skip(row: OutboxRow, why: string): void {
    this.log.warn({ id: row.id, kind: row.kind, why }, 'outbox row skipped');
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
