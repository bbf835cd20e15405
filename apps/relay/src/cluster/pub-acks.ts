// JetStream publishes acknowledged on one reply subscription (docs/cluster.md, Cross-relay latency). The client's
// js.publish makes a request per message: a timer, a mux entry and, when the answer comes, an Error built only to
// reject the settled promise (its stack captured each time); on the master's relay that was the largest NATS cost
// per signal. Here each message is a plain publish with a reply subject `<inbox>.<n>`, the stream's answers
// arrive on one subscription, and one sweep every `timeoutMs / 4` fails what went unanswered.
import { createInbox, headers, type Msg, type NatsConnection } from '@nats-io/transport-node';

interface Waiting {
  resolve: () => void;
  reject: (err: Error) => void;
  /** performance.now() when sent. */
  at: number;
}

export class PubAcks {
  private readonly inbox = createInbox();
  private readonly waiting = new Map<number, Waiting>();
  private next = 0;
  private sweep: NodeJS.Timeout | null = null;
  private subscribed = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs = 2000,
  ) {}

  /**
   * Publishes `data` with the stream's dedup id `msgId`; resolves when the stream stored it (or dropped it as a
   * repeat), rejects on the stream's error, no responder, or no answer within the timeout.
   */
  publish(subject: string, data: Uint8Array, msgId: string, extra: Record<string, string>): Promise<void> {
    this.start();
    const h = headers();
    h.set('Nats-Msg-Id', msgId);
    for (const k in extra) h.set(k, extra[k]!);
    const n = ++this.next;
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(n, { resolve, reject, at: performance.now() });
      try {
        this.nc.publish(subject, data, { reply: `${this.inbox}.${n}`, headers: h });
      } catch (err) {
        this.waiting.delete(n);
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  private start(): void {
    if (this.subscribed) return;
    this.subscribed = true;
    this.nc.subscribe(`${this.inbox}.*`, { callback: (_err, msg) => this.answer(msg) });
    this.sweep = setInterval(() => this.expire(), Math.max(10, this.timeoutMs / 4));
    this.sweep.unref();
  }

  private answer(msg: Msg): void {
    const n = Number(msg.subject.slice(this.inbox.length + 1));
    const w = this.waiting.get(n);
    if (!w) return;
    this.waiting.delete(n);
    // A status (503: no stream listens on the subject) comes as headers without a body.
    if (msg.headers?.hasError) return w.reject(new Error(`no stream answered (${msg.headers.code})`));
    let ack: { error?: { description?: string }; stream?: string };
    try {
      ack = msg.json();
    } catch {
      return w.reject(new Error('unreadable publish acknowledgement'));
    }
    if (ack.error) return w.reject(new Error(ack.error.description ?? 'stream refused the message'));
    if (!ack.stream) return w.reject(new Error('invalid publish acknowledgement'));
    w.resolve();
  }

  private expire(): void {
    const before = performance.now() - this.timeoutMs;
    for (const [n, w] of this.waiting) {
      // Sent in order: the first one still in time ends the look.
      if (w.at > before) break;
      this.waiting.delete(n);
      w.reject(new Error('publish not acknowledged in time'));
    }
  }

  /** Stops the sweep and forgets the waiting publishes (the publisher is stopping: nobody retries them). */
  stop(): void {
    if (this.sweep) clearInterval(this.sweep);
    this.waiting.clear();
  }
}
