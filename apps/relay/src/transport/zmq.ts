// ZeroMQ adapter: one PULL socket for everything EAs send, one PUB socket for everything they receive
// (docs/protocol.md §1.1). Single-frame messages only; one writer per socket.

import { MAX_INBOUND_FRAME_BYTES } from '@sankey/shared/protocol/constants';
import { Pull, XPublisher } from 'zeromq';
import type { OutboundFrame } from '../core/ports';
import { TurnBudget } from '../core/turn-budget';
import { FlushBarriers } from './flush-barriers';
import { type RefusalReason, SendQueue } from './send-queue';

export interface ZmqOptions {
  bind: string;
  receiverPort: number;
  publisherPort: number;
  sendQueueCapacity: number;
  /** How long close() lets queued frames leave the socket. */
  lingerMs: number;
  /** ZMTP heartbeats on the publisher: how often, and how long before a silent subscriber is dropped. */
  heartbeatIntervalMs?: number;
  heartbeatTimeoutMs?: number;
}

export interface ZmqHooks {
  /** Called for every inbound frame, in order; the next frame is read only after it returns. */
  onFrame(frame: Buffer, receivedAtNs: bigint): void;
  onSent(item: OutboundFrame): void;
  onSendFailed(item: OutboundFrame, err: unknown): void;
  onRefused(item: OutboundFrame, reason: RefusalReason): void;
  /** A Close/Modify admitted past the queue's hard capacity (never refused). */
  onOverCapacity?(item: OutboundFrame): void;
  onReceiveError(err: unknown): void;
  /** A sender's connection to the PULL socket ended (EA gone, or refused for a frame over the limit). */
  onReceiverDisconnect?(): void;
  /** The XPUB socket reports a topic gaining its first subscriber (`live`) or losing its last. */
  onSubscription?(topic: string, live: boolean): void;
}

/**
 * Frames handed to the socket per event-loop turn, at most; the rest wait for the next turn. One signal's copies to
 * 1,000 slaves fit in one turn, so none of them waits for the signal's bookkeeping after the copy loop.
 */
const SENDS_PER_TURN = 1024;

const isBusy = (err: unknown) => (err as { code?: unknown } | null)?.code === 'EBUSY';

const portOf = (endpoint: string | null): number => Number(endpoint?.split(':').pop() ?? 0);

export class ZmqTransport {
  // libzmq refuses (and disconnects) a peer whose frame exceeds this before buffering it (D18).
  private readonly pull = new Pull({ maxMessageSize: MAX_INBOUND_FRAME_BYTES });
  // XPUB: wire-identical to PUB for the EAs' SUB sockets, and it reports subscriptions (D19). ZMTP heartbeats make
  // a dead subscriber's subscriptions go away instead of lingering.
  private readonly pub: XPublisher;
  private subLoop: Promise<void> | undefined;
  private readonly queue: SendQueue;
  private readLoop: Promise<void> | undefined;
  /** Frames given to the socket whose `send` has not settled yet, oldest first (they settle in that order). */
  private readonly outstanding: OutboundFrame[] = [];
  /** The socket is busy with a delayed write: the next frame waits for `lastSend` (see `pump`). */
  private blocked = false;
  /** `SENDS_PER_TURN` frames went in this turn: the next one waits for the next event-loop turn. */
  private yielded = false;
  /** One `setImmediate` per turn that sends, none while idle: the next turn goes on with what waits. */
  private readonly turn = new TurnBudget(SENDS_PER_TURN, () => {
    this.yielded = false;
    if (!this.blocked) this.pump();
  });
  /** The next frame to go, taken off the queue when the socket was busy. */
  private held: OutboundFrame | null = null;
  private lastSend: Promise<void> | null = null;
  private readonly settledOk = (): void => this.settled(undefined);
  private readonly settledFailed = (err: unknown): void => this.settled(err ?? new Error('send failed'));
  private readonly unblock = (): void => {
    this.blocked = false;
    if (!this.yielded) this.pump();
  };
  private readonly barriers = new FlushBarriers();
  private reading = false;
  receiverPort = 0;
  publisherPort = 0;

  constructor(
    private readonly opts: ZmqOptions,
    private readonly hooks: ZmqHooks,
  ) {
    this.pub = new XPublisher({
      linger: opts.lingerMs,
      sendHighWaterMark: 100_000,
      heartbeatInterval: opts.heartbeatIntervalMs ?? 2000,
      heartbeatTimeout: opts.heartbeatTimeoutMs ?? 6000,
      // An XPUB is always writable (at its high-water mark it drops, it never blocks), so zeromq's per-send
      // writability check (`ZMQ_EVENTS`, a poll(2) of the socket's mailbox) tells nothing: skipped.
      sendTimeout: 0,
    });
    this.pull.linger = 0;
    this.queue = new SendQueue(
      { capacity: opts.sendQueueCapacity, onOverCapacity: (item) => hooks.onOverCapacity?.(item) },
      (item, reason) => hooks.onRefused(item, reason),
    );
  }

  get queueDepth(): number {
    return this.queue.size;
  }

  async bind(): Promise<void> {
    const ep = (port: number) => `tcp://${this.opts.bind}:${port === 0 ? '*' : port}`;
    await this.pull.bind(ep(this.opts.receiverPort));
    this.receiverPort = portOf(this.pull.lastEndpoint);
    await this.pub.bind(ep(this.opts.publisherPort));
    this.publisherPort = portOf(this.pub.lastEndpoint);
  }

  startReading(): void {
    this.reading = true;
    this.subLoop = this.readSubscriptions();
    this.pull.events.on('disconnect', () => this.hooks.onReceiverDisconnect?.());
    this.readLoop = this.read();
  }

  private async read(): Promise<void> {
    try {
      while (this.reading) {
        const parts = await this.pull.receive();
        const receivedAtNs = process.hrtime.bigint();
        // Multipart frames are not part of the protocol; only the first part is a message.
        const frame = parts[0];
        if (frame) this.hooks.onFrame(frame, receivedAtNs);
      }
    } catch (err) {
      if (this.reading && !this.pull.closed) this.hooks.onReceiveError(err);
    }
  }

  /** Subscription reports: byte 1 (subscribe) or 0 (unsubscribe), then the topic. */
  private async readSubscriptions(): Promise<void> {
    try {
      for await (const [msg] of this.pub) {
        if (!msg || msg.length === 0) continue;
        this.hooks.onSubscription?.(msg.subarray(1).toString('utf8'), msg[0] === 1);
      }
    } catch (err) {
      if (!this.pub.closed) this.hooks.onReceiveError(err);
    }
  }

  send(item: OutboundFrame): void {
    // Nothing queued or held before it and the writer free: the frame goes straight to the socket, as `pump` would
    // take it off the queue at once (same order, same refusals), without a trip through the stream's FIFO.
    if (this.held === null && !this.blocked && !this.yielded && this.queue.size === 0) {
      if (this.queue.admitDirect(item)) this.write(item);
      return;
    }
    if (this.queue.push(item) && !this.blocked && !this.yielded) this.pump();
  }

  /**
   * Hands queued frames to the socket, synchronously, in the queue's order. While the socket takes a frame at once
   * (zeromq's `send` returns a settled promise: writable, and fewer than 512 sends since its last event-loop turn)
   * the next one follows without a microtask hop, so a signal's copies leave while the rest are being made. When
   * it does not (a delayed write, then `EBUSY` for the next `send`), the frame is held and everything waits for
   * that write to settle, as the send queue's order and bounds (D14, D15) want. After `SENDS_PER_TURN` frames in
   * one event-loop turn the next waits for the next turn (zeromq without `sendTimeout: 0` makes its 513th send of a
   * turn a delayed write), so a burst neither starves the loop nor leaves the queue's accounting (refusals, shutdown
   * letters). The budget is per turn, not per run of frames: a budget spent over many signals would split a later
   * signal's copies, the rest waiting for that signal's bookkeeping. Outcomes (`onSent`, `onSendFailed`) are
   * reported as each `send` settles, in order.
   */
  private pump(): void {
    for (let item = this.held ?? this.queue.shift(); item; item = this.queue.shift()) {
      this.held = null;
      if (!this.write(item)) return;
    }
  }

  /** Hands one frame to the socket; false when it is held instead (the writer's turn is over, or the socket busy). */
  private write(item: OutboundFrame): boolean {
    if (!this.turn.take()) {
      // The next turn was scheduled by this turn's first frame.
      this.held = item;
      this.yielded = true;
      return false;
    }
    let sent: Promise<void>;
    try {
      sent = this.pub.send(item.frame);
    } catch (err) {
      if (isBusy(err) && this.lastSend && this.outstanding.length > 0) {
        this.held = item;
        this.blocked = true;
        this.lastSend.then(this.unblock, this.unblock);
        return false;
      }
      // Reported after the frames before it, like any other outcome.
      sent = Promise.reject(err);
    }
    this.outstanding.push(item);
    this.lastSend = sent;
    sent.then(this.settledOk, this.settledFailed);
    return true;
  }

  /** The oldest outstanding `send` settled (`err` undefined: sent). */
  private settled(err: unknown): void {
    const item = this.outstanding.shift();
    if (!item) return;
    if (err === undefined) this.hooks.onSent(item);
    else this.hooks.onSendFailed(item, err);
    if (this.barriers.active) {
      this.barriers.handed(item);
      if (this.outstanding.length === 0 && this.held === null && this.queue.size === 0)
        this.barriers.releaseAll();
    }
  }

  /**
   * Resolves when every frame queued so far has been handed to the socket (or failed to be), not waiting for the
   * frames queued after the call (flush-barriers.ts).
   */
  flush(): Promise<void> {
    const tails = this.queue.tails();
    // Frames taken off the queue but not settled yet come before every queued frame of their stream.
    const before = this.held ? [...this.outstanding, this.held] : this.outstanding;
    for (let i = before.length - 1; i >= 0; i--) {
      const item = before[i]!;
      if (!tails.has(item.stream)) tails.set(item.stream, item);
    }
    return this.barriers.add(tails);
  }

  /** Takes every frame still waiting in the send queue out of it (the shutdown deadline passed): they will not be sent. */
  abandonQueued(): OutboundFrame[] {
    const left: OutboundFrame[] = [];
    if (this.held) left.push(this.held);
    this.held = null;
    for (let item = this.queue.shift(); item; item = this.queue.shift()) left.push(item);
    if (this.outstanding.length === 0) this.barriers.releaseAll();
    return left;
  }

  /** Stops reading; the message in hand (if any) has already been handled synchronously. */
  async stopReading(): Promise<void> {
    this.reading = false;
    this.pull.close();
    await this.readLoop;
  }

  async close(): Promise<void> {
    if (!this.pull.closed) await this.stopReading();
    await this.flush();
    this.pub.close();
    await this.subLoop;
  }
}
