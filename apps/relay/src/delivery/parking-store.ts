// Persists the parking lot (docs/protocol.md D19) in batches: additions and removals are queued; a copy parked and
// released between two flushes is never written at all.

import type { ParkedCopy, ParkingStorePort } from '../core/parking';
import type { Logger } from '../core/ports';
import type { StoredParkedFrame } from '../outbox/storage';
import { noPersistenceHealth, type PersistenceHealth } from '../storage-health/health';

export interface ParkedFrameStorage {
  addParked(rows: StoredParkedFrame[]): Promise<void>;
  removeParked(keys: string[]): Promise<void>;
}

export function toStored(c: ParkedCopy): StoredParkedFrame {
  return {
    key: c.key,
    masterAccount: c.master,
    slaveAccount: c.slave,
    parkSeq: c.seq,
    action: c.action,
    ticket: c.ticket,
    payload: new Uint8Array(c.payload),
    parkedAt: new Date(c.parkedAtMs),
    expiresAt: new Date(c.expiresAtMs),
  };
}

export function fromStored(r: StoredParkedFrame): ParkedCopy {
  return {
    key: r.key,
    master: r.masterAccount,
    slave: r.slaveAccount,
    seq: r.parkSeq,
    action: r.action as ParkedCopy['action'],
    ticket: r.ticket,
    payload: Buffer.from(r.payload),
    parkedAtMs: r.parkedAt.getTime(),
    expiresAtMs: r.expiresAt.getTime(),
  };
}

export class ParkingStore implements ParkingStorePort {
  private adds = new Map<string, ParkedCopy>();
  private removes = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly storage: ParkedFrameStorage,
    private readonly log: Logger,
    private readonly flushEveryMs = 250,
    private readonly health: PersistenceHealth = noPersistenceHealth(),
  ) {}

  get pending(): number {
    return this.adds.size + this.removes.size;
  }

  added(copy: ParkedCopy): void {
    this.adds.set(copy.key, copy);
  }

  removed(copy: ParkedCopy): void {
    if (!this.adds.delete(copy.key)) this.removes.add(copy.key);
  }

  start(): void {
    this.timer ??= setInterval(() => {
      if (this.pending > 0 && !this.flushing && this.health.mayTry('parking')) void this.flush();
    }, this.flushEveryMs);
  }

  /**
   * Resolves once every change made so far has been written (or failed to be): a write in progress took only
   * what was there when it started, so it is waited out first.
   */
  async flush(): Promise<void> {
    if (this.flushing) await this.flushing;
    this.flushing ??= this.write().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async write(): Promise<void> {
    const adds = [...this.adds.values()];
    const removes = [...this.removes];
    if (adds.length === 0 && removes.length === 0) return;
    this.adds = new Map();
    this.removes = new Set();
    try {
      if (adds.length > 0) await this.storage.addParked(adds.map(toStored));
      if (removes.length > 0) await this.storage.removeParked(removes);
      this.health.succeeded('parking');
    } catch (err) {
      // Put back what was not known to be written; newer changes win (a removal cancels a pending add).
      for (const c of adds) if (!this.removes.has(c.key)) this.adds.set(c.key, c);
      for (const k of removes) if (!this.adds.has(k)) this.removes.add(k);
      if (!this.health.failed('parking', err)) {
        this.log.warn(
          { err, adds: adds.length, removes: removes.length },
          'parked frames not persisted; will retry',
        );
      }
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }
}
