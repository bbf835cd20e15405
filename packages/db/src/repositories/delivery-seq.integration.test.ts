import { expect, it } from 'vitest';
import { describeEachDb } from '../testing/databases';
import { createDeliveryLedgerRepository } from './delivery-ledger';

describeEachDb('delivery sequence numbers', (ctx) => {
  const repo = () => createDeliveryLedgerRepository(ctx.db);
  const hour = 3_600_000;

  it('prunes the members whose highest sequence number was last raised before the instant, keeps the others', async () => {
    const now = Date.now();
    await repo().raiseDeliveredSeqs([
      { masterAccount: 'M1', slaveAccount: 'S1', seq: 10, updatedAt: new Date(now - 30 * hour) },
      { masterAccount: 'M1', slaveAccount: 'S2', seq: 12, updatedAt: new Date(now - 30 * hour) },
      { masterAccount: 'M2', slaveAccount: 'S1', seq: 7, updatedAt: new Date(now - 2 * hour) },
    ]);
    // S2's number is raised again now: its row is recent and stays.
    await repo().raiseDeliveredSeqs([
      { masterAccount: 'M1', slaveAccount: 'S2', seq: 13, updatedAt: new Date(now) },
    ]);
    expect(await repo().pruneDeliveredSeqs(new Date(now - 25 * hour))).toBe(1);
    const left = (await repo().listDeliveredSeqs())
      .map((r) => [r.masterAccount, r.slaveAccount, r.seq])
      .sort((a, b) => String(a).localeCompare(String(b)));
    expect(left).toEqual([
      ['M1', 'S2', 13],
      ['M2', 'S1', 7],
    ]);
    expect(await repo().pruneDeliveredSeqs(new Date(now - 25 * hour))).toBe(0);
  });

  it('keeps the instant each number was raised, whatever the process time zone', async () => {
    const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    await repo().raiseDeliveredSeqs([{ masterAccount: 'M1', slaveAccount: 'S1', seq: 1, updatedAt: at }]);
    const [row] = await repo().listDeliveredSeqs();
    expect(row?.updatedAt.toISOString()).toBe(at.toISOString());
  });

  it('raises a fan-out’s members in one write, never lowers a number, and takes a member twice in a batch', async () => {
    const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    const slaves = Array.from({ length: 150 }, (_, i) => `S${i}`);
    await repo().raiseDeliveredSeqs([
      ...slaves.map((slaveAccount) => ({ masterAccount: 'M1', slaveAccount, seq: 5, updatedAt: at })),
      { masterAccount: 'M2', slaveAccount: 'S0', seq: 9, updatedAt: at },
    ]);
    // A later batch: S0 and S1 of M1 raised twice (two signals written together), S2 with a lower number.
    const later = new Date(at.getTime() + 1000);
    await repo().raiseDeliveredSeqs([
      { masterAccount: 'M1', slaveAccount: 'S0', seq: 6, updatedAt: later },
      { masterAccount: 'M1', slaveAccount: 'S1', seq: 6, updatedAt: later },
      { masterAccount: 'M1', slaveAccount: 'S0', seq: 7, updatedAt: later },
      { masterAccount: 'M1', slaveAccount: 'S1', seq: 7, updatedAt: later },
      { masterAccount: 'M1', slaveAccount: 'S2', seq: 4, updatedAt: later },
    ]);
    const rows = new Map(
      (await repo().listDeliveredSeqs()).map((r) => [`${r.masterAccount}/${r.slaveAccount}`, r]),
    );
    expect(rows.size).toBe(151);
    expect(rows.get('M1/S0')?.seq).toBe(7);
    expect(rows.get('M1/S1')?.seq).toBe(7);
    expect(rows.get('M1/S0')?.updatedAt.toISOString()).toBe(later.toISOString());
    expect(rows.get('M1/S2')?.seq).toBe(5);
    expect(rows.get('M1/S2')?.updatedAt.toISOString()).toBe(at.toISOString());
    expect(rows.get('M1/S149')?.seq).toBe(5);
    expect(rows.get('M2/S0')?.seq).toBe(9);
  });
});
