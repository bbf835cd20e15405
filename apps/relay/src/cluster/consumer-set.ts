// This relay's durable consumers on the signal stream, one per master it copies (docs/cluster.md, Signals): opened,
// paused and deleted as master-consumers.ts decides, one action at a time in order; at start, each wanted master's
// consumer made again from its ack floor when it has unacknowledged messages (with the tickets closed before the
// stop read for that range), and the old single durable of an earlier version deleted. Messages go to `onMessage`.
import type { JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { type ClusterNames, masterOfDurable } from '@sankey/shared/cluster/names';
import type { Logger } from '../core/ports';
import { type ConsumerAction, ConsumerPlan } from './master-consumers';
import { ReplayCloses } from './replay-closes';
import { consumerNotFound, dropOldDurable, ensureMasterConsumer, type Replay } from './stream-setup';

interface Running {
  stop: () => void;
  /** Messages pending for the consumer at its creation, until a message is delivered. */
  pending: number;
  /** The last message delivered: its reply subject carries the consumer's pending count (read when sampled). */
  last: JsMsg | null;
}

export class ConsumerSet {
  private readonly plan: ConsumerPlan;
  private readonly running = new Map<string, Running>();
  /** Per master: the tickets closed among the messages its consumer had delivered before the stop. */
  private readonly closes = new Map<string, ReplayCloses>();
  /** Per master: when its consumer was first wanted (ms since the epoch); its signals published before are not copied. */
  private readonly since = new Map<string, number>();
  /** The actions, carried out one after another. */
  private chain: Promise<void> = Promise.resolve();
  /** False until the reconnect grace after a start has ended: consumers are made, not consumed. */
  private live = false;
  private closed = false;
  /** Consumers made before `begin`, not consumed yet, with their pending counts. */
  private readonly made = new Map<string, number>();
  /** Where the old single durable had acked (start only). */
  private upgradeFrom: Replay | null = null;

  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly names: ClusterNames,
    private readonly relayId: string,
    private readonly log: Logger,
    private readonly onMessage: (m: JsMsg) => void,
    lingerMs: number,
  ) {
    this.plan = new ConsumerPlan(lingerMs);
  }

  /** Consumers held (consuming or lingering). */
  get size(): number {
    return this.plan.size;
  }

  /**
   * Start: adopts this relay's durables left on the server, deletes the old single durable, and makes the
   * consumers of `wanted` (replaying from their ack floors), without consuming them yet.
   */
  async start(wanted: ReadonlySet<string>): Promise<void> {
    const prefix = this.names.masterDurablePrefix(this.relayId);
    const now = performance.now();
    for await (const c of this.jsm.consumers.list(this.names.signalStream)) {
      const master = masterOfDurable(prefix, c.name);
      if (master !== null) this.plan.adopt(master, now);
    }
    this.upgradeFrom = await dropOldDurable(this.jsm, this.names, this.relayId);
    if (this.upgradeFrom) {
      this.log.info(
        { durable: this.names.durable(this.relayId), ...this.upgradeFrom },
        "old single durable consumer deleted: this relay's consumers per master start where it had acked",
      );
    }
    this.reconcile(wanted);
    await this.chain;
    this.upgradeFrom = null;
  }

  /** After the reconnect grace: the consumers made so far are consumed, and every one opened later at once. */
  begin(): Promise<void> {
    this.live = true;
    this.chain = this.chain.then(async () => {
      for (const [master, pending] of this.made) await this.consume(master, pending);
      this.made.clear();
    });
    return this.chain;
  }

  /** Resolves once every action queued so far is carried out. */
  settled(): Promise<void> {
    return this.chain;
  }

  /** Brings the consumers held to `wanted` (the actions queued behind the ones still running). */
  reconcile(wanted: ReadonlySet<string>): void {
    if (this.closed) return;
    const actions = this.plan.reconcile(wanted, performance.now());
    if (actions.length === 0) return;
    const wantedAt = Date.now();
    this.chain = this.chain.then(async () => {
      for (const a of actions) await this.apply(a, wantedAt);
    });
  }

  private async apply(a: ConsumerAction, wantedAt: number): Promise<void> {
    if (this.closed) return;
    try {
      if (a.kind === 'open') return await this.open(a.master, wantedAt);
      if (a.kind === 'pause') {
        this.made.delete(a.master);
        this.running.get(a.master)?.stop();
        this.running.delete(a.master);
        return;
      }
      // Gone already (the server's inactive_threshold, an operator): nothing left to do.
      await this.jsm.consumers
        .delete(this.names.signalStream, this.names.masterDurable(this.relayId, a.master))
        .catch((err: unknown) => {
          if (!consumerNotFound(err)) throw err;
        });
      this.closes.delete(a.master);
      this.since.delete(a.master);
      this.log.info(
        { master: a.master },
        'signal consumer deleted: no slave of its master here since the linger',
      );
    } catch (err) {
      const now = performance.now();
      if (a.kind === 'open') this.plan.openFailed(a.master, now);
      if (a.kind === 'delete') this.plan.deleteFailed(a.master, now);
      this.log.warn(
        { err: String(err), ...a },
        'signal consumer action failed: tried again at the next check',
      );
    }
  }

  private async open(master: string, wantedAt: number): Promise<void> {
    const { replay, pending, sinceMs } = await ensureMasterConsumer(
      this.jsm,
      this.names,
      this.relayId,
      master,
      this.upgradeFrom,
      wantedAt,
    );
    this.since.set(master, sinceMs);
    if (replay) {
      this.log.info({ master, ...replay }, 'replaying the signals this relay had not acknowledged, in order');
      const closes = new ReplayCloses();
      await closes
        .load(
          this.js,
          this.names.signalStream,
          this.names.signalSubject(master),
          replay.fromStreamSeq,
          replay.deliveredUpTo,
        )
        .then((n) => this.log.info({ master, closes: n }, 'tickets closed before the stop read'))
        .catch((err: unknown) =>
          this.log.warn({ master, err: String(err) }, 'tickets closed before the stop not read'),
        );
      this.closes.set(master, closes);
    }
    if (this.live) await this.consume(master, pending);
    else this.made.set(master, pending);
  }

  private async consume(master: string, pending: number): Promise<void> {
    if (this.closed || !this.plan.consuming(master)) return;
    const consumer = await this.js.consumers.get(
      this.names.signalStream,
      this.names.masterDurable(this.relayId, master),
    );
    const run: Running = { stop: () => {}, pending, last: null };
    // A callback: each message is handled as the client reads it (signal-in's inbox takes a chunk per turn).
    const messages = await consumer.consume({
      max_messages: 256,
      callback: (m) => {
        run.last = m;
        this.onMessage(m);
      },
    });
    run.stop = () => void messages.close();
    this.running.set(master, run);
    void messages.closed().then((err) => {
      if (err) this.log.error({ master, err: String(err) }, 'signal consumer stopped');
    });
  }

  /**
   * A signal of `master` its relay published at `publishedMs` (its clock) came after this relay began to want the
   * master's signals: one from before is not copied (the consumer starts a little earlier, so that none published
   * while it was being made is missed). Clocks of two machines: off by their difference, in that moment only.
   */
  arrivedAfter(master: string, publishedMs: number): boolean {
    return publishedMs >= (this.since.get(master) ?? 0);
  }

  /** The replayed Open at `streamSeq` is one whose ticket's full Close the stopped relay had been delivered. */
  closedBeforeStop(streamSeq: number, master: string, ticket: string): boolean {
    return this.closes.get(master)?.closedBeforeStop(streamSeq, master, ticket) ?? false;
  }

  /**
   * Messages not yet delivered to this relay, summed over its consumers: each one's count as its last delivered
   * message said (its reply subject carries it), or as its creation said before any: no request per consumer. An
   * idle consumer keeps the count it had, 0 once it caught up; a paused one is not counted.
   */
  pending(): number {
    let sum = 0;
    for (const r of this.running.values()) sum += r.last ? r.last.info.pending : r.pending;
    for (const n of this.made.values()) sum += n;
    return sum;
  }

  /** Stops every consumer (the durables stay: a restart resumes them). */
  stop(): void {
    this.closed = true;
    for (const r of this.running.values()) r.stop();
    this.running.clear();
  }
}
