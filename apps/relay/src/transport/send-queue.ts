// The bounded send queue (docs/protocol.md D14): one FIFO per master stream, so every frame derived from a master
// (its copies, its members' configs, sync frames) leaves in the order it was made. Priorities only choose which
// stream goes next and what is refused under overload:
//   - streams take turns; a stream whose next frame is a Close goes before one whose next frame is an Open;
//   - at `capacity` queued frames new Opens are refused (`queue_full`), and with them the later Modify/Close of the
//     same ticket on the same topic (`open_refused`: the slave never got the Open, so they would only confuse it);
//   - control frames (configs, sync) are accepted up to `hardCapacity`, then refused (`queue_full`); an EA's
//     config is sent again on its next heartbeat;
//   - a Close, or a Modify whose Open was sent or is queued, is ALWAYS accepted, past `hardCapacity` too (D15:
//     closes are never lost); each one admitted past `hardCapacity` is reported to `onOverCapacity` (a metric).
// Every refusal goes to `onRefused`.
import type { FrameClass, OutboundFrame } from '../core/ports';

export type RefusalReason = 'queue_full' | 'open_refused';

const RANK: Record<FrameClass, number> = { close: 0, modify: 1, control: 1, open: 2 };

const refusedKey = (item: OutboundFrame) => `${item.topic}\u0000${item.ticket}`;

/** A FIFO with a moving head, compacted now and then so a long-lived stream does not grow without bound. */
class Fifo {
  private items: OutboundFrame[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  peek(): OutboundFrame | undefined {
    return this.items[this.head];
  }

  last(): OutboundFrame | undefined {
    return this.items[this.items.length - 1];
  }

  push(item: OutboundFrame): void {
    this.items.push(item);
  }

  shift(): OutboundFrame | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head] = undefined as unknown as OutboundFrame;
    this.head++;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

export interface SendQueueOptions {
  /** Queued frames at which Opens are refused. */
  capacity: number;
  /** Queued frames at which everything is refused (default 2 × capacity). */
  hardCapacity?: number;
  /** How many refused tickets are remembered to refuse their later Modify/Close (oldest forgotten first). */
  refusedMemory?: number;
  /** A Close or Modify admitted although the queue is past `hardCapacity`. */
  onOverCapacity?: (item: OutboundFrame) => void;
}

export class SendQueue {
  private readonly streams = new Map<string, Fifo>();
  /** Streams with queued frames, in turn order. */
  private ready: string[] = [];
  private count = 0;
  private readonly hard: number;
  private readonly refusedMemory: number;
  /** `topic + ticket` of Opens refused here: their later Modify/Close on that topic are refused too. */
  private readonly refusedTickets = new Map<string, true>();

  constructor(
    private readonly opts: SendQueueOptions,
    private readonly onRefused: (item: OutboundFrame, reason: RefusalReason) => void,
  ) {
    this.hard = opts.hardCapacity ?? opts.capacity * 2;
    this.refusedMemory = opts.refusedMemory ?? 100_000;
  }

  get size(): number {
    return this.count;
  }

  /** Returns false when the frame was refused (and reported). */
  push(item: OutboundFrame): boolean {
    const refusal = this.admit(item);
    if (refusal) {
      this.onRefused(item, refusal);
      return false;
    }
    let fifo = this.streams.get(item.stream);
    if (!fifo) {
      fifo = new Fifo();
      this.streams.set(item.stream, fifo);
    }
    if (fifo.size === 0) this.ready.push(item.stream);
    fifo.push(item);
    this.count++;
    return true;
  }

  /**
   * Admits a frame that will not wait here (nothing is queued: the caller hands it to the socket at once), with the
   * same refusals as `push`. Returns false when it was refused (and reported).
   */
  admitDirect(item: OutboundFrame): boolean {
    const refusal = this.admit(item);
    if (refusal) this.onRefused(item, refusal);
    return refusal === null;
  }

  /** Null when the frame is admitted, else why not. */
  private admit(item: OutboundFrame): RefusalReason | null {
    // The ticket's key is built only when it is looked up or remembered: not for the copies of a queue with room
    // that never refused anything (every copy, normally).
    const keyed = item.cls !== 'control' && item.ticket !== undefined;
    if (keyed && item.cls !== 'open' && this.refusedTickets.size > 0) {
      const key = refusedKey(item);
      if (this.refusedTickets.has(key)) {
        if (item.cls === 'close') this.refusedTickets.delete(key);
        return 'open_refused';
      }
    }
    if (item.cls === 'close' || item.cls === 'modify') {
      if (this.count >= this.hard) this.opts.onOverCapacity?.(item);
      return null;
    }
    const full = item.cls === 'open' ? this.count >= this.opts.capacity : this.count >= this.hard;
    if (!full) return null;
    if (keyed) {
      const key = refusedKey(item);
      this.refusedTickets.set(key, true);
      if (this.refusedTickets.size > this.refusedMemory) {
        const oldest = this.refusedTickets.keys().next().value;
        if (oldest !== undefined) this.refusedTickets.delete(oldest);
      }
    }
    return 'queue_full';
  }

  /** Each stream's last queued frame: once it has left, so has everything its stream had queued before it. */
  tails(): Map<string, OutboundFrame> {
    const tails = new Map<string, OutboundFrame>();
    for (const [stream, fifo] of this.streams) {
      const last = fifo.last();
      if (last) tails.set(stream, last);
    }
    return tails;
  }

  /** The next frame to send: the head of the best-ranked ready stream, streams taking turns on equal rank. */
  shift(): OutboundFrame | undefined {
    if (this.ready.length === 0) return undefined;
    let pick = 0;
    if (this.ready.length > 1) {
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < this.ready.length; i++) {
        const rank = RANK[this.streams.get(this.ready[i]!)!.peek()!.cls];
        if (rank < best) {
          best = rank;
          pick = i;
          if (rank === 0) break;
        }
      }
    }
    const stream = this.ready[pick]!;
    const fifo = this.streams.get(stream)!;
    const item = fifo.shift()!;
    this.count--;
    if (fifo.size === 0) {
      this.ready.splice(pick, 1);
      this.streams.delete(stream);
    } else if (this.ready.length > 1) {
      // The stream goes to the back of the turn order (alone, it stays where it is).
      this.ready.splice(pick, 1);
      this.ready.push(stream);
    }
    return item;
  }
}
