// Consumes the other relays' signals from this relay's durable consumers, one per master with a slave here
// (docs/cluster.md, Signals; consumer-set.ts): skips redeliveries and what is no longer for a slave here, hands the
// rest to the core as local signals (not journaled again, but the reasons its own slaves got no copy go to the
// journal's annex), and acks each once its copies have left the send queue.
import type { JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { ClusterNames } from '@sankey/shared/cluster/names';
import { decodeInbound } from '@sankey/shared/protocol/codec';
import type { FilterReason } from '@sankey/shared/protocol/constants';
import { wireIntToDecimal } from '@sankey/shared/protocol/wire-int';
import type { DeadLetterSink, Logger } from '../core/ports';
import { AckPipeline } from './ack-pipeline';
import { ChunkedInbox } from './chunked-inbox';
import type { ClusterConfig } from './config';
import { ConsumerSet } from './consumer-set';
import { H_AT, H_RELAY, H_SEQ } from './headers';
import { wantedMasters } from './master-consumers';
import type { ClusterMetrics } from './metrics';
import type { EaPlacement } from './placement';
import { deadLetterStaleOnReplay, type ReplayGuard } from './replay-guard';
import { SubjectMasters } from './subject-master';
import type { JournalTap } from './taps';

export class SignalInlet {
  /** Highest sequence number handled per remote master (redeliveries are skipped). */
  private readonly handled = new Map<string, number>();
  /** Resolves when every frame queued so far has been handed to the PUB socket, and every copy parked so far stored. */
  private flushed: () => Promise<void> = async () => {};
  /** Messages handled, acked once their copies have left the send queue and their numbers are written. */
  private readonly acks: AckPipeline;
  /** The client's pulls, handed to the core a chunk per turn. */
  private readonly inbox: ChunkedInbox<JsMsg>;
  private readonly consumers: ConsumerSet;
  /** Set once the consumers found at start are adopted: reconciles before that wait. */
  private started = false;
  private pendingTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** The stream's last sequence number when this relay started: messages up to it are a replay. */
  private replayUpTo = 0;
  private readonly masters: SubjectMasters;

  constructor(
    js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly names: ClusterNames,
    private readonly cfg: ClusterConfig,
    private readonly metrics: ClusterMetrics,
    private readonly log: Logger,
    private readonly where: EaPlacement,
    private readonly tap: () => JournalTap | null,
    private readonly guard: ReplayGuard,
    private readonly deadLetters: DeadLetterSink,
  ) {
    this.acks = new AckPipeline(guard, () => this.flushed(), cfg.ackGraceMs ?? 30);
    this.masters = new SubjectMasters(names);
    // At most a chunk per event-loop turn (chunked-inbox.ts): the ack pipeline's timers run between chunks.
    const chunk = cfg.inboxChunk ?? 32;
    this.inbox = new ChunkedInbox((m) => this.onMessage(m), chunk > 0 ? chunk : Number.POSITIVE_INFINITY);
    const lingerMs = cfg.consumerLingerMs ?? 60_000;
    this.consumers = new ConsumerSet(js, jsm, names, cfg.relayId, log, (m) => this.inbox.push(m), lingerMs);
  }

  /**
   * Makes the consumers of the masters with a slave here (replaying each from its ack floor), then consumes once
   * this relay's slaves are back (or the grace ends).
   */
  async start(flushed?: () => Promise<void>): Promise<void> {
    if (flushed) this.flushed = flushed;
    await this.consumers.start(this.wanted());
    this.started = true;
    this.metrics.consumers.set(this.consumers.size);
    this.replayUpTo = (await this.jsm.streams.info(this.names.signalStream)).state.last_seq;
    const members = await this.guard.load();
    if (members > 0) this.log.info({ members }, 'delivered sequence numbers loaded');
    // After a restart, the slaves the bucket says are here get a moment to reconnect before the backlog is
    // consumed: a Close for one of them must find it listening (and an Open older than its maximum delay is then
    // filtered as stale), not be dropped because it has not heartbeaten yet.
    void this.whenSlavesBack()
      .then(() => (this.closed ? undefined : this.consumers.begin()))
      .catch((err: unknown) => this.log.error({ err: String(err) }, 'cluster consumers not started'));
    this.pendingTimer = setInterval(() => this.samplePending(), 5000);
  }

  /** The masters whose signals this relay copies: a member's slave here, the master not live here. */
  private wanted(): Set<string> {
    const w = this.where;
    return wantedMasters(
      w.core.groups().map((g) => g.id),
      (m) => w.hasLocalSlave(m),
      (m) => w.isLocalLive(m, 'Master'),
    );
  }

  /**
   * The wanted masters may have changed (an EA here came, went or changed status, a bucket update, an applied outbox
   * row): checked once in this turn, however many changes it brought.
   */
  reconcileSoon(): void {
    if (this.reconcileQueued) return;
    this.reconcileQueued = true;
    setImmediate(() => {
      this.reconcileQueued = false;
      this.reconcile();
    });
  }
  private reconcileQueued = false;

  /**
   * Consumers made, paused or deleted as the wanted masters changed: on a change that can alter them (an EA of
   * this relay came or went, a bucket update, an applied outbox row) and every second.
   */
  reconcile(): void {
    if (!this.started || this.closed) return;
    this.consumers.reconcile(this.wanted());
    this.metrics.consumers.set(this.consumers.size);
  }

  private async whenSlavesBack(): Promise<void> {
    const graceMs = this.cfg.reconnectGraceMs ?? 10_000;
    const deadline = performance.now() + graceMs;
    const waiting = () =>
      [...this.where.mine].filter((key) => key.startsWith('Slave\u0000') && !this.where.remote.has(key))
        .length;
    if (waiting() === 0) return;
    this.log.info(
      { slaves: waiting(), graceMs },
      "waiting for this relay's slaves to reconnect before consuming",
    );
    while (waiting() > 0 && performance.now() < deadline && !this.closed) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private onMessage(m: JsMsg): void {
    // A consumer is held only for a master with a slave here that is not live here (consumer-set.ts), but the
    // checks stay: the consumer is paused a turn after that changes, and one paused while its master was here
    // holds this relay's own signals when it is consumed again. Those make no copy: nothing to wait for.
    let copying = false;
    try {
      if (this.skippedBySubject(m.subject)) return;
      const from = m.headers?.get(H_RELAY);
      if (from === this.cfg.relayId) {
        this.metrics.consumed.inc({ outcome: 'own' });
        return;
      }
      copying = true;
      const decoded = decodeInbound(m.data);
      if (!decoded.ok || decoded.value.type !== 'TradeSignal') {
        this.metrics.consumed.inc({ outcome: 'bad' });
        this.log.warn({ subject: m.subject }, 'unreadable message on the signal stream skipped');
        return;
      }
      const master = decoded.value.message.source_account;
      const at = Number(m.headers?.get(H_AT) ?? 0);
      if (at > 0 && !this.consumers.arrivedAfter(master, at)) {
        // Published before this relay wanted the master (a new consumer starts a little earlier): no slave here then.
        copying = false;
        this.metrics.consumed.inc({ outcome: 'before_wanted' });
        return;
      }
      const seq = Number(m.headers?.get(H_SEQ) ?? 0);
      if (seq > 0 && seq <= (this.handled.get(master) ?? 0)) {
        this.metrics.consumed.inc({ outcome: 'duplicate' });
        return;
      }
      if (seq > 0) this.handled.set(master, seq);
      if (this.where.isLocalLive(master, 'Master')) {
        // A master seen at two relays: its signals are copied by the relay it is connected to.
        this.metrics.consumed.inc({ outcome: 'master_here' });
        return;
      }
      if (!this.where.hasLocalSlave(master)) {
        this.metrics.consumed.inc({ outcome: 'no_local_slave' });
        return;
      }
      const tap = this.tap();
      if (tap) {
        tap.remote = true;
        tap.remoteFilteredBy = undefined;
      }
      const sig = decoded.value.message;
      // A Close or Modify is never too old to carry out, but the slave's DLL drops any signal older than its
      // max_signal_delay_ms (docs/protocol.md §5.3). One that crosses late (a NATS outage, a replay after a restart,
      // machines whose clocks differ) goes out under this relay's clock, as a parked one does when it is released;
      // an Open keeps the master's time, so a stale one is still refused.
      if (sig.action !== 'Open') sig.timestamp = new Date().toISOString();
      const closed =
        m.seq <= this.replayUpTo &&
        sig.action === 'Open' &&
        this.consumers.closedBeforeStop(m.seq, master, wireIntToDecimal(sig.ticket));
      this.guard.current = seq > 0 ? { master, seq, closed } : null;
      try {
        this.where.core.handle(decoded.value, process.hrtime.bigint());
      } finally {
        if (tap) tap.remote = false;
        this.guard.current = null;
      }
      this.metrics.consumed.inc({ outcome: 'copied' });
      if (tap?.remoteFilteredBy && seq > 0) this.annex(tap, master, seq, tap.remoteFilteredBy);
      // An Open closed before the stop gets no letter either: retried, it would open a position nothing closes.
      if (m.seq <= this.replayUpTo && tap && !closed) {
        const stale = deadLetterStaleOnReplay(
          decoded.value.message,
          tap.remoteFilteredBy,
          // Not for a slave that had the Open before the crash.
          (slave) => this.where.isLocal(slave, 'Slave') && !this.guard.had(master, slave, seq),
          (sig, wanted) => this.where.core.framesIgnoringAge(sig, wanted),
          this.deadLetters,
        );
        if (stale > 0) this.metrics.replayed.inc({ outcome: 'stale_on_replay' }, stale);
      }
      if (at > 0) {
        this.metrics.lag.observe(Math.max(0, Date.now() - at) / 1000);
        this.metrics.lagWindow.record(Date.now() - at);
      }
    } catch (err) {
      this.metrics.consumed.inc({ outcome: 'error' });
      this.log.error({ err: String(err) }, 'cluster signal not handled');
    } finally {
      // Copies are queued or parked synchronously by core.handle; the ack waits until the queued ones have been
      // handed to the socket, so a relay killed before that gets the signal again after its restart.
      if (copying) this.acks.add(m);
      else this.acks.skip(m);
    }
  }

  /**
   * The reasons the engine gave this relay's own slaves (the master's relay journalled the rest), for the Trades
   * page: buffered by the journal, written off the signal path.
   */
  private annex(tap: JournalTap, master: string, seq: number, all: Record<string, FilterReason>): void {
    let mine: Record<string, FilterReason> | undefined;
    for (const [slave, reason] of Object.entries(all)) {
      if (!this.where.isLocal(slave, 'Slave')) continue;
      mine ??= {};
      mine[slave] = reason;
    }
    if (mine) tap.annex(master, seq, this.cfg.relayId, mine);
  }

  /**
   * Signals of a master connected here (this relay published them; or, a master seen at two relays, it copies them
   * itself) and of masters with no slave here (any more), skipped from the subject alone: their headers and payload
   * are never decoded. Such a signal does not count as handled for the dedup of
   * redeliveries: a redelivery that finds a slave here later is copied (the replay guard still refuses a copy the
   * slave had).
   */
  private skippedBySubject(subject: string): boolean {
    const master = this.masters.of(subject);
    if (master === null) return false;
    if (this.where.isLocalLive(master, 'Master')) {
      this.metrics.consumed.inc({ outcome: 'own' });
      return true;
    }
    if (!this.where.hasLocalSlave(master)) {
      this.metrics.consumed.inc({ outcome: 'no_local_slave' });
      return true;
    }
    return false;
  }

  /** The pending gauge: summed over the consumers from what their deliveries said (consumer-set.ts). */
  private samplePending(): void {
    const pending = this.consumers.pending();
    this.metrics.pending.set(pending);
    this.metrics.lagWindow.pending = pending;
    this.metrics.consumers.set(this.consumers.size);
  }

  /** Stops waiting and sampling (first, before the publisher drains). */
  halt(): void {
    this.closed = true;
    if (this.pendingTimer) clearInterval(this.pendingTimer);
  }

  /** Stops the consumers. */
  stop(): void {
    this.consumers.stop();
    this.inbox.stop();
  }
}
