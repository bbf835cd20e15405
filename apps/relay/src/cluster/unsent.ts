// Signals this relay journaled but never got onto the stream (docs/cluster.md, Failures, NATS down): they waited in
// the in-memory buffer while NATS was unreachable and were lost when the relay stopped (a service manager's SIGTERM,
// a kill) before NATS came back, so the slaves on the other relays never got them — a Close among them left their
// positions open. At start, before the relay listens, each master's journal entries above the last sequence number
// the stream holds for it are published again, in order, under the same message ids (`<master>:<seq>`, so the
// stream drops any that did get through within its dedup window, and the slaves' relays drop what a slave already
// had by the delivery ledger). The other relays handle them as any late signal: a Close or Modify goes out
// re-stamped, an Open older than the member's maximum delay is filtered as stale.
import type { OrderType, TradeAction } from '@sankey/shared/protocol/constants';
import type { TradeSignal } from '@sankey/shared/protocol/messages';
import { parseDecimalWireInt } from '@sankey/shared/protocol/wire-int';
import type { Logger } from '../core/ports';
import type { JournalEntry, RelayStorage } from '../outbox/storage';

export interface UnsentDeps {
  journal: Pick<RelayStorage, 'journalLastSeqs' | 'journalAfter'>;
  /** The master's last signal on the stream: its sequence number (0: none) and the relay that published it. */
  lastOnStream(master: string): Promise<{ seq: number; relay: string | null }>;
  relayId: string;
  /** The master's EA is live on another relay now: its signals are that relay's to publish. */
  elsewhere(master: string): boolean;
  publish(sig: TradeSignal, seq: number): void;
  log: Logger;
  /** At most this many per master (the buffer's capacity: no more could have waited). */
  limit: number;
}

/** Publishes what the journal holds beyond the stream; returns how many signals. */
export async function publishUnsent(d: UnsentDeps): Promise<number> {
  let total = 0;
  for (const [master, last] of await d.journal.journalLastSeqs()) {
    if (d.elsewhere(master)) continue;
    const { seq: onStream, relay } = await d.lastOnStream(master);
    // A master the stream never saw (its journal predates cluster mode, or its messages aged out): nothing to resume.
    // One whose last signal on the stream another relay published moved there: what it journaled since is that
    // relay's to publish (republished from here, its header would name this relay, whose local slaves had them).
    if (onStream === 0 || last <= onStream || relay !== d.relayId) continue;
    const rows = await d.journal.journalAfter(master, onStream, d.limit);
    let n = 0;
    for (const row of rows) {
      const sig = toWire(row);
      if (sig === null) continue;
      d.publish(sig, row.seq);
      n++;
    }
    total += n;
    d.log.warn(
      { masterAccount: master, count: n, fromSeq: rows[0]?.seq, toSeq: rows.at(-1)?.seq, onStream },
      'journaled signals missing from the stream (the relay stopped before it could publish them): publishing them now',
    );
  }
  return total;
}

/** The journal's copy of a signal (journal/journal.ts) back in wire form; null when it is not readable. */
export function toWire(row: Pick<JournalEntry, 'payload'>): TradeSignal | null {
  const s = row.payload.signal as Record<string, unknown>;
  const ticket = typeof s.ticket === 'string' ? parseDecimalWireInt(s.ticket) : null;
  if (
    ticket === null ||
    typeof s.action !== 'string' ||
    typeof s.timestamp !== 'string' ||
    typeof s.sourceAccount !== 'string'
  )
    return null;
  const sig: TradeSignal = {
    action: s.action as TradeAction,
    ticket,
    timestamp: s.timestamp,
    source_account: s.sourceAccount,
  };
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  if (typeof s.symbol === 'string') sig.symbol = s.symbol;
  if (typeof s.orderType === 'string') sig.order_type = s.orderType as OrderType;
  if (num(s.lots) !== undefined) sig.lots = num(s.lots)!;
  if (num(s.openPrice) !== undefined) sig.open_price = num(s.openPrice)!;
  if (num(s.stopLoss) !== undefined) sig.stop_loss = num(s.stopLoss)!;
  if (num(s.takeProfit) !== undefined) sig.take_profit = num(s.takeProfit)!;
  if (typeof s.magicNumber === 'string') {
    const magic = parseDecimalWireInt(s.magicNumber);
    if (magic !== null) sig.magic_number = magic;
  }
  if (typeof s.comment === 'string') sig.comment = s.comment;
  if (num(s.closeRatio) !== undefined) sig.close_ratio = num(s.closeRatio)!;
  return sig;
}
