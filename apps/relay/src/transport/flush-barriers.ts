// "Every frame queued so far has left the queue", answered while new frames keep arriving (docs/cluster.md, A
// relay is killed and restarted: a stream signal is acked, and its slaves' sequence numbers written, once its
// copies have been handed to the socket). Waiting for an empty queue instead would wait for as long as a burst
// lasts, and a relay killed meanwhile would replay, and dead-letter as stale, signals its slaves already had.
//
// A barrier holds each stream's last queued frame: frames of one stream leave in the order they were queued
// (send-queue.ts), so once those have all been handed over, so has everything queued before the barrier.
import type { OutboundFrame } from '../core/ports';

interface Barrier {
  tails: Map<string, OutboundFrame>;
  resolve: () => void;
}

export class FlushBarriers {
  private waiting: Barrier[] = [];

  /** True while a barrier waits: only then does each handed frame need a look. */
  get active(): boolean {
    return this.waiting.length > 0;
  }

  /** Resolves once every frame in `tails` (one per stream) has been handed over; at once when there is none. */
  add(tails: Map<string, OutboundFrame>): Promise<void> {
    if (tails.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push({ tails, resolve }));
  }

  /** A frame left the queue (sent, or failed to send). */
  handed(item: OutboundFrame): void {
    let done = false;
    for (const b of this.waiting) {
      if (b.tails.get(item.stream) === item) {
        b.tails.delete(item.stream);
        if (b.tails.size === 0) done = true;
      }
    }
    if (!done) return;
    const still: Barrier[] = [];
    for (const b of this.waiting) {
      if (b.tails.size === 0) b.resolve();
      else still.push(b);
    }
    this.waiting = still;
  }

  /** The queue is empty (or was abandoned at shutdown): nothing anyone waits for is still queued. */
  releaseAll(): void {
    const all = this.waiting;
    this.waiting = [];
    for (const b of all) b.resolve();
  }
}
