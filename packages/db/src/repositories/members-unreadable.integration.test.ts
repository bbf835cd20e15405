import { expect, it } from 'vitest';
import { UnreadableMember } from '../errors';
import { describeEachDb } from '../testing/databases';
import { createMemberRepository } from './members';
import { createTradeGroupRepository } from './trade-groups';

describeEachDb('a member row whose settings do not validate', (ctx) => {
  const groups = () => createTradeGroupRepository(ctx.db);
  const members = () => createMemberRepository(ctx.db);

  /** M1 with S1 (fine) and S2, whose stored settings are then broken by hand, as an operator might. */
  async function withCorruptS2() {
    await groups().create({ id: 'M1', members: [{ slaveAccount: 'S1' }, { slaveAccount: 'S2' }] });
    await ctx.db.tradeGroupMember.update({
      where: { tradeGroupId_slaveAccount: { tradeGroupId: 'M1', slaveAccount: 'S2' } },
      data: { slaveSettings: { lotMultiplier: 'two' } },
    });
  }

  it('fails a plain read with an error naming the member', async () => {
    await withCorruptS2();
    const err = await members()
      .get('M1', 'S2')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreadableMember);
    expect(err).toMatchObject({ tradeGroupId: 'M1', slaveAccount: 'S2' });
  });

  it('is reported, not fatal, when the group is read tolerantly, and still counts as a link', async () => {
    await withCorruptS2();
    const { members: ok, unreadable } = await members().listByGroupReadable('M1');
    expect(ok.map((m) => m.slaveAccount)).toEqual(['S1']);
    expect(unreadable).toEqual([
      expect.objectContaining({
        tradeGroupId: 'M1',
        slaveAccount: 'S2',
        error: expect.stringContaining('lotMultiplier'),
      }),
    ]);
    expect(await members().listLinks()).toEqual([
      { tradeGroupId: 'M1', slaveAccount: 'S1' },
      { tradeGroupId: 'M1', slaveAccount: 'S2' },
    ]);
  });

  it('can be overwritten with valid settings or deleted', async () => {
    await withCorruptS2();
    const fixed = await members().updateSettings('M1', 'S2', { lotMultiplier: 2 });
    expect(fixed.slaveSettings).toMatchObject({ lotMultiplier: 2, configVersion: 2 });
    await ctx.db.tradeGroupMember.update({
      where: { tradeGroupId_slaveAccount: { tradeGroupId: 'M1', slaveAccount: 'S2' } },
      data: { slaveSettings: { nope: true } },
    });
    await members().delete('M1', 'S2');
    expect(await members().countByGroup('M1')).toBe(1);
  });
});
