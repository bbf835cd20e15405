import { expect, it } from 'vitest';
import { withTransaction } from '../client';
import { NotFound, UniqueViolation } from '../errors';
import { describeEachDb } from '../testing/databases';
import { createMemberRepository } from './members';
import { createTradeGroupRepository } from './trade-groups';

describeEachDb('trade groups and members', (ctx) => {
  const groups = () => createTradeGroupRepository(ctx.db);
  const members = () => createMemberRepository(ctx.db);

  it('creates a group with its members (configVersion 1, status 0, default settings) and reads it back', async () => {
    const { group, members: created } = await groups().create({
      id: 'M1',
      symbolSuffix: '.m',
      members: [
        { slaveAccount: 'S2', enabled: true, slaveSettings: { lotMultiplier: 2 } },
        { slaveAccount: 'S1' },
      ],
    });
    expect(group).toMatchObject({
      id: 'M1',
      enabled: false,
      symbolPrefix: null,
      symbolSuffix: '.m',
      configVersion: 1,
    });
    expect(group.createdAt).toBeInstanceOf(Date);
    expect(created.map((m) => m.slaveAccount)).toEqual(['S1', 'S2']);
    expect(created[1]).toMatchObject({ enabled: true, status: 0 });
    expect(created[1]?.slaveSettings).toMatchObject({
      lotMultiplier: 2,
      maxRetries: 3,
      maxSignalDelayMs: 5000,
      configVersion: 1,
    });
    expect(await groups().get('M1')).toEqual(group);
    expect(await groups().get('nope')).toBeNull();
  });

  it('lists groups newest first', async () => {
    await groups().create({ id: 'A' });
    await new Promise((r) => setTimeout(r, 5));
    await groups().create({ id: 'B' });
    expect((await groups().list()).map((g) => g.id)).toEqual(['B', 'A']);
  });

  it('reports a duplicate group or member as UniqueViolation and a missing group as NotFound', async () => {
    await groups().create({ id: 'M1', members: [{ slaveAccount: 'S1' }] });
    await expect(groups().create({ id: 'M1' })).rejects.toBeInstanceOf(UniqueViolation);
    await expect(members().add('M1', { slaveAccount: 'S1' })).rejects.toBeInstanceOf(UniqueViolation);
    await expect(
      groups().create({ id: 'M2', members: [{ slaveAccount: 'X' }, { slaveAccount: 'X' }] }),
    ).rejects.toBeInstanceOf(UniqueViolation);
    await expect(members().add('nope', { slaveAccount: 'S1' })).rejects.toBeInstanceOf(NotFound);
    await expect(members().updateSettings('M1', 'nope', {})).rejects.toBeInstanceOf(NotFound);
    await expect(groups().setEnabled('nope', true)).rejects.toBeInstanceOf(NotFound);
    await expect(groups().delete('nope')).rejects.toBeInstanceOf(NotFound);
    await expect(members().delete('M1', 'nope')).rejects.toBeInstanceOf(NotFound);
  });

  it('bumps configVersion on every group update and toggle', async () => {
    await groups().create({ id: 'M1', symbolPrefix: 'x' });
    expect(await groups().updateAffixes('M1', { symbolSuffix: '.m' })).toMatchObject({
      symbolPrefix: 'x',
      symbolSuffix: '.m',
      configVersion: 2,
    });
    expect(await groups().updateAffixes('M1', { symbolPrefix: null })).toMatchObject({
      symbolPrefix: null,
      configVersion: 3,
    });
    expect(await groups().setEnabled('M1', true)).toMatchObject({ enabled: true, configVersion: 4 });
    expect(await groups().setEnabled('M1', true)).toMatchObject({ enabled: true, configVersion: 5 });
  });

  it('bumps a member configVersion on settings update and toggle, not on status writes', async () => {
    await groups().create({ id: 'M1' });
    await members().add('M1', { slaveAccount: 'S1' });
    const updated = await members().updateSettings('M1', 'S1', { reverseTrade: true });
    expect(updated.slaveSettings).toMatchObject({ reverseTrade: true, configVersion: 2 });
    expect((await members().setEnabled('M1', 'S1', true)).slaveSettings.configVersion).toBe(3);
    expect(await members().setStatus('M1', 'S1', 2)).toBe(true);
    expect(await members().get('M1', 'S1')).toMatchObject({
      status: 2,
      enabled: true,
      slaveSettings: { configVersion: 3 },
    });
    expect(await members().setStatus('M1', 'gone', 2)).toBe(false);
    expect(await members().setGroupStatus('M1', 2, 1)).toBe(1);
    expect((await members().get('M1', 'S1'))?.status).toBe(1);
  });

  it('deletes a group with its members (cascade) and returns the slave ids', async () => {
    await groups().create({ id: 'M1', members: [{ slaveAccount: 'S2' }, { slaveAccount: 'S1' }] });
    await groups().create({ id: 'M2', members: [{ slaveAccount: 'S1' }] });
    const { group, slaveAccounts } = await groups().delete('M1');
    expect(group.id).toBe('M1');
    expect(slaveAccounts).toEqual(['S1', 'S2']);
    expect(await members().listByGroup('M1')).toEqual([]);
    expect((await members().listAll()).map((m) => `${m.tradeGroupId}/${m.slaveAccount}`)).toEqual(['M2/S1']);
  });

  it('deletes a member and counts the rest', async () => {
    await groups().create({ id: 'M1', members: [{ slaveAccount: 'S1' }, { slaveAccount: 'S2' }] });
    await members().delete('M1', 'S1');
    expect(await members().get('M1', 'S1')).toBeNull();
    expect(await members().countByGroup('M1')).toBe(1);
  });

  it('orders members by UTF-8 byte order, not database collation', async () => {
    const slaves = ['a', 'B', 'Ä', 'b', 'A', 'Z', '_', '1'];
    await groups().create({ id: 'M1', members: slaves.map((slaveAccount) => ({ slaveAccount })) });
    const expected = ['1', 'A', 'B', 'Z', '_', 'a', 'b', 'Ä'];
    expect((await members().listByGroup('M1')).map((m) => m.slaveAccount)).toEqual(expected);
    await groups().create({ id: 'b', members: [{ slaveAccount: 'a' }] });
    await groups().create({ id: 'Ä', members: [{ slaveAccount: 'a' }] });
    expect((await members().listBySlave('a')).map((m) => m.tradeGroupId)).toEqual(['M1', 'b', 'Ä']);
  });

  it('joins a caller transaction: a rolled back add leaves nothing', async () => {
    await groups().create({ id: 'M1' });
    await expect(
      withTransaction(ctx.db, async (tx) => {
        await createMemberRepository(tx).add('M1', { slaveAccount: 'S1' });
        expect(await createMemberRepository(tx).get('M1', 'S1')).not.toBeNull();
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await members().get('M1', 'S1')).toBeNull();
  });

  it('rejects invalid settings with a zod error before writing', async () => {
    await groups().create({ id: 'M1' });
    await expect(
      members().add('M1', { slaveAccount: 'S1', slaveSettings: { lotMultiplier: -1 } }),
    ).rejects.toThrow();
    expect(await members().get('M1', 'S1')).toBeNull();
  });
});
