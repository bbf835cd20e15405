import { createLinkInputSchema } from '@sankey/shared/api/inputs';
import { describe, expect, it } from 'vitest';
import { fakeServices } from '../../testing/services';

const link = (input: unknown) => createLinkInputSchema.parse(input);

/** 400 allowed symbols: over the EA's 4096-byte config frame. */
const oversized = {
  filters: { allowedSymbols: Array.from({ length: 400 }, (_, i) => `SYMBOL_${String(i).padStart(4, '0')}`) },
};

describe('link service', () => {
  it('creates the group and the member in one transaction with group.created then member.added', async () => {
    const { services, store, relay } = fakeServices();
    const r = await services.links.create(
      link({
        masterAccount: 'M1',
        slaveAccount: 'S1',
        masterSettings: { symbolPrefix: 'pre.' },
        slaveSettings: { lotMultiplier: 2 },
      }),
    );
    expect(r.groupCreated).toBe(true);
    expect(r.group).toMatchObject({
      id: 'M1',
      masterSettings: {
        enabled: false,
        symbolPrefix: 'pre.',
        symbolSuffix: null,
        delivery: 'shared',
        configVersion: 1,
      },
    });
    expect(r.member).toMatchObject({
      tradeGroupId: 'M1',
      slaveAccount: 'S1',
      enabled: false,
      slaveSettings: { lotMultiplier: 2, configVersion: 1 },
    });
    expect(store.transactions).toBe(1);
    expect(store.s.outbox.map((o) => [o.id, o.kind, o.tradeGroupId, o.slaveAccount, o.payload])).toEqual([
      [1, 'group.created', 'M1', null, {}],
      [2, 'member.added', 'M1', 'S1', {}],
    ]);
    // The outputs say which outbox rows wrote them (the UI compares them with snapshots' appliedOutboxId).
    expect(r.group.outboxId).toBe(1);
    expect(r.member.outboxId).toBe(2);
    expect(relay.nudges).toBe(1);
  });

  it('adds to an existing group: no group row unless its affixes changed, and the enabled flag applies', async () => {
    const { services, store } = fakeServices();
    await services.links.create(link({ masterAccount: 'M1', slaveAccount: 'S1' }));
    const same = await services.links.create(
      link({ masterAccount: 'M1', slaveAccount: 'S2', masterSettings: {}, enabled: true }),
    );
    expect(same.groupCreated).toBe(false);
    expect(same.group.outboxId).toBeUndefined();
    expect(same.member).toMatchObject({ slaveAccount: 'S2', enabled: true, outboxId: 3 });
    const changed = await services.links.create(
      link({
        masterAccount: 'M1',
        slaveAccount: 'S3',
        masterSettings: { symbolSuffix: '.m', enabled: true },
      }),
    );
    // `enabled` of an existing group changes only through tradeGroups.toggle.
    expect(changed.group.masterSettings).toMatchObject({
      enabled: false,
      symbolSuffix: '.m',
      configVersion: 2,
    });
    expect(store.s.outbox.slice(3).map((o) => o.kind)).toEqual(['group.updated', 'member.added']);
    expect(changed.group.outboxId).toBe(4);
  });

  it('refuses master = slave, an oversized config and an existing member, writing nothing', async () => {
    const { services, store } = fakeServices();
    await expect(
      services.links.create(link({ masterAccount: 'M1', slaveAccount: 'M1' })),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/^slaveAccount: must differ/),
    });
    await expect(
      services.links.create(link({ masterAccount: 'M1', slaveAccount: 'S1', slaveSettings: oversized })),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/^slaveSettings: .*4096/),
    });
    expect(store.s.groups.size).toBe(0);
    expect(store.s.outbox).toEqual([]);

    await services.links.create(link({ masterAccount: 'M1', slaveAccount: 'S1' }));
    await expect(
      services.links.create(
        link({ masterAccount: 'M1', slaveAccount: 'S1', masterSettings: { symbolPrefix: 'x' } }),
      ),
    ).rejects.toMatchObject({ code: 'CONFLICT', message: 'member S1 of trade group M1 already exists' });
    // The affix change in the refused call was not written either.
    expect((await services.tradeGroups.get('M1')).masterSettings.symbolPrefix).toBeNull();
    expect(store.s.outbox).toHaveLength(2);
  });

  it('carries the live evaluation when the relay has one, the fallbacks when it is unreachable', async () => {
    const { services, relay } = fakeServices();
    relay.data.evaluations = [
      {
        tradeGroupId: 'M1',
        masterRuntimeStatus: 2,
        masterWarningCodes: [],
        members: [{ slaveAccount: 'S1', status: 1, warningCodes: ['slave_offline'], allowNewOrders: false }],
      },
    ];
    const live = await services.links.create(link({ masterAccount: 'M1', slaveAccount: 'S1' }));
    expect(live.group.masterRuntimeStatus).toBe(2);
    expect(live.member).toMatchObject({ status: 1, warningCodes: ['slave_offline'] });
    relay.reachable = false;
    const down = await services.links.create(link({ masterAccount: 'M1', slaveAccount: 'S2' }));
    expect(down.group).toMatchObject({ masterRuntimeStatus: 0, masterWarningCodes: [] });
    expect(down.member).toMatchObject({ status: 0, warningCodes: [] });
  });
});
