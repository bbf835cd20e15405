// Hands the stream's messages to the relay in chunks (docs/cluster.md, A relay is killed and restarted): the NATS
// client delivers a whole pull (up to `max_messages`) in one event-loop turn, and handling them all in that turn
// held back the ack pipeline's wire wait and its write of the slaves' sequence numbers (the SIGKILL repeat window:
// one cut waited 365 ms). A turn handles at most `chunk` messages (core/turn-budget.ts); the rest wait here, in
// order, and the next chunk is handled after a `setImmediate`, so the timers and I/O of the cuts already made run in
// between. A message arriving when nothing waits and the turn's chunk is not used up is handled at once: a lone
// signal never waits for a yield. Bounded by the consumer's max_ack_pending (stream-setup.ts): the server delivers
// no more messages than that unacked, and a message is acked only after it was handled.

import { TurnBudget } from '../core/turn-budget';

export class ChunkedInbox<T> {
  private queue: T[] = [];
  private head = 0;
  /** Messages a turn may handle (the next turn gives the chunk back and goes on with what waits). */
  private readonly budget: TurnBudget;
  private stopped = false;

  constructor(
    private readonly handle: (item: T) => void,
    chunk: number,
  ) {
    this.budget = new TurnBudget(chunk, this.drain);
  }

  /** Messages waiting for a later turn. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  push(item: T): void {
    if (this.stopped) return;
    if (this.waiting === 0 && this.budget.take()) {
      this.handle(item);
      return;
    }
    // The turn's chunk is spent (or messages wait already): the next turn's drain takes it, in order.
    this.queue.push(item);
  }

  /** Handles nothing more (the messages left are redelivered to the next consumer: never acked). */
  stop(): void {
    this.stopped = true;
    this.queue = [];
    this.head = 0;
  }

  private readonly drain = (): void => {
    try {
      while (this.waiting > 0 && !this.stopped && this.budget.take()) {
        const item = this.queue[this.head] as T;
        this.head++;
        this.handle(item);
      }
    } finally {
      if (this.waiting === 0) {
        this.queue = [];
        this.head = 0;
      } else if (this.head > 1024) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
    }
  };
}
