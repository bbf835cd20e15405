// The delivery ledger's batches cross to the database worker packed in columns and come back as the same entries.
import { describe, expect, it } from 'vitest';
import type { DeliveredSeq } from '../ledger/delivered-seq';
import type { LedgerEntry } from '../ledger/ledger';
import { packArgs, unpackArgs } from './wire-args';

const at = new Date(1_764_200_000_123);
const entries: LedgerEntry[] = [
  {
    masterAccount: 'M1',
    slaveAccount: 'S-ü€',
    ticket: '18446744073709551615',
    state: 'sent',
    symbol: 'EURUSD.m',
    lots: 0.37,
    openedAt: at,
    updatedAt: at,
  },
  {
    masterAccount: 'M1',
    slaveAccount: '',
    ticket: '7',
    state: 'dead_lettered',
    symbol: null,
    lots: null,
    openedAt: new Date(0),
    updatedAt: new Date(Number.NaN),
  },
  {
    ...{ masterAccount: 'M2', slaveAccount: 'S2', ticket: '1' },
    state: 'closed',
    symbol: '',
    lots: 0,
    openedAt: at,
    updatedAt: at,
  },
  {
    ...{ masterAccount: 'M2', slaveAccount: 'S3', ticket: '2' },
    state: 'parked',
    symbol: 'X',
    lots: -0,
    openedAt: at,
    updatedAt: at,
  },
];

describe('worker call arguments', () => {
  it('packs a ledger batch in columns: no object per row crosses the thread boundary', () => {
    const [packed] = packArgs('writeLedger', [entries]) as [Record<string, unknown>];
    expect(Array.isArray(packed)).toBe(false);
    for (const v of Object.values(packed))
      expect(typeof v === 'object' && !ArrayBuffer.isView(v)).toBe(false);
  });

  it('gives the worker back exactly the entries, after a structured clone', () => {
    const posted = structuredClone(packArgs('writeLedger', [entries]));
    const [back] = unpackArgs('writeLedger', posted) as [LedgerEntry[]];
    expect(back).toEqual(entries);
    expect(Object.is(back[3]!.lots, -0)).toBe(true);
    expect(back[2]!.symbol).toBe('');
    expect(Number.isNaN(back[1]!.updatedAt.getTime())).toBe(true);
    expect(unpackArgs('writeLedger', structuredClone(packArgs('writeLedger', [[]])))).toEqual([[]]);
  });

  it('packs cluster sequence numbers in columns and gives the worker back the same rows', () => {
    const rows: DeliveredSeq[] = [
      { masterAccount: 'X100', slaveAccount: 'X100-S0001', seq: 9_007_199_254_740_991, updatedAt: at },
      { masterAccount: 'M-ü€', slaveAccount: '', seq: 1, updatedAt: new Date(0) },
      { masterAccount: '', slaveAccount: 'S2', seq: 0, updatedAt: at },
    ];
    const [packed] = packArgs('raiseDeliveredSeqs', [rows]) as [Record<string, unknown>];
    expect(Array.isArray(packed)).toBe(false);
    for (const v of Object.values(packed))
      expect(typeof v === 'object' && !ArrayBuffer.isView(v)).toBe(false);
    const [back] = unpackArgs('raiseDeliveredSeqs', structuredClone([packed])) as [DeliveredSeq[]];
    expect(back).toEqual(rows);
    expect(unpackArgs('raiseDeliveredSeqs', structuredClone(packArgs('raiseDeliveredSeqs', [[]])))).toEqual([
      [],
    ]);
  });

  it('leaves every other method’s arguments as they are', () => {
    const args = [{ a: 1 }, 'x'];
    expect(packArgs('appendBatch', args)).toBe(args);
    expect(unpackArgs('appendBatch', args)).toBe(args);
  });
});
