import { expect, it } from 'vitest';
import { describeEachDb } from '../testing/databases';
import { createChangeHistoryRepository } from './change-history';
import { createOutboxRepository } from './outbox';

describeEachDb('the change history narrowed to a group or one link (History page)', (ctx) => {
  async function threeChanges() {
    const outbox = createOutboxRepository(ctx.db);
    await outbox.append({ kind: 'member.added', tradeGroupId: 'M1', slaveAccount: 'S1', payload: {} });
    await outbox.append({ kind: 'member.added', tradeGroupId: 'M1', slaveAccount: 'S2', payload: {} });
    await outbox.append({ kind: 'group.updated', tradeGroupId: 'M2', payload: {} });
    await outbox.append({ kind: 'settings.updated', payload: { changed: ['heartbeatTimeoutS'] } });
  }
  const target = (rows: { tradeGroupId: string | null; slaveAccount: string | null }[]) =>
    rows.map((r) => `${r.tradeGroupId}/${r.slaveAccount}`);

  it('lists a group with its members’ changes, one link alone, and everything newest first', async () => {
    await threeChanges();
    const history = createChangeHistoryRepository(ctx.db);
    expect(target(await history.list({ tradeGroupId: 'M1' }))).toEqual(['M1/S2', 'M1/S1']);
    expect(target(await history.list({ tradeGroupId: 'M1', slaveAccount: 'S1' }))).toEqual(['M1/S1']);
    expect(target(await history.list())).toEqual(['null/null', 'M2/null', 'M1/S2', 'M1/S1']);
    const [newest] = await history.list({ limit: 1 });
    expect(target(await history.list({ beforeId: newest?.id ?? 0, tradeGroupId: 'M2' }))).toEqual([
      'M2/null',
    ]);
  });
});
