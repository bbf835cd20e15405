// Delivery of trade copies to slaves (docs/protocol.md D19, D20): a copy for a slave listening for its master goes
// to the send queue; otherwise it is parked — Close/Modify until delivered, Open only while fresh — and released,
// after the slave's config, when its `trade/M/S` subscription is live again. Whatever cannot be delivered becomes a
// dead letter with its reason. Pure logic over ports: the listeners registry, the parking lot, the ledger, sinks.
import { decodeOutboundFrame, encodeOutbound } from '@sankey/shared/protocol/codec';
import type { TradeAction } from '@sankey/shared/protocol/constants';
import type { TradeSignal } from '@sankey/shared/protocol/messages';
import type { Listeners } from './listening';
import type { ParkedCopy, ParkingLot } from './parking';
import type {
  Clock,
  CopyGuard,
  DeadLetterReason,
  DeadLetterSink,
  DeliveryLedgerPort,
  FrameClass,
  FrameSink,
  IsBlocked,
  Logger,
  SendTracker,
} from './ports';

export interface DeliveryDeps {
  frames: FrameSink;
  deadLetters: DeadLetterSink;
  ledger: DeliveryLedgerPort;
  clock: Clock;
  log: Logger;
  /** The blocklist: a blocked slave gets no copies (absent: nobody is blocked). */
  isBlocked?: IsBlocked;
  /** Cluster mode: per-slave dedup of the stream's signals (absent: every copy goes). */
  copyGuard?: CopyGuard | undefined;
}

export interface TradeCopy {
  /** The real master: stream (D14), parking and ledger key. */
  master: string;
  /** The id the slave knows the master by (its alias in isolated delivery, D23); the master when absent. */
  via?: string;
  slave: string;
  action: TradeAction;
  ticket: number | bigint;
  topic: string;
  frame: Buffer;
  cls: FrameClass;
  tracker?: SendTracker | undefined;
  /** The member's maxSignalDelayMs: how long an Open may wait. */
  openMaxDelayMs: number;
}

export type DeliveryOutcome = 'sent' | 'parked' | 'cancelled';

export class Delivery {
  constructor(
    readonly listeners: Listeners,
    readonly parking: ParkingLot,
    private readonly deps: DeliveryDeps,
    /** The id a slave knows the master by now (D23): parked copies are released under it. */
    private readonly viaOf: (master: string, slave: string) => string = (master) => master,
  ) {}

  /** Sends or parks one copy. A Close whose Open is still parked cancels both (`closed_while_offline`). */
  deliver(copy: TradeCopy): DeliveryOutcome {
    const guard = this.deps.copyGuard;
    if (this.deps.isBlocked?.(copy.slave) || guard?.duplicate(copy.master, copy.slave)) {
      this.settle(copy.tracker);
      return 'cancelled';
    }
    guard?.handed(copy.master, copy.slave);
    // An empty parking lot (the usual case) holds no Open to cancel: no ticket string, no lookup per copy.
    if (
      copy.action === 'Close' &&
      this.parking.size > 0 &&
      this.parking.hasOpen(copy.master, copy.slave, String(copy.ticket))
    ) {
      const ticket = String(copy.ticket);
      for (const c of this.parking.cancelTicket(copy.master, copy.slave, ticket))
        this.dead(c, 'closed_while_offline');
      this.settle(copy.tracker);
      return 'cancelled';
    }
    if (this.listeners.isListening(copy.via ?? copy.master, copy.slave) || !this.listeners.reported) {
      // Before the socket reported anything (the first moments after start) nothing is known: send, as always.
      this.deps.frames.send({
        frame: copy.frame,
        topic: copy.topic,
        stream: copy.master,
        cls: copy.cls,
        ticket: copy.ticket,
        tracker: copy.tracker,
        to: copy.slave,
      });
      return 'sent';
    }
    const now = this.deps.clock.nowMs();
    const overflow = this.parking.park(
      copy.master,
      copy.slave,
      copy.action,
      String(copy.ticket),
      copy.frame,
      now,
      copy.openMaxDelayMs,
    );
    for (const c of overflow) this.dead(c, 'queue_overflow');
    this.settle(copy.tracker);
    return 'parked';
  }

  /** An operator's retry of a dead letter (D20): delivered like a fresh copy; an Open counts as the slave's. */
  redeliver(copy: TradeCopy, symbol: string | null): DeliveryOutcome {
    const outcome = this.deliver(copy);
    if (copy.action === 'Open' && outcome === 'sent') {
      this.deps.ledger.sent(copy.master, copy.slave, copy.ticket, symbol, null);
    } else if (copy.action === 'Open' && outcome === 'parked') {
      this.deps.ledger.parked(copy.master, copy.slave, copy.ticket, symbol, null);
    }
    return outcome;
  }

  /**
   * The slave listens for the master again: `sendConfig` first (its current config), then its parked copies in
   * order — Close/Modify re-stamped (the DLL drops any signal older than max_signal_delay_ms, docs/protocol.md §5.3),
   * an Open only if still fresh and its ticket still open at the master. `sendConfig` answers whether that config
   * lets the slave's EA take Opens (status > 0 and allow_new_orders): a slave back after its heartbeat timeout is
   * only Registered until its first heartbeat, and its EA would drop an Open then (`new_orders_not_allowed`), so
   * the first parked Open and everything after it keep waiting for `releaseHeld`.
   */
  release(master: string, slave: string, sendConfig: () => boolean | undefined): number {
    const opensAccepted = sendConfig() !== false;
    const now = this.deps.clock.nowMs();
    let sent = 0;
    for (const c of this.parking.take(master, slave, !opensAccepted)) {
      if (c.action === 'Open' && c.expiresAtMs <= now) {
        this.dead(c, 'expired_while_offline');
        continue;
      }
      const via = this.viaOf(master, slave);
      const frame = this.restamp(c, c.action === 'Open' ? null : now, via);
      if (!frame) continue;
      this.deps.frames.send({
        frame,
        topic: `trade/${via}/${slave}`,
        stream: master,
        cls: clsOf(c.action),
        ticket: BigInt(c.ticket),
      });
      if (c.action === 'Open') this.deps.ledger.released(master, slave, BigInt(c.ticket));
      sent++;
    }
    return sent;
  }

  /**
   * A config that lets the slave take Opens has just gone out: what still waits for a listening slave (held back
   * by `release`) goes now. The config was just sent, so it is not sent again.
   */
  releaseHeld(master: string, slave: string): number {
    if (this.parking.countForPair(master, slave) === 0) return 0;
    if (!this.listeners.isListening(this.viaOf(master, slave), slave)) return 0;
    return this.release(master, slave, () => true);
  }

  /** Parked copies past their time become dead letters (`expired_while_offline`). Run every second. */
  sweep(): number {
    const expired = this.parking.expire(this.deps.clock.nowMs());
    for (const c of expired) this.dead(c, 'expired_while_offline');
    return expired.length;
  }

  /**
   * The parked frame as it goes out now: re-stamped when `nowMs` is given, and under the id the slave knows the
   * master by now (a delivery switch may have happened while it waited, D23). Unchanged frames are not re-encoded.
   */
  private restamp(c: ParkedCopy, nowMs: number | null, via: string): Buffer | null {
    const topic = `trade/${via}/${c.slave}`;
    if (nowMs === null && c.payload.subarray(0, topic.length + 1).equals(Buffer.from(`${topic} `))) {
      return c.payload;
    }
    const decoded = decodeOutboundFrame(c.payload, 'Slave');
    if (!('message' in decoded) || decoded.message.type !== 'TradeSignal') {
      this.dead(c, 'frame_refused');
      return null;
    }
    const sig: TradeSignal = { ...decoded.message.message, source_account: via };
    if (nowMs !== null) sig.timestamp = new Date(nowMs).toISOString();
    try {
      return encodeOutbound(topic, { type: 'TradeSignal', message: sig });
    } catch {
      this.dead(c, 'frame_refused');
      return null;
    }
  }

  private topicOf(c: ParkedCopy): string {
    return `trade/${c.master}/${c.slave}`;
  }

  private dead(c: ParkedCopy, reason: DeadLetterReason): void {
    if (c.action === 'Open') this.deps.ledger.deadLettered(c.master, c.slave, BigInt(c.ticket));
    this.deps.deadLetters.add({
      topic: this.topicOf(c),
      payload: c.payload,
      reason,
      destination: c.slave,
      masterAccount: c.master,
      ticket: c.ticket,
      action: c.action,
      firstAttemptAt: new Date(c.parkedAtMs),
    });
  }

  /** A copy that will not be sent now still counts as handled for the signal's latency tracker. */
  private settle(tracker: SendTracker | undefined): void {
    if (tracker && --tracker.pending === 0) tracker.onDone(process.hrtime.bigint() - tracker.receivedAtNs);
  }
}

function clsOf(action: TradeAction): FrameClass {
  return action === 'Close' ? 'close' : action === 'Modify' ? 'modify' : 'open';
}
