import { describe, expect, it } from 'vitest';
import { DeliveryLedger } from './ledger';

const log = { debug() {}, info() {}, warn() {}, error() {} };
const store = { loadOpenLedger: async () => [], writeLedger: async () => {}, pruneLedger: async () => 0 };

describe('DeliveryLedger open counts', () => {
  it('counts open copies per member through sends, re-sends, closes and dead letters', () => {
    const l = new DeliveryLedger(store, () => 0, log);
    l.sent('M1', 'S1', 1, 'EURUSD', 0.1);
    l.sent('M1', 'S1', 1, 'EURUSD', 0.1);
    l.parked('M1', 'S1', 2, null, null);
    l.sent('M1', 'S2', 1, null, null);
    expect([l.openCount('M1', 'S1'), l.openCount('M1', 'S2'), l.openCount('M2', 'S1')]).toEqual([2, 1, 0]);
    l.closed('M1', 'S1', 1);
    l.deadLettered('M1', 'S1', 2);
    l.closed('M1', 'S1', 99);
    expect([l.openCount('M1', 'S1'), l.openCount('M1', 'S2')]).toEqual([0, 1]);
  });
});
