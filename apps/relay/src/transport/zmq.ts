// ZeroMQ adapter: one PULL socket for everything EAs send, one PUB socket for everything they receive
// (docs/protocol.md §1.1). Single-frame messages only; one writer per socket.

import { MAX_INBOUND_FRAME_BYTES } from '@sankey/shared/protocol/constants';
import { Pull, XPublisher } from 'zeromq';
import type { OutboundFrame } from '../core/ports';
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
  private writing = false;
  /** The frame being handed to the socket right now. */
  private inFlight: OutboundFrame | null = null;
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
    this.queue.push(item);
    if (!this.writing) void this.write();
  }

  private async write(): Promise<void> {
    this.writing = true;
    try {
      for (let item = this.queue.shift(); item; item = this.queue.shift()) {
        this.inFlight = item;
        try {
          await this.pub.send(item.frame);
          this.hooks.onSent(item);
        } catch (err) {
          this.hooks.onSendFailed(item, err);
        }
        this.inFlight = null;
        if (this.barriers.active) this.barriers.handed(item);
      }
    } finally {
      this.writing = false;
      this.inFlight = null;
      this.barriers.releaseAll();
    }
  }

  /**
   * Resolves when every frame queued so far has been handed to the socket (or failed to be), not waiting for the
   * frames queued after the call (flush-barriers.ts).
   */
  flush(): Promise<void> {
    const tails = this.queue.tails();
    const inFlight = this.inFlight;
    if (inFlight && !tails.has(inFlight.stream)) tails.set(inFlight.stream, inFlight);
    return this.barriers.add(tails);
  }

  /** Takes every frame still waiting in the send queue out of it (the shutdown deadline passed): they will not be sent. */
  abandonQueued(): OutboundFrame[] {
    const left: OutboundFrame[] = [];
    for (let item = this.queue.shift(); item; item = this.queue.shift()) left.push(item);
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
