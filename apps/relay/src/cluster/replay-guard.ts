// What a slave's relay does with the stream's signals that it may have handled before a crash (docs/cluster.md, A
// relay is killed and restarted): per-slave dedup by (master, seq), persisted in the delivery ledger's
// `delivery_seq` table before the signal is acked, and Opens replayed after a restart that are older than the
// member's maxSignalDelayMs turned into dead letters (`stale_on_replay`) instead of being sent.

import type { FilterReason } from '@sankey/shared/protocol/constants';
import type { TradeSignal } from '@sankey/shared/protocol/messages';
import { wireIntToDecimal } from '@sankey/shared/protocol/wire-int';
import type { CopyFrame } from '../core/copies-ignoring-age';
import type { CopyGuard, DeadLetterSink, Logger } from '../core/ports';
import type { DeliveredSeq, DeliveredSeqStore } from '../ledger/delivered-seq';

/** Sequence numbers per master, then per slave (no key built per copy on the fan-out path). */
export type SeqsByMaster = Map<string, Map<string, number>>;

/**
 * Why the guard refused a copy: the slave was handed the signal already (`duplicate`), or it is a replayed Open whose
 * ticket's Close the relay had received before it stopped (`closed_before_stop`).
 */
export type RefusedCopy = 'duplicate' | 'closed_before_stop';

function slavesOf(by: SeqsByMaster, master: string): Map<string, number> {
  let m = by.get(master);
  if (!m) {
    m = new Map();
    by.set(master, m);
  }
  return m;
}

export class ReplayGuard implements CopyGuard {
  /**
   * The stream's signal being handled (null: a local signal, which the guard lets through). `closed`: a replayed
   * Open whose ticket's Close the relay had received before it stopped (replay-closes.ts): refused to every slave.
   */
  current: { master: string; seq: number; closed?: boolean } | null = null;
  /** Highest sequence number handed over per member (master, slave). */
  private readonly delivered: SeqsByMaster = new Map();
  /** Raised since the last write (one row per member however many signals raised it). */
  private pending: SeqsByMaster = new Map();

  constructor(
    private readonly store: DeliveredSeqStore,
    private readonly log: Logger,
    /** Told of each copy refused, with the reason (the metric sankey_cluster_replay_copies_total). */
    private readonly onRefused: (why: RefusedCopy) => void = () => {},
  ) {}

  /** Start-up: what this relay's slaves were handed before it stopped. */
  async load(): Promise<number> {
    const rows = await this.store.loadDeliveredSeqs();
    for (const r of rows) raise(slavesOf(this.delivered, r.masterAccount), r.slaveAccount, r.seq);
    return rows.length;
  }

  duplicate(master: string, slave: string): boolean {
    const c = this.current;
    if (!c || c.master !== master) return false;
    if ((this.delivered.get(master)?.get(slave) ?? 0) >= c.seq) {
      this.onRefused('duplicate');
      return true;
    }
    if (!c.closed) return false;
    this.onRefused('closed_before_stop');
    return true;
  }

  /** The slave was handed this signal (or a later one of its master) already. */
  had(master: string, slave: string, seq: number): boolean {
    return (this.delivered.get(master)?.get(slave) ?? 0) >= seq;
  }

  handed(master: string, slave: string): void {
    const c = this.current;
    if (!c || c.master !== master) return;
    raise(slavesOf(this.delivered, master), slave, c.seq);
    raise(slavesOf(this.pending, master), slave, c.seq);
  }

  /** What was handed over since the last call (one row per member), for a later `persist`. */
  takePending(): SeqsByMaster {
    const batch = this.pending;
    this.pending = new Map();
    return batch;
  }

  /**
   * Writes what `takePending` gave; the signals are acked after it. When the database cannot be reached, the rows
   * go back to the pending ones for the next write and the signals are acked anyway (copying goes on from memory,
   * as for the rest of the ledger); a crash then may send the last ones again.
   */
  async persist(batch: SeqsByMaster): Promise<void> {
    if (batch.size === 0) return;
    const updatedAt = new Date();
    const rows: DeliveredSeq[] = [];
    for (const [masterAccount, slaves] of batch)
      for (const [slaveAccount, seq] of slaves) rows.push({ masterAccount, slaveAccount, seq, updatedAt });
    try {
      await this.store.raiseDeliveredSeqs(rows);
    } catch (err) {
      for (const r of rows) raise(slavesOf(this.pending, r.masterAccount), r.slaveAccount, r.seq);
      this.log.warn({ err: String(err), rows: rows.length }, 'delivered sequence numbers not written yet');
    }
  }
}

function raise(seqs: Map<string, number>, slave: string, seq: number): void {
  if (seq > (seqs.get(slave) ?? 0)) seqs.set(slave, seq);
}

/** Raises `into` to every number of `from` (several `takePending` batches written as one). */
export function mergeSeqs(into: SeqsByMaster, from: SeqsByMaster): SeqsByMaster {
  for (const [master, slaves] of from) {
    const seqs = slavesOf(into, master);
    for (const [slave, seq] of slaves) raise(seqs, slave, seq);
  }
  return into;
}

/**
 * Opens of a replay (after a restart) the engine refused as older than the member's maximum delay
 * (`stale_signal`): each local slave's copy becomes a dead letter `stale_on_replay`, visible in the deliveries. The
 * letter holds the frame a live copy would have carried (`frames`: the engine's symbol for the member, its alias),
 * so an operator's retry sends the slave exactly that; a member the engine refuses for another reason besides its
 * age gets no letter (a live copy would not have reached it either).
 */
export function deadLetterStaleOnReplay(
  sig: TradeSignal,
  filteredBy: Record<string, FilterReason> | undefined,
  isLocalSlave: (slave: string) => boolean,
  frames: (sig: TradeSignal, wanted: (slave: string) => boolean) => CopyFrame[],
  sink: DeadLetterSink,
): number {
  if (sig.action !== 'Open' || !filteredBy) return 0;
  const stale = new Set<string>();
  for (const [slave, reason] of Object.entries(filteredBy)) {
    if (reason === 'stale_signal' && isLocalSlave(slave)) stale.add(slave);
  }
  if (stale.size === 0) return 0;
  const copies = frames(sig, (slave) => stale.has(slave));
  for (const c of copies) {
    sink.add({
      topic: c.topic,
      payload: c.frame,
      reason: 'stale_on_replay',
      destination: c.slave,
      masterAccount: sig.source_account,
      ticket: wireIntToDecimal(sig.ticket),
      action: sig.action,
      firstAttemptAt: new Date(),
    });
  }
  return copies.length;
}
