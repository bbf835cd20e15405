// Publishes cross-relay messages to JetStream (docs/cluster.md, Who does what): one lane per master. A lane's
// messages are pipelined on the one connection (up to `window` in flight), so the stream stores them in the lane's
// order; they leave the buffer in that order as the stream acknowledges them. On a failure the lane waits
// `retryMs` and sends again from its oldest unacknowledged message, with the same msgIDs: whatever the stream
// already stored is dropped by its dedup window, so nothing is stored twice or out of order. While NATS is
// unreachable, messages wait in the bounded OutboundBuffer.
import { type Outbound, OutboundBuffer } from './outbound-buffer';
import type { PubAcks } from './pub-acks';

export interface PublisherEvents {
  published(item: Outbound): void;
  dropped(item: Outbound): void;
  failed(err: unknown): void;
}

interface Lane {
  /** Sent and not yet acknowledged, in send order. */
  inflight: { item: Outbound; state: 'pending' | 'ok' | 'failed'; err?: unknown }[];
  /** Bumped on every retry: results of an older round are ignored. */
  round: number;
  retryTimer: NodeJS.Timeout | null;
}

export class ClusterPublisher {
  readonly buffer: OutboundBuffer;
  private readonly lanes = new Map<string, Lane>();
  private stopped = false;
  private idle: (() => void) | null = null;

  constructor(
    private readonly acks: PubAcks,
    capacity: number,
    private readonly events: PublisherEvents,
    private readonly retryMs = 500,
    private readonly window = 256,
  ) {
    this.buffer = new OutboundBuffer(capacity);
  }

  send(item: Outbound): void {
    for (const d of this.buffer.push(item)) this.events.dropped(d);
    this.pump(item.lane);
  }

  /** NATS is back: retry every waiting lane now. */
  resume(): void {
    for (const lane of this.buffer.waitingLanes()) {
      const l = this.lane(lane);
      if (l.retryTimer) {
        clearTimeout(l.retryTimer);
        l.retryTimer = null;
      }
      this.pump(lane);
    }
  }

  private lane(name: string): Lane {
    let l = this.lanes.get(name);
    if (!l) {
      l = { inflight: [], round: 0, retryTimer: null };
      this.lanes.set(name, l);
    }
    return l;
  }

  /** Sends the lane's messages not yet in flight, up to the window. */
  private pump(name: string): void {
    if (this.stopped) return;
    const l = this.lane(name);
    if (l.retryTimer) return;
    const sent = new Set(l.inflight.map((e) => e.item));
    for (const item of this.buffer.peek(name, this.window)) {
      if (sent.has(item)) continue;
      const entry: Lane['inflight'][number] = { item, state: 'pending' };
      l.inflight.push(entry);
      const round = l.round;
      const acked = this.acks.publish(item.subject, item.data, item.msgId, item.headers);
      acked.then(
        () => {
          if (round !== l.round) return;
          entry.state = 'ok';
          this.settle(name, l);
        },
        (err: unknown) => {
          if (round !== l.round) return;
          entry.state = 'failed';
          entry.err = err;
          this.settle(name, l);
        },
      );
    }
    this.checkIdle();
  }

  /** Acknowledged messages at the head leave the buffer; a failure at the head starts a retry round. */
  private settle(name: string, l: Lane): void {
    while (l.inflight[0]?.state === 'ok') {
      const { item } = l.inflight.shift()!;
      this.buffer.done(name, item);
      this.events.published(item);
    }
    const head = l.inflight[0];
    if (head?.state === 'failed') {
      this.events.failed(head.err);
      l.round++;
      l.inflight = [];
      l.retryTimer = setTimeout(() => {
        l.retryTimer = null;
        this.pump(name);
      }, this.retryMs);
      return;
    }
    if (l.inflight.length === 0) this.pump(name);
    this.checkIdle();
  }

  private checkIdle(): void {
    if (this.buffer.depth === 0) this.idle?.();
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
    for (const l of this.lanes.values()) if (l.retryTimer) clearTimeout(l.retryTimer);
    this.acks.stop();
  }
}
