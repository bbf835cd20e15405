// Hands the stream's messages to the relay in chunks (docs/cluster.md, A relay is killed and restarted): the NATS
// client delivers a whole pull (up to `max_messages`) in one event-loop turn, and handling them all in that turn
// held back the ack pipeline's wire wait and its write of the slaves' sequence numbers (the SIGKILL repeat window:
// one cut waited 365 ms). A turn handles at most `chunk` messages; the rest wait here, in order, and the next
// chunk is handled after a `setImmediate`, so the timers and I/O of the cuts already made run in between. A message
// arriving when nothing waits and the turn's chunk is not used up is handled at once: a lone signal never waits for
// a yield. Bounded by the consumer's max_ack_pending (stream-setup.ts): the server delivers no more messages than
// that unacked, and a message is acked only after it was handled.

export class ChunkedInbox<T> {
  private queue: T[] = [];
  private head = 0;
  /** Messages this turn may still handle at once (reset by the next tick). */
  private budget: number;
  private tickScheduled = false;
  private stopped = false;

  constructor(
    private readonly handle: (item: T) => void,
    private readonly chunk: number,
  ) {
    this.budget = chunk;
  }

  /** Messages waiting for a later turn. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  push(item: T): void {
    if (this.stopped) return;
    if (this.waiting === 0 && this.budget > 0) {
      this.budget--;
      this.schedule();
      this.handle(item);
      return;
    }
    this.queue.push(item);
    this.schedule();
  }

  /** Handles nothing more (the messages left are redelivered to the next consumer: never acked). */
  stop(): void {
    this.stopped = true;
    this.queue = [];
    this.head = 0;
  }

  private schedule(): void {
    if (this.tickScheduled) return;
    this.tickScheduled = true;
    setImmediate(this.tick);
  }

  private readonly tick = (): void => {
    this.tickScheduled = false;
    this.budget = this.chunk;
    try {
      while (this.budget > 0 && this.waiting > 0 && !this.stopped) {
        const item = this.queue[this.head] as T;
        this.head++;
        this.budget--;
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
      // A chunk handled, or messages waiting: the next tick gives the turn's budget back (or goes on).
      if (this.budget < this.chunk || this.waiting > 0) this.schedule();
    }
  };
}
