// Cross-relay messages waiting to be published (docs/cluster.md, Failures: NATS unreachable). One lane per master
// keeps its messages in order; the whole buffer is bounded: past `capacity`, the oldest Open goes first (a late
// Open is worthless, a lost Close leaves a position open), then the oldest Modify, then the oldest message.
// Pure: no I/O, no timers.

export interface Outbound {
  /** The ordering lane (the master's account id). */
  lane: string;
  subject: string;
  /** JetStream dedup id (`<master>:<seq>` for signals). */
  msgId: string;
  data: Uint8Array;
  /** Trade action, or `control` for sync requests and snapshots. */
  action: 'Open' | 'Modify' | 'Close' | 'control';
  headers: Record<string, string>;
  /** Insertion order over the whole buffer. */
  order?: number;
}

export class OutboundBuffer {
  private readonly lanes = new Map<string, Outbound[]>();
  private count = 0;
  private nextOrder = 0;

  constructor(readonly capacity: number) {}

  get depth(): number {
    return this.count;
  }

  /** Adds a message; returns what had to be dropped to make room (empty when nothing was). */
  push(item: Outbound): Outbound[] {
    const dropped: Outbound[] = [];
    while (this.count >= this.capacity) {
      const victim = this.evict();
      if (!victim) break;
      dropped.push(victim);
    }
    item.order = this.nextOrder++;
    let lane = this.lanes.get(item.lane);
    if (!lane) {
      lane = [];
      this.lanes.set(item.lane, lane);
    }
    lane.push(item);
    this.count++;
    return dropped;
  }

  /** The next message of a lane (not removed: it leaves only when published). */
  head(lane: string): Outbound | undefined {
    return this.lanes.get(lane)?.[0];
  }

  /** The first `n` messages of a lane, oldest first (not removed). */
  peek(lane: string, n: number): Outbound[] {
    return this.lanes.get(lane)?.slice(0, n) ?? [];
  }

  /** Lanes with messages waiting. */
  waitingLanes(): string[] {
    return [...this.lanes.keys()];
  }

  /** The head of `lane` was published: removes it (if it is still the head — it may have been evicted). */
  done(lane: string, item: Outbound): void {
    const q = this.lanes.get(lane);
    if (!q || q[0] !== item) return;
    q.shift();
    this.count--;
    if (q.length === 0) this.lanes.delete(lane);
  }

  private evict(): Outbound | undefined {
    for (const action of ['Open', 'Modify'] as const) {
      const v = this.oldest((o) => o.action === action);
      if (v) return v;
    }
    return this.oldest(() => true);
  }

  private oldest(match: (o: Outbound) => boolean): Outbound | undefined {
    let best: { lane: string; index: number; item: Outbound } | undefined;
    for (const [lane, q] of this.lanes) {
      const index = q.findIndex(match);
      if (index < 0) continue;
      const item = q[index]!;
      if (!best || (item.order ?? 0) < (best.item.order ?? 0)) best = { lane, index, item };
    }
    if (!best) return undefined;
    const q = this.lanes.get(best.lane)!;
    q.splice(best.index, 1);
    this.count--;
    if (q.length === 0) this.lanes.delete(best.lane);
    return best.item;
  }
}
