// Parking (docs/protocol.md D19): copies for a slave that is not listening for their master wait here, in order,
// per (master, slave). Close and Modify wait until delivered (bounded per slave and by `closeTtlMs`); an Open only
// while fresh (the member's maxSignalDelayMs). Pure memory: every change is also reported to `store`, which
// persists it in batches off the signal path, so parked copies survive a restart.
import type { TradeAction } from '@sankey/shared/protocol/constants';

export interface ParkedCopy {
  key: string;
  master: string;
  slave: string;
  seq: number;
  action: TradeAction;
  /** Decimal master ticket. */
  ticket: string;
  /** The MessagePack TradeSignal as it was to be published (output symbol applied). */
  payload: Buffer;
  parkedAtMs: number;
  expiresAtMs: number;
}

export interface ParkingStorePort {
  added(copy: ParkedCopy): void;
  removed(copy: ParkedCopy): void;
}

export interface ParkingOptions {
  /** Frames parked per slave (all its masters) before the oldest gives way (default 10,000). */
  maxPerSlave: number;
  /** How long a Close or Modify waits (default 24 h). */
  closeTtlMs: number;
}

const pairKey = (master: string, slave: string) => `${master}\u0000${slave}`;

export class ParkingLot {
  private readonly byPair = new Map<string, ParkedCopy[]>();
  private readonly perSlave = new Map<string, number>();
  private seq = 0;
  private total = 0;

  constructor(
    private readonly opts: ParkingOptions,
    private readonly store: ParkingStorePort,
  ) {}

  get size(): number {
    return this.total;
  }

  countFor(slave: string): number {
    return this.perSlave.get(slave) ?? 0;
  }

  /** Parked copies per slave (endpoint statistics and the high-water watch). */
  countsBySlave(): ReadonlyMap<string, number> {
    return this.perSlave;
  }

  /** Copies restored from the database at start, in parking order. */
  restore(copies: ParkedCopy[]): void {
    for (const c of copies) {
      this.push(c);
      this.seq = Math.max(this.seq, c.seq);
    }
  }

  /**
   * Parks one copy. Returns what gave way when the slave was over its bound (the oldest of its copies), for the
   * caller to dead-letter.
   */
  park(
    master: string,
    slave: string,
    action: TradeAction,
    ticket: string,
    payload: Buffer,
    nowMs: number,
    openMaxDelayMs: number,
  ): ParkedCopy[] {
    const seq = ++this.seq;
    const copy: ParkedCopy = {
      key: `${master}|${slave}|${seq}`,
      master,
      slave,
      seq,
      action,
      ticket,
      payload,
      parkedAtMs: nowMs,
      expiresAtMs: nowMs + (action === 'Open' ? openMaxDelayMs : this.opts.closeTtlMs),
    };
    this.push(copy);
    this.store.added(copy);
    const overflow: ParkedCopy[] = [];
    while (this.countFor(slave) > this.opts.maxPerSlave) {
      const oldest = this.oldestOf(slave);
      if (!oldest) break;
      this.remove(oldest);
      overflow.push(oldest);
    }
    return overflow;
  }

  hasOpen(master: string, slave: string, ticket: string): boolean {
    return (this.byPair.get(pairKey(master, slave)) ?? []).some(
      (c) => c.ticket === ticket && c.action === 'Open',
    );
  }

  /** The master closed a ticket whose Open is still parked: the Open and its parked Modifies are cancelled. */
  cancelTicket(master: string, slave: string, ticket: string): ParkedCopy[] {
    const list = this.byPair.get(pairKey(master, slave));
    if (!list) return [];
    const gone = list.filter((c) => c.ticket === ticket);
    for (const c of gone) this.remove(c);
    return gone;
  }

  /** Copies parked for (master, slave). */
  countForPair(master: string, slave: string): number {
    return this.byPair.get(pairKey(master, slave))?.length ?? 0;
  }

  /**
   * Everything parked for (master, slave), in order, removed from the lot; with `beforeFirstOpen`, only the copies
   * ahead of the first Open (the rest keep waiting, in order).
   */
  take(master: string, slave: string, beforeFirstOpen = false): ParkedCopy[] {
    const all = this.byPair.get(pairKey(master, slave)) ?? [];
    const firstOpen = beforeFirstOpen ? all.findIndex((c) => c.action === 'Open') : -1;
    const list = firstOpen < 0 ? [...all] : all.slice(0, firstOpen);
    for (const c of list) this.remove(c);
    return list;
  }

  /** Copies past their time, removed from the lot. */
  expire(nowMs: number): ParkedCopy[] {
    const out: ParkedCopy[] = [];
    for (const list of this.byPair.values()) for (const c of list) if (c.expiresAtMs <= nowMs) out.push(c);
    for (const c of out) this.remove(c);
    return out;
  }

  /** Every parked copy, for views and shutdown. */
  all(): ParkedCopy[] {
    return [...this.byPair.values()].flat();
  }

  private push(c: ParkedCopy): void {
    const k = pairKey(c.master, c.slave);
    let list = this.byPair.get(k);
    if (!list) {
      list = [];
      this.byPair.set(k, list);
    }
    list.push(c);
    this.perSlave.set(c.slave, this.countFor(c.slave) + 1);
    this.total++;
  }

  private remove(c: ParkedCopy): void {
    const k = pairKey(c.master, c.slave);
    const list = this.byPair.get(k);
    const i = list ? list.indexOf(c) : -1;
    if (!list || i < 0) return;
    list.splice(i, 1);
    if (list.length === 0) this.byPair.delete(k);
    const n = this.countFor(c.slave) - 1;
    if (n > 0) this.perSlave.set(c.slave, n);
    else this.perSlave.delete(c.slave);
    this.total--;
    this.store.removed(c);
  }

  private oldestOf(slave: string): ParkedCopy | undefined {
    let oldest: ParkedCopy | undefined;
    for (const list of this.byPair.values()) {
      const first = list[0];
      if (first && first.slave === slave && (!oldest || first.seq < oldest.seq)) oldest = first;
    }
    return oldest;
  }
}
