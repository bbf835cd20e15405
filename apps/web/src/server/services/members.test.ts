import { addMemberInputSchema, updateMemberInputSchema } from '@sankey/shared/api/inputs';
import { describe, expect, it } from 'vitest';
import { fakeServices } from '../../testing/services';

async function withGroup(members: string[] = []) {
  const ctx = fakeServices();
  await ctx.services.tradeGroups.create({
    id: 'M1',
    members: members.map((slaveAccount) => ({ slaveAccount })),
  });
  return ctx;
}
const add = (input: unknown) => addMemberInputSchema.parse(input);
const upd = (input: unknown) => updateMemberInputSchema.parse(input);

describe('member service', () => {
  it('adds a disabled member with default settings, configVersion 1 and a member.added row', async () => {
    const { services, store } = await withGroup();
    const m = await services.members.add(add({ tradeGroupId: 'M1', slaveAccount: 'S1' }));
    expect(m).toMatchObject({
      tradeGroupId: 'M1',
      slaveAccount: 'S1',
      enabled: false,
      status: 0,
      warningCodes: [],
    });
    expect(m.slaveSettings).toMatchObject({
      maxRetries: 3,
      maxSignalDelayMs: 5000,
      lotCalculationMode: 'multiplier',
      configVersion: 1,
    });
    expect(store.s.outbox.at(-1)).toMatchObject({
      kind: 'member.added',
      tradeGroupId: 'M1',
      slaveAccount: 'S1',
    });
  });

  it('normalises empty filter lists to null (D6)', async () => {
    const { services } = await withGroup();
    const m = await services.members.add(
      add({
        tradeGroupId: 'M1',
        slaveAccount: 'S1',
        slaveSettings: { filters: { allowedSymbols: [], blockedMagicNumbers: [] } },
      }),
    );
    expect(m.slaveSettings.filters).toEqual({
      allowedSymbols: null,
      blockedSymbols: null,
      allowedMagicNumbers: null,
      blockedMagicNumbers: null,
    });
  });

  it('add: NOT_FOUND without the group, CONFLICT for a duplicate; nothing written', async () => {
    const { services, store } = await withGroup(['S1']);
    await expect(
      services.members.add(add({ tradeGroupId: 'NOPE', slaveAccount: 'S1' })),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(services.members.add(add({ tradeGroupId: 'M1', slaveAccount: 'S1' }))).rejects.toMatchObject(
      { code: 'CONFLICT' },
    );
    expect(store.s.outbox).toHaveLength(1);
  });

  it('update replaces the settings, bumps configVersion and keeps enabled', async () => {
    const { services, store } = await withGroup();
    await services.members.add(add({ tradeGroupId: 'M1', slaveAccount: 'S1', enabled: true }));
    const m = await services.members.update(
      upd({ tradeGroupId: 'M1', slaveAccount: 'S1', slaveSettings: { lotMultiplier: 2 } }),
    );
    expect(m.enabled).toBe(true);
    expect(m.slaveSettings).toMatchObject({ lotMultiplier: 2, configVersion: 2 });
    // The relay reloads the member from the database: the payload carries nothing (the shared contract).
    expect(store.s.outbox.at(-1)).toMatchObject({ kind: 'member.updated', payload: {} });
    expect(store.s.outbox.at(-1)?.payload).toEqual({});
  });

  it('toggle sets enabled and bumps configVersion', async () => {
    const { services, store } = await withGroup(['S1']);
    const m = await services.members.toggle({ tradeGroupId: 'M1', slaveAccount: 'S1', enabled: true });
    expect(m).toMatchObject({ enabled: true, slaveSettings: { configVersion: 2 } });
    expect(store.s.outbox.at(-1)).toMatchObject({
      kind: 'member.toggled',
      slaveAccount: 'S1',
      payload: { enabled: true },
    });
  });

  it('get/update/toggle/delete: NOT_FOUND names the group or the member', async () => {
    const { services } = await withGroup(['S1']);
    await expect(services.members.get({ tradeGroupId: 'X', slaveAccount: 'S1' })).rejects.toThrow(
      /trade group X not found/,
    );
    await expect(services.members.get({ tradeGroupId: 'M1', slaveAccount: 'S9' })).rejects.toThrow(
      /member S9 of trade group M1/,
    );
    await expect(
      services.members.toggle({ tradeGroupId: 'M1', slaveAccount: 'S9', enabled: true }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      services.members.update(upd({ tradeGroupId: 'M1', slaveAccount: 'S9', slaveSettings: {} })),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(services.members.delete({ tradeGroupId: 'M1', slaveAccount: 'S9' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(services.members.list('X')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('delete keeps the group while members remain (groupDeleted false)', async () => {
    const { services, store } = await withGroup(['S1', 'S2']);
    await services.members.delete({ tradeGroupId: 'M1', slaveAccount: 'S1' });
    expect(store.s.groups.has('M1')).toBe(true);
    expect(store.s.outbox.at(-1)).toMatchObject({
      kind: 'member.deleted',
      slaveAccount: 'S1',
      payload: { groupDeleted: false },
    });
  });

  it('deleting the last member deletes the group in the same transaction (groupDeleted true)', async () => {
    const { services, store } = await withGroup(['S1']);
    const before = store.transactions;
    await services.members.delete({ tradeGroupId: 'M1', slaveAccount: 'S1' });
    expect(store.transactions - before).toBe(1);
    expect(store.s.groups.has('M1')).toBe(false);
    expect(store.s.outbox.at(-1)).toMatchObject({
      kind: 'member.deleted',
      tradeGroupId: 'M1',
      payload: { groupDeleted: true },
    });
  });

  it('refuses oversized settings on add and update with how many entries to remove', async () => {
    const { services, store } = await withGroup(['S1']);
    const allowedSymbols = Array.from({ length: 400 }, (_, i) => `SYMBOL_${String(i).padStart(4, '0')}`);
    const big = { filters: { allowedSymbols } };
    await expect(
      services.members.add(add({ tradeGroupId: 'M1', slaveAccount: 'S2', slaveSettings: big })),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(
        /^slaveSettings: .* over the EA's 4096-byte limit; remove at least \d+ of its 0 symbol mappings and 400 filter entries/,
      ),
    });
    await expect(
      services.members.update(upd({ tradeGroupId: 'M1', slaveAccount: 'S1', slaveSettings: big })),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(store.s.outbox).toHaveLength(1);
  });

  it('the number to remove is exactly enough: removing that many (longest first) fits', async () => {
    const { services } = await withGroup(['S1']);
    const allowedSymbols = Array.from({ length: 400 }, (_, i) => `SYMBOL_${String(i).padStart(4, '0')}`);
    const err = await services.members
      .update(upd({ tradeGroupId: 'M1', slaveAccount: 'S1', slaveSettings: { filters: { allowedSymbols } } }))
      .catch((e: Error) => e);
    const k = Number(/remove at least (\d+)/.exec((err as Error).message)?.[1]);
    expect(k).toBeGreaterThan(0);
    const fits = upd({
      tradeGroupId: 'M1',
      slaveAccount: 'S1',
      slaveSettings: { filters: { allowedSymbols: allowedSymbols.slice(k) } },
    });
    await expect(services.members.update(fits)).resolves.toBeTruthy();
    const tooMany = upd({
      tradeGroupId: 'M1',
      slaveAccount: 'S1',
      slaveSettings: { filters: { allowedSymbols: allowedSymbols.slice(k - 1) } },
    });
    await expect(services.members.update(tooMany)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('views carry the live member status and warnings, else the persisted status and none', async () => {
    const { services, relay, store } = await withGroup(['S1']);
    relay.data.evaluations = [
      {
        tradeGroupId: 'M1',
        masterRuntimeStatus: 2,
        masterWarningCodes: [],
        members: [{ slaveAccount: 'S1', status: 1, warningCodes: ['slave_offline'], allowNewOrders: false }],
      },
    ];
    expect(await services.members.get({ tradeGroupId: 'M1', slaveAccount: 'S1' })).toMatchObject({
      status: 1,
      warningCodes: ['slave_offline'],
    });
    relay.reachable = false;
    const row = store.s.members.values().next().value;
    if (row) row.status = 2;
    expect(await services.members.get({ tradeGroupId: 'M1', slaveAccount: 'S1' })).toMatchObject({
      status: 2,
      warningCodes: [],
    });
  });
});
