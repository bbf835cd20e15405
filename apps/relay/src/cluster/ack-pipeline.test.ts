import type { JsMsg } from '@nats-io/jetstream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeliveredSeq, DeliveredSeqStore } from '../ledger/delivered-seq';
import { AckPipeline } from './ack-pipeline';
import { ReplayGuard } from './replay-guard';

const log = { debug() {}, info() {}, warn() {}, error() {} };

/** A store whose writes take `writeMs()` each, remembering when each started and ended and what it wrote. */
function slowStore(writeMs: () => number) {
  const writes: { startedAt: number; endedAt?: number; seqs: number[] }[] = [];
  const store: DeliveredSeqStore = {
    loadDeliveredSeqs: async () => [],
    pruneDeliveredSeqs: async () => 0,
    raiseDeliveredSeqs: (rows: DeliveredSeq[]) => {
      const w: (typeof writes)[number] = { startedAt: Date.now(), seqs: rows.map((r) => r.seq) };
      writes.push(w);
      return new Promise((r) =>
        setTimeout(() => {
          w.endedAt = Date.now();
          r();
        }, writeMs()),
      );
    },
  };
  return { store, writes };
}

function world(writeMs: () => number, flushed: () => Promise<void>) {
  const { store, writes } = slowStore(writeMs);
  const guard = new ReplayGuard(store, log);
  const acks = new AckPipeline(guard, flushed, 30);
  const acked: number[] = [];
  /** The fake time of each ack (one value per turn that acked: the acks of one turn leave in one socket write). */
  const ackTurns = new Set<number>();
  /** Handles stream signal `seq` of M1: its copy to S1 is queued (the number raised), then it goes to the acks. */
  const signal = (seq: number) => {
    guard.current = { master: 'M1', seq };
    guard.handed('M1', 'S1');
    guard.current = null;
    acks.add(msg(seq));
  };
  const msg = (seq: number) =>
    ({
      seq,
      ack: () => {
        acked.push(seq);
        ackTurns.add(Date.now());
      },
    }) as unknown as JsMsg;
  /** A stream message that made no copy here (this relay's own signal). */
  const skipped = (seq: number) => acks.skip(msg(seq));
  return { writes, acked, ackTurns, signal, skipped };
}

describe('AckPipeline', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('takes each arriving batch’s flush barrier at once, not after the write before it, and writes the batches that came during a slow write in one write right after it', async () => {
    let flushes = 0;
    const { writes, acked, signal } = world(
      () => (writes.length === 1 ? 200 : 10),
      async () => {
        flushes++;
      },
    );
    signal(1);
    await vi.advanceTimersByTimeAsync(10);
    // The first write (200 ms: a cold database) is in flight; a burst comes meanwhile.
    expect(writes).toHaveLength(1);
    for (let seq = 2; seq <= 20; seq++) {
      signal(seq);
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(flushes).toBe(20);
    await vi.advanceTimersByTimeAsync(200);
    expect(writes).toHaveLength(2);
    // The second write starts the moment the first ends, with the last number of the burst.
    expect(writes[1]!.startedAt).toBe(writes[0]!.endedAt);
    expect(writes[1]!.seqs).toEqual([20]);
    // Each signal acked once, in order, after its write and the grace.
    expect(acked).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('never writes a number before its batch’s copies have left the queue and the wire wait has passed', async () => {
    const gates: (() => void)[] = [];
    const { writes, acked, signal } = world(
      () => 1,
      () => new Promise<void>((r) => gates.push(r)),
    );
    signal(1);
    await vi.advanceTimersByTimeAsync(1);
    signal(2);
    await vi.advanceTimersByTimeAsync(50);
    expect(gates).toHaveLength(2);
    expect(writes).toEqual([]);
    gates[0]!();
    await vi.advanceTimersByTimeAsync(4);
    // Batch 1's copies left, but the wire wait (5 ms) is not over yet.
    expect(writes).toEqual([]);
    await vi.advanceTimersByTimeAsync(50);
    // Batch 1 only: batch 2's copies are still queued.
    expect(writes.map((w) => w.seqs)).toEqual([[1]]);
    expect(acked).toEqual([1]);
  });

  it('does not hold a batch on the wire behind an older one whose barrier is slow: the newer barrier covers it', async () => {
    const gates: (() => void)[] = [];
    const { writes, acked, signal } = world(
      () => 1,
      () => new Promise<void>((r) => gates.push(r)),
    );
    signal(1);
    await vi.advanceTimersByTimeAsync(1);
    signal(2);
    await vi.advanceTimersByTimeAsync(1);
    // Batch 2's barrier waited for every frame queued before it, batch 1's included.
    gates[1]!();
    await vi.advanceTimersByTimeAsync(50);
    expect(writes.map((w) => w.seqs)).toEqual([[2]]);
    expect(acked).toEqual([1, 2]);
  });

  it('acks signals a few milliseconds apart together, within the grace, and messages that made no copy without a write', async () => {
    const { writes, acked, ackTurns, signal, skipped } = world(
      () => 1,
      async () => {},
    );
    // One signal every 3 ms (a master trading steadily), this relay's own signals between them.
    for (let seq = 1; seq <= 8; seq += 2) {
      signal(seq);
      skipped(seq + 1);
      await vi.advanceTimersByTimeAsync(3);
    }
    await vi.advanceTimersByTimeAsync(30);
    // Each copied signal's number written before its ack; the own ones need none.
    expect(writes.flatMap((w) => w.seqs)).toEqual([1, 3, 5, 7]);
    expect([...acked].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Before: one ack turn (one socket write) per signal, 30 ms after its write. Now one for all eight.
    expect(ackTurns.size).toBe(1);
  });
});
