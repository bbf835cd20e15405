// Arguments that cross to the database worker in a packed form (worker-storage.ts packs, storage-worker.ts
// unpacks). The delivery ledger's batches (up to 500 rows, every 250 ms under load) would otherwise be
// structured-cloned object by object on the thread that relays trade signals: ≈ 2.5–4 µs a row there. Packed in
// columns (one string holding every text field, typed arrays for the rest) the same batch costs ≈ 0.9 µs a row,
// and the worker gets back exactly the entries it was given. Cluster mode's sequence numbers cross the same way;
// every other method's arguments cross as they are.
import type { DeliveredSeq } from '../ledger/delivered-seq';
import type { LedgerEntry, LedgerState } from '../ledger/ledger';

const STATES: readonly LedgerState[] = ['sent', 'closed', 'parked', 'dead_lettered'];
const SYMBOL_NULL = 4;
const LOTS_NULL = 8;

export interface PackedLedger {
  packedLedger: number;
  /** master, slave, ticket and symbol of every row, one after the other; `lengths` splits them. */
  text: string;
  lengths: Uint32Array;
  /** Per row: lots, openedAt and updatedAt (ms). */
  nums: Float64Array;
  /** Per row: the state's index in STATES, SYMBOL_NULL, LOTS_NULL. */
  flags: Uint8Array;
}

export function packLedger(entries: readonly LedgerEntry[]): PackedLedger {
  const n = entries.length;
  const lengths = new Uint32Array(4 * n);
  const nums = new Float64Array(3 * n);
  const flags = new Uint8Array(n);
  let text = '';
  for (let i = 0; i < n; i++) {
    const e = entries[i]!;
    const symbol = e.symbol ?? '';
    text += e.masterAccount + e.slaveAccount + e.ticket + symbol;
    lengths[4 * i] = e.masterAccount.length;
    lengths[4 * i + 1] = e.slaveAccount.length;
    lengths[4 * i + 2] = e.ticket.length;
    lengths[4 * i + 3] = symbol.length;
    nums[3 * i] = e.lots ?? 0;
    nums[3 * i + 1] = e.openedAt.getTime();
    nums[3 * i + 2] = e.updatedAt.getTime();
    flags[i] =
      STATES.indexOf(e.state) | (e.symbol === null ? SYMBOL_NULL : 0) | (e.lots === null ? LOTS_NULL : 0);
  }
  return { packedLedger: n, text, lengths, nums, flags };
}

export function unpackLedger(p: PackedLedger): LedgerEntry[] {
  const out: LedgerEntry[] = new Array(p.packedLedger);
  let at = 0;
  const next = (k: number): string => {
    const s = p.text.slice(at, at + p.lengths[k]!);
    at += p.lengths[k]!;
    return s;
  };
  for (let i = 0; i < p.packedLedger; i++) {
    const f = p.flags[i]!;
    const masterAccount = next(4 * i);
    const slaveAccount = next(4 * i + 1);
    const ticket = next(4 * i + 2);
    const symbol = next(4 * i + 3);
    out[i] = {
      masterAccount,
      slaveAccount,
      ticket,
      state: STATES[f & 3]!,
      symbol: f & SYMBOL_NULL ? null : symbol,
      lots: f & LOTS_NULL ? null : p.nums[3 * i]!,
      openedAt: new Date(p.nums[3 * i + 1]!),
      updatedAt: new Date(p.nums[3 * i + 2]!),
    };
  }
  return out;
}

/**
 * Cluster mode's sequence numbers (`raiseDeliveredSeqs`): one row per member a stream signal reached, written after
 * each batch of stream signals on the slaves' relay (100 rows a signal at a fan-out to 100), by the thread that
 * copies the next signal: packed the same way (≈ 3× cheaper to post than the rows as objects).
 */
export interface PackedSeqs {
  packedSeqs: number;
  /** master and slave of every row, one after the other; `lengths` splits them. */
  text: string;
  lengths: Uint32Array;
  /** Per row: seq and updatedAt (ms). */
  nums: Float64Array;
}

export function packSeqs(rows: readonly DeliveredSeq[]): PackedSeqs {
  const n = rows.length;
  const lengths = new Uint32Array(2 * n);
  const nums = new Float64Array(2 * n);
  let text = '';
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    text += r.masterAccount + r.slaveAccount;
    lengths[2 * i] = r.masterAccount.length;
    lengths[2 * i + 1] = r.slaveAccount.length;
    nums[2 * i] = r.seq;
    nums[2 * i + 1] = r.updatedAt.getTime();
  }
  return { packedSeqs: n, text, lengths, nums };
}

export function unpackSeqs(p: PackedSeqs): DeliveredSeq[] {
  const out: DeliveredSeq[] = new Array(p.packedSeqs);
  let at = 0;
  for (let i = 0; i < p.packedSeqs; i++) {
    const masterAccount = p.text.slice(at, at + p.lengths[2 * i]!);
    at += p.lengths[2 * i]!;
    const slaveAccount = p.text.slice(at, at + p.lengths[2 * i + 1]!);
    at += p.lengths[2 * i + 1]!;
    out[i] = { masterAccount, slaveAccount, seq: p.nums[2 * i]!, updatedAt: new Date(p.nums[2 * i + 1]!) };
  }
  return out;
}

/** The arguments of `method` as they are posted to the worker. */
export function packArgs(method: string, args: unknown[]): unknown[] {
  if (method === 'writeLedger') return [packLedger(args[0] as LedgerEntry[])];
  if (method === 'raiseDeliveredSeqs') return [packSeqs(args[0] as DeliveredSeq[])];
  return args;
}

/** The arguments of `method` as the worker calls it with (what `packArgs` was given). */
export function unpackArgs(method: string, args: unknown[]): unknown[] {
  if (method === 'writeLedger') return [unpackLedger(args[0] as PackedLedger)];
  if (method === 'raiseDeliveredSeqs') return [unpackSeqs(args[0] as PackedSeqs)];
  return args;
}
