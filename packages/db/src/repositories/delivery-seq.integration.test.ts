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
});
