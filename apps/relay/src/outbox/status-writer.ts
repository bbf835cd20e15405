// Writes runtime member statuses to the DB off the message path (D2): coalesces by member, one write at a time.
import type { Logger, StatusWriter } from '../core/ports';
import type { RelayStorage } from './storage';

export class QueuedStatusWriter implements StatusWriter {
  private readonly pending = new Map<string, { group: string; slave: string; status: number }>();
  private running: Promise<void> | null = null;

  constructor(
    private readonly storage: RelayStorage,
    private readonly log: Logger,
  ) {}

  write(tradeGroupId: string, slaveAccount: string, status: number): void {
    this.pending.set(`${tradeGroupId}\u0000${slaveAccount}`, {
      group: tradeGroupId,
      slave: slaveAccount,
      status,
    });
    this.running ??= this.drain();
  }

  private async drain(): Promise<void> {
    // Let the handler that queued the write finish first.
    await new Promise((r) => setImmediate(r));
    try {
      while (this.pending.size > 0) {
        const [key, w] = this.pending.entries().next().value as [
          string,
          { group: string; slave: string; status: number },
        ];
        this.pending.delete(key);
        try {
          await this.storage.writeMemberStatus(w.group, w.slave, w.status);
        } catch (err) {
          // A deleted member has no row to update; anything else is logged and the next change retries.
          this.log.warn({ err, tradeGroupId: w.group, slaveAccount: w.slave }, 'member status write failed');
        }
      }
    } finally {
      this.running = null;
    }
  }

  /** Resolves when every queued write has been attempted. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }
}
