import { describe, expect, it } from 'vitest';
import type { DeliveredSeqStore } from '../ledger/delivered-seq';
import { type RefusedCopy, ReplayGuard } from './replay-guard';

const log = { debug() {}, info() {}, warn() {}, error() {} };

function guardWith(loaded: { master: string; slave: string; seq: number }[]) {
  const store: DeliveredSeqStore = {
    loadDeliveredSeqs: async () =>
      loaded.map((r) => ({
        masterAccount: r.master,
        slaveAccount: r.slave,
        seq: r.seq,
        updatedAt: new Date(),
      })),
    raiseDeliveredSeqs: async () => {},
    pruneDeliveredSeqs: async () => 0,
  };
  const refused: RefusedCopy[] = [];
  const guard = new ReplayGuard(store, log, (why) => refused.push(why));
  return { guard, refused };
}

describe('ReplayGuard', () => {
  it('refuses a copy the slave had before the stop, and says it was a duplicate', async () => {
    const { guard, refused } = guardWith([{ master: 'M1', slave: 'S1', seq: 5 }]);
    await guard.load();
    guard.current = { master: 'M1', seq: 5 };
    expect(guard.duplicate('M1', 'S1')).toBe(true);
    expect(guard.duplicate('M1', 'S2')).toBe(false);
    guard.current = { master: 'M1', seq: 6 };
    expect(guard.duplicate('M1', 'S1')).toBe(false);
    expect(refused).toEqual(['duplicate']);
  });

  it('refuses a replayed Open closed before the stop to every slave, a duplicate first counted as one', async () => {
    const { guard, refused } = guardWith([{ master: 'M1', slave: 'S1', seq: 7 }]);
    await guard.load();
    guard.current = { master: 'M1', seq: 7, closed: true };
    expect(guard.duplicate('M1', 'S1')).toBe(true);
    expect(guard.duplicate('M1', 'S2')).toBe(true);
    expect(refused).toEqual(['duplicate', 'closed_before_stop']);
  });

  it('lets local signals and other masters’ copies through without a word', () => {
    const { guard, refused } = guardWith([]);
    expect(guard.duplicate('M1', 'S1')).toBe(false);
    guard.current = { master: 'M2', seq: 1, closed: true };
    expect(guard.duplicate('M1', 'S1')).toBe(false);
    expect(refused).toEqual([]);
  });
});
