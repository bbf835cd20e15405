import { expect, it } from 'vitest';
import { describeEachDb } from '../testing/databases';
import { createSignalAnnexRepository } from './signal-annex';

describeEachDb('journal annex', (ctx) => {
  const repo = () => createSignalAnnexRepository(ctx.db);
  const at = new Date('2026-06-01T12:00:00.123Z');

  it('stores a batch, keeps the first row of a repeated (master, seq, relay), reads by signal, prunes by age', async () => {
    await repo().appendBatch([
      {
        masterAccount: 'M1',
        seq: 5,
        relayId: 'relay-b',
        receivedAt: at,
        filteredBy: { S1: 'symbol_blocked' },
      },
      {
        masterAccount: 'M1',
        seq: 5,
        relayId: 'relay-c',
        receivedAt: at,
        filteredBy: { S2: 'lots_below_min' },
      },
      { masterAccount: 'M1', seq: 6, relayId: 'relay-b', receivedAt: at, filteredBy: { S1: 'stale_signal' } },
      { masterAccount: 'M2', seq: 5, relayId: 'relay-b', receivedAt: new Date(0), filteredBy: { S9: 'x' } },
    ]);
    // A retried batch, or the signal replayed after a restart: the first row stays.
    await repo().appendBatch([
      { masterAccount: 'M1', seq: 5, relayId: 'relay-b', receivedAt: at, filteredBy: { S1: 'stale_signal' } },
    ]);
    const rows = await repo().forSignals([
      { masterAccount: 'M1', seq: 5 },
      { masterAccount: 'M2', seq: 6 },
    ]);
    expect(rows.map((r) => [r.relayId, r.filteredBy]).sort()).toEqual([
      ['relay-b', { S1: 'symbol_blocked' }],
      ['relay-c', { S2: 'lots_below_min' }],
    ]);
    expect(rows[0]?.receivedAt.toISOString()).toBe(at.toISOString());
    expect(await repo().forSignals([])).toEqual([]);
    expect(await repo().pruneOlderThan(new Date(1000))).toBe(1);
    expect(await repo().forSignals([{ masterAccount: 'M2', seq: 5 }])).toEqual([]);
  });
});
