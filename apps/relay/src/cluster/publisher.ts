// Publishes cross-relay messages to JetStream (docs/cluster.md, Who does what): one lane per master, one message
// in flight per lane so a lane's order on the stream is its order here, retried with the same msgID until the
// stream acknowledges it (the stream's dedup window drops a repeat). While NATS is unreachable, messages wait in
// the bounded OutboundBuffer.
import type { JetStreamClient } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import { type Outbound, OutboundBuffer } from './outbound-buffer';

export interface PublisherEvents {
  published(item: Outbound): void;
  dropped(item: Outbound): void;
  failed(err: unknown): void;
}

export class ClusterPublisher {
  readonly buffer: OutboundBuffer;
  private readonly busy = new Set<string>();
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private idle: (() => void) | null = null;

  constructor(
    private readonly js: JetStreamClient,
    capacity: number,
    private readonly events: PublisherEvents,
    private readonly retryMs = 500,
  ) {
    this.buffer = new OutboundBuffer(capacity);
  }

  send(item: Outbound): void {
    for (const d of this.buffer.push(item)) this.events.dropped(d);
    this.pump(item.lane);
  }

  /** NATS is back: try every waiting lane now. */
  resume(): void {
    for (const lane of this.buffer.waitingLanes()) this.pump(lane);
  }

  private pump(lane: string): void {
    if (this.stopped || this.busy.has(lane)) return;
    const item = this.buffer.head(lane);
    if (!item) {
      if (this.buffer.depth === 0 && this.busy.size === 0) this.idle?.();
      return;
    }
    this.busy.add(lane);
    const h = headers();
    for (const [k, v] of Object.entries(item.headers)) h.set(k, v);
    this.js.publish(item.subject, item.data, { msgID: item.msgId, headers: h, timeout: 2000 }).then(
      () => {
        this.buffer.done(lane, item);
        this.events.published(item);
        this.busy.delete(lane);
        this.pump(lane);
      },
      (err: unknown) => {
        this.events.failed(err);
        this.busy.delete(lane);
        this.retryTimer ??= setTimeout(() => {
          this.retryTimer = null;
          this.resume();
        }, this.retryMs);
      },
    );
  }

  /** Resolves when everything buffered is published, or after `ms`. */
  async drain(ms: number): Promise<void> {
    if (this.buffer.depth === 0) return;
    await Promise.race([
      new Promise<void>((r) => {
        this.idle = r;
      }),
      new Promise((r) => setTimeout(r, ms)),
    ]);
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }
}
