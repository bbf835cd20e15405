import { describe, expect, it } from 'vitest';
import { ConsumerPlan, wantedMasters } from './master-consumers';

const set = (...m: string[]) => new Set(m);

describe('wantedMasters', () => {
  it('takes the masters with a slave here that are not live here', () => {
    const withSlave = set('M1', 'M2', 'M3');
    const liveHere = set('M2');
    const wanted = wantedMasters(
      ['M1', 'M2', 'M3', 'M4'],
      (m) => withSlave.has(m),
      (m) => liveHere.has(m),
    );
    expect([...wanted]).toEqual(['M1', 'M3']);
  });
});

describe('ConsumerPlan', () => {
  it('opens what is wanted once, and nothing while nothing changes', () => {
    const p = new ConsumerPlan(60_000);
    expect(p.reconcile(set('M1', 'M2'), 0)).toEqual([
      { kind: 'open', master: 'M1' },
      { kind: 'open', master: 'M2' },
    ]);
    expect(p.reconcile(set('M1', 'M2'), 1000)).toEqual([]);
    expect(p.size).toBe(2);
    expect(p.consuming('M1')).toBe(true);
  });

  it('pauses a consumer no longer wanted, deletes it after the linger, and counts it until then', () => {
    const p = new ConsumerPlan(60_000);
    p.reconcile(set('M1'), 0);
    expect(p.reconcile(set(), 1000)).toEqual([{ kind: 'pause', master: 'M1' }]);
    expect(p.consuming('M1')).toBe(false);
    expect(p.reconcile(set(), 60_999)).toEqual([]);
    expect(p.size).toBe(1);
    expect(p.reconcile(set(), 61_000)).toEqual([{ kind: 'delete', master: 'M1' }]);
    expect(p.size).toBe(0);
    expect(p.reconcile(set(), 200_000)).toEqual([]);
  });

  it('opens a lingering consumer again when its master is wanted back within the linger (a slave that flaps)', () => {
    const p = new ConsumerPlan(60_000);
    p.reconcile(set('M1'), 0);
    p.reconcile(set(), 1000);
    expect(p.reconcile(set('M1'), 30_000)).toEqual([{ kind: 'open', master: 'M1' }]);
    // The linger starts again from the next pause, not from the first.
    expect(p.reconcile(set(), 70_000)).toEqual([{ kind: 'pause', master: 'M1' }]);
    expect(p.reconcile(set(), 100_000)).toEqual([]);
    expect(p.reconcile(set(), 130_000)).toEqual([{ kind: 'delete', master: 'M1' }]);
  });

  it('lets durables found at start linger unless wanted', () => {
    const p = new ConsumerPlan(60_000);
    p.adopt('M1', 0);
    p.adopt('M2', 0);
    expect(p.reconcile(set('M2'), 10)).toEqual([{ kind: 'open', master: 'M2' }]);
    expect(p.size).toBe(2);
    expect(p.reconcile(set('M2'), 60_000)).toEqual([{ kind: 'delete', master: 'M1' }]);
  });

  it('tries a failed open or delete again at the next reconcile', () => {
    const p = new ConsumerPlan(60_000);
    p.reconcile(set('M1'), 0);
    p.openFailed('M1', 5);
    expect(p.reconcile(set('M1'), 1000)).toEqual([{ kind: 'open', master: 'M1' }]);
    p.reconcile(set(), 2000);
    expect(p.reconcile(set(), 62_000)).toEqual([{ kind: 'delete', master: 'M1' }]);
    p.deleteFailed('M1', 62_000);
    expect(p.size).toBe(1);
    expect(p.reconcile(set(), 63_000)).toEqual([{ kind: 'delete', master: 'M1' }]);
  });
});
