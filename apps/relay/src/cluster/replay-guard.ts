// What a slave's relay does with the stream's signals that it may have handled before a crash (docs/cluster.md, A
// relay is killed and restarted): per-slave dedup by (master, seq), persisted in the delivery ledger's
// `delivery_seq` table before the signal is acked, and Opens replayed after a restart that are older than the
// member's maxSignalDelayMs turned into dead letters (`stale_on_replay`) instead of being sent.

import type { FilterReason } from '@sankey/shared/protocol/constants';
import type { TradeSignal } from '@sankey/shared/protocol/messages';
import { wireIntToDecimal } from '@sankey/shared/protocol/wire-int';
import type { CopyFrame } from '../core/copies-ignoring-age';
import type { CopyGuard, DeadLetterSink, Logger } from '../core/ports';
import type { DeliveredSeq, DeliveredSeqStore } from '../ledger/ledger';

const pair = (master: string, slave: string) => `${master}\u0000${slave}`;

export class ReplayGuard implements CopyGuard {
  /** The stream's signal being handled (null: a local signal, which the guard lets through). */
  current: { master: string; seq: number } | null = null;
  /** Highest sequence number handed over per member (master, slave). */
  private readonly delivered = new Map<string, number>();
  /** Raised since the last write. */
  private pending = new Map<string, DeliveredSeq>();
  duplicates = 0;

  constructor(
    private readonly store: DeliveredSeqStore,
    private readonly log: Logger,
  ) {}

  /** Start-up: what this relay's slaves were handed before it stopped. */
  async load(): Promise<number> {
    const rows = await this.store.loadDeliveredSeqs();
    for (const r of rows) this.raise(pair(r.masterAccount, r.slaveAccount), r.seq);
    return rows.length;
  }

  duplicate(master: string, slave: string): boolean {
    const c = this.current;
    if (!c || c.master !== master) return false;
    if ((this.delivered.get(pair(master, slave)) ?? 0) < c.seq) return false;
    this.duplicates++;
    return true;
  }

  /** The slave was handed this signal (or a later one of its master) already. */
  had(master: string, slave: string, seq: number): boolean {
    return (this.delivered.get(pair(master, slave)) ?? 0) >= seq;
  }

  handed(master: string, slave: string): void {
    const c = this.current;
    if (!c || c.master !== master) return;
    const key = pair(master, slave);
    this.raise(key, c.seq);
    this.pending.set(key, { masterAccount: master, slaveAccount: slave, seq: c.seq, updatedAt: new Date() });
  }

  private raise(key: string, seq: number): void {
    if (seq > (this.delivered.get(key) ?? 0)) this.delivered.set(key, seq);
  }

  /**
   * Writes what was handed over since the last call; the signals are acked after it. When the database cannot be
   * reached, the rows are kept for the next call and the signals are acked anyway (copying goes on from memory,
   * as for the rest of the ledger); a crash then may send the last ones again.
   */
  async persist(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.store.raiseDeliveredSeqs([...batch.values()]);
    } catch (err) {
      for (const [k, v] of batch) if (!this.pending.has(k)) this.pending.set(k, v);
      this.log.warn({ err: String(err), rows: batch.size }, 'delivered sequence numbers not written yet');
    }
  }
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
