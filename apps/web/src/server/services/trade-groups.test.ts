import { createTradeGroupInputSchema } from '@sankey/shared/api/inputs';
import { describe, expect, it } from 'vitest';
import { fakeServices } from '../../testing/services';

const parse = (input: unknown) => createTradeGroupInputSchema.parse(input);

describe('trade group service', () => {
  it('creates a disabled group with configVersion 1, default member settings and one outbox row', async () => {
    const { services, store, relay } = fakeServices();
    const view = await services.tradeGroups.create(
      parse({ id: 'M1', members: [{ slaveAccount: 'S2' }, { slaveAccount: 'S1' }] }),
    );
    expect(view.masterSettings).toEqual({
      enabled: false,
      symbolPrefix: null,
      symbolSuffix: null,
      delivery: 'shared',
      configVersion: 1,
    });
    const members = await services.members.list('M1');
    expect(members.map((m) => m.slaveAccount)).toEqual(['S1', 'S2']);
    expect(members[0]?.slaveSettings).toMatchObject({
      maxRetries: 3,
      maxSignalDelayMs: 5000,
      configVersion: 1,
    });
    expect(members[0]?.enabled).toBe(false);
    expect(store.s.outbox).toHaveLength(1);
    expect(store.s.outbox[0]).toMatchObject({
      kind: 'group.created',
      tradeGroupId: 'M1',
      slaveAccount: null,
    });
    // The relay loads the group with its members from the database: nothing in the payload (shared contract).
    expect(store.s.outbox[0]?.payload).toEqual({});
    expect(relay.nudges).toBe(1);
  });

  it('refuses an existing id with CONFLICT and writes nothing', async () => {
    const { services, store } = fakeServices();
    await services.tradeGroups.create(parse({ id: 'M1' }));
    await expect(services.tradeGroups.create(parse({ id: 'M1' }))).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(store.s.outbox).toHaveLength(1);
  });

  it('refuses the same slave twice in one create, naming the entry', async () => {
    const { services, store } = fakeServices();
    await expect(
      services.tradeGroups.create(
        parse({ id: 'M1', members: [{ slaveAccount: 'S1' }, { slaveAccount: 'S1' }] }),
      ),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/^members\[1\]\.slaveAccount/),
    });
    expect(store.s.groups.size).toBe(0);
  });

  it('refuses member settings whose worst-case config exceeds 4096 bytes, naming the member', async () => {
    const { services } = fakeServices();
    const mappings = Array.from({ length: 200 }, (_, i) => ({
      sourceSymbol: `SRC${i}`,
      targetSymbol: `TGT${i}`,
    }));
    await expect(
      services.tradeGroups.create(
        parse({
          id: 'M1',
          members: [
            { slaveAccount: 'S1' },
            { slaveAccount: 'S2', slaveSettings: { symbolMappings: mappings } },
          ],
        }),
      ),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/^members\[1\]\.slaveSettings: .*remove at least \d+/),
    });
  });

  it('update changes affixes only, bumps configVersion and never touches enabled', async () => {
    const { services, store } = fakeServices();
    await services.tradeGroups.create(
      parse({ id: 'M1', masterSettings: { enabled: true, symbolPrefix: 'pro.' } }),
    );
    const v = await services.tradeGroups.update({ id: 'M1', masterSettings: { symbolSuffix: '.m' } });
    expect(v.masterSettings).toEqual({
      enabled: true,
      symbolPrefix: 'pro.',
      symbolSuffix: '.m',
      delivery: 'shared',
      configVersion: 2,
    });
    const v2 = await services.tradeGroups.update({ id: 'M1', masterSettings: { symbolPrefix: null } });
    expect(v2.masterSettings).toMatchObject({
      symbolPrefix: null,
      symbolSuffix: '.m',
      configVersion: 3,
      enabled: true,
    });
    expect(store.s.outbox.map((r) => r.kind)).toEqual(['group.created', 'group.updated', 'group.updated']);
  });

  it('toggle sets enabled and bumps configVersion each time', async () => {
    const { services, store } = fakeServices();
    await services.tradeGroups.create(parse({ id: 'M1' }));
    expect((await services.tradeGroups.toggle({ id: 'M1', enabled: true })).masterSettings).toMatchObject({
      enabled: true,
      configVersion: 2,
    });
    expect(
      (await services.tradeGroups.toggle({ id: 'M1', enabled: true })).masterSettings.configVersion,
    ).toBe(3);
    expect(store.s.outbox.at(-1)).toMatchObject({
      kind: 'group.toggled',
      tradeGroupId: 'M1',
      payload: { enabled: true },
    });
  });

  it('switches delivery to isolated (one group.updated row) and refuses members whose id is a byte prefix', async () => {
    const { services, store } = fakeServices();
    await services.tradeGroups.create(parse({ id: 'M1', members: [{ slaveAccount: 'S1' }] }));
    const v = await services.tradeGroups.update({ id: 'M1', masterSettings: { delivery: 'isolated' } });
    expect(v.masterSettings.delivery).toBe('isolated');
    expect(store.s.outbox.at(-1)).toMatchObject({ kind: 'group.updated', tradeGroupId: 'M1' });
    // S1 is a byte prefix of S12: config/S1 would also carry S12's alias configs.
    await expect(services.members.add({ tradeGroupId: 'M1', slaveAccount: 'S12' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('isolated delivery'),
    });
    await services.tradeGroups.create(
      parse({ id: 'M2', members: [{ slaveAccount: 'X_1' }, { slaveAccount: 'X_12' }] }),
    );
    const rows = store.s.outbox.length;
    await expect(
      services.tradeGroups.update({ id: 'M2', masterSettings: { delivery: 'isolated' } }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(store.s.outbox).toHaveLength(rows);
  });

  it('update, toggle, get and delete answer NOT_FOUND for a missing group without writing', async () => {
    const { services, store } = fakeServices();
    await expect(services.tradeGroups.get('X')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(services.tradeGroups.update({ id: 'X', masterSettings: {} })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(services.tradeGroups.toggle({ id: 'X', enabled: true })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(services.tradeGroups.delete('X')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(store.s.outbox).toHaveLength(0);
  });

  it('delete removes members too and the outbox payload lists their slave accounts', async () => {
    const { services, store } = fakeServices();
    await services.tradeGroups.create(
      parse({ id: 'M1', members: [{ slaveAccount: 'B' }, { slaveAccount: 'A' }] }),
    );
    expect(await services.tradeGroups.delete('M1')).toEqual({ ok: true, outboxId: 2 });
    expect(store.s.members.size).toBe(0);
    expect(store.s.outbox.at(-1)).toMatchObject({
      kind: 'group.deleted',
      tradeGroupId: 'M1',
      payload: { slaveAccounts: ['A', 'B'] },
    });
  });

  it('lists newest first with the live evaluation, and falls back when the relay is unreachable', async () => {
    const { services, relay } = fakeServices();
    await services.tradeGroups.create(parse({ id: 'OLD' }));
    await services.tradeGroups.create(parse({ id: 'NEW' }));
    relay.data.evaluations = [
      { tradeGroupId: 'NEW', masterRuntimeStatus: 2, masterWarningCodes: [], members: [] },
      { tradeGroupId: 'OLD', masterRuntimeStatus: 0, masterWarningCodes: ['master_offline'], members: [] },
    ];
    const live = await services.tradeGroups.list();
    expect(live.map((g) => [g.id, g.masterRuntimeStatus, g.masterWarningCodes])).toEqual([
      ['NEW', 2, []],
      ['OLD', 0, ['master_offline']],
    ]);
    relay.reachable = false;
    const fallback = await services.tradeGroups.list();
    expect(fallback.map((g) => [g.id, g.masterRuntimeStatus, g.masterWarningCodes])).toEqual([
      ['NEW', 0, []],
      ['OLD', 0, []],
    ]);
  });

  it('a failed nudge is not an error: the change is committed', async () => {
    const { services, store, relay } = fakeServices();
    relay.reachable = false;
    await services.tradeGroups.create(parse({ id: 'M1' }));
    expect(store.s.groups.has('M1')).toBe(true);
    expect(store.s.outbox).toHaveLength(1);
  });
});
