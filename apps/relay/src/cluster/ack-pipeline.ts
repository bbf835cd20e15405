// When a stream signal's slaves' sequence numbers are written and the signal acked (docs/cluster.md, A relay is
// killed and restarted). Signals are cut into micro-batches as they arrive (those handled in one event-loop turn):
// each cut takes the numbers its copies raised and a flush barrier at the same moment, so the barrier covers
// exactly those copies. Cuts wait for their barriers side by side, never behind a write; only the writes are
// serialized, each one coalescing every cut whose copies are on the wire by then, so under a burst the written
// numbers trail what was sent by one barrier, the wire wait and at most two writes, however long the burst lasts.
// (Until 2026-11-27 one cut waited for the previous cut's write before it even took its barrier: each signal
// waited up to two whole cycles, and a slow write — the database's first, or one on a loaded machine — held back
// every signal that arrived meanwhile.)
import type { JsMsg } from '@nats-io/jetstream';
import { mergeSeqs, type ReplayGuard, type SeqsByMaster } from './replay-guard';

/** How long after a frame was handed to the PUB socket it is taken to be on the wire (libzmq's I/O thread). */
const WIRE_WAIT_MS = 5;

interface Cut {
  msgs: JsMsg[];
  seqs: SeqsByMaster;
  onWire: boolean;
}

export class AckPipeline {
  /** Handled since the last cut. */
  private batch: JsMsg[] = [];
  private cutPending = false;
  /** Cuts not written yet, oldest first. */
  private readonly cuts: Cut[] = [];
  private writing = false;
  /** Written (or needing no write), acked when the ack timer fires. */
  private toAck: JsMsg[] = [];
  private ackTimer: NodeJS.Timeout | null = null;

  /**
   * `flushed` resolves once every frame queued before the call has been handed to the socket (and every copy
   * parked so far stored); the signals are acked at most `ackGraceMs` after their numbers are written.
   */
  constructor(
    private readonly guard: ReplayGuard,
    private readonly flushed: () => Promise<void>,
    private readonly ackGraceMs: number,
  ) {}

  /**
   * A stream message that made no copy here (another relay's master with no slave here, or this relay's own):
   * nothing to wait for, acked with the next batch of acks.
   */
  skip(m: JsMsg): void {
    this.ackSoon([m]);
  }

  /**
   * Acks wait at most `ackGraceMs` and leave together: one timer, and the client writes every ack of that turn in
   * one socket write. One timer per written batch cost a write per stream signal on both relays (and an ack for
   * the server to handle) when signals come a few milliseconds apart: CPU taken from the next signals' path on a
   * loaded machine (docs/cluster.md, Cross-relay latency).
   */
  private ackSoon(msgs: JsMsg[]): void {
    for (const m of msgs) this.toAck.push(m);
    if (this.ackTimer) return;
    this.ackTimer = setTimeout(this.ackAll, this.ackGraceMs);
  }

  private readonly ackAll = (): void => {
    this.ackTimer = null;
    const msgs = this.toAck;
    this.toAck = [];
    try {
      // In the order they were handled.
      for (const m of msgs) m.ack();
    } catch {
      // The connection closed meanwhile: the stream redelivers them after the restart (and dedup holds).
    }
  };

  /** A signal handled: its copies are queued (or parked) already. */
  add(m: JsMsg): void {
    this.batch.push(m);
    if (this.cutPending) return;
    this.cutPending = true;
    setImmediate(this.cut);
  }

  private readonly cut = (): void => {
    this.cutPending = false;
    // Numbers and barrier taken together: the copies queued later (and the numbers they raise) belong to a later
    // cut, and a number written before its copy has left would make a relay killed in between drop that copy at
    // the replay (a lost Close) instead of sending it again.
    const cut: Cut = { msgs: this.batch, seqs: this.guard.takePending(), onWire: false };
    this.batch = [];
    this.cuts.push(cut);
    void this.flushed()
      .catch(() => {})
      .then(() => new Promise((r) => setTimeout(r, WIRE_WAIT_MS)))
      .then(() => {
        cut.onWire = true;
        this.write();
      });
  };

  /**
   * Writes every cut up to the newest one whose copies are on the wire, then acks them. An older cut still waiting
   * is covered too: a barrier waits for every frame queued before it (and the parking store's flush for every
   * change made before it), so the older cut's copies left before the newer cut's, 5 ms before it at the least.
   */
  private write(): void {
    if (this.writing) return;
    const n = this.cuts.findLastIndex((c) => c.onWire) + 1;
    if (n === 0) return;
    const ready = this.cuts.splice(0, n);
    const seqs = ready.reduce((all, c) => mergeSeqs(all, c.seqs), new Map() as SeqsByMaster);
    this.writing = true;
    void this.guard
      .persist(seqs)
      .catch(() => {})
      .then(() => {
        for (const c of ready) this.ackSoon(c.msgs);
        this.writing = false;
        this.write();
      });
  }
}
