import { expect, it } from 'vitest';
import { describeEachDb } from '../testing/databases';
import { createMemberAliasRepository } from './member-aliases';
import { createTradeGroupRepository } from './trade-groups';

describeEachDb('member aliases and delivery mode (docs/protocol.md D23)', (ctx) => {
  const aliases = () => createMemberAliasRepository(ctx.db);
  const groups = () => createTradeGroupRepository(ctx.db);

  it('stores an alias once: a second write for the same alias or member keeps the first', async () => {
    await aliases().add({ alias: 'M1~0000aaaa', masterAccount: 'M1', slaveAccount: 'S1' });
    await aliases().add({ alias: 'M1~0000aaaa', masterAccount: 'M1', slaveAccount: 'S2' });
    await aliases().add({ alias: 'M1~ffffffff', masterAccount: 'M1', slaveAccount: 'S1' });
    await aliases().add({ alias: 'M1~0000bbbb', masterAccount: 'M1', slaveAccount: 'S2' });
    expect(await aliases().list()).toEqual([
      { alias: 'M1~0000aaaa', masterAccount: 'M1', slaveAccount: 'S1' },
      { alias: 'M1~0000bbbb', masterAccount: 'M1', slaveAccount: 'S2' },
    ]);
  });

  it('a group is shared unless created or updated as isolated', async () => {
    const { group } = await groups().create({ id: 'M2' });
    expect(group.delivery).toBe('shared');
    const updated = await groups().updateAffixes('M2', { delivery: 'isolated' });
    expect(updated).toMatchObject({ delivery: 'isolated', configVersion: 2 });
    expect((await groups().get('M2'))?.delivery).toBe('isolated');
    const kept = await groups().updateAffixes('M2', { symbolSuffix: '.m' });
    expect(kept.delivery).toBe('isolated');
  });
});
