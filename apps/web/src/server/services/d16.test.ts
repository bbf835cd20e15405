// docs/protocol.md D16 in the services: refused links, accepted-with-warning prefixes, the ini, and members whose
// stored settings do not parse (docs/api.md, Errors).
import {
  addMemberInputSchema,
  createLinkInputSchema,
  createTradeGroupInputSchema,
  updateMemberInputSchema,
} from '@sankey/shared/api/inputs';
import { describe, expect, it } from 'vitest';
import { fakeServices } from '../../testing/services';

const link = (masterAccount: string, slaveAccount: string) =>
  createLinkInputSchema.parse({ masterAccount, slaveAccount });

describe('D16 link refusals', () => {
  it('refuses a self-link on every path that creates links, writing nothing', async () => {
    const { services, store } = fakeServices();
    await expect(services.links.create(link('A', 'A'))).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'slaveAccount: must differ from the master account A',
    });
    await expect(
      services.tradeGroups.create(
        createTradeGroupInputSchema.parse({
          id: 'A',
          members: [{ slaveAccount: 'B' }, { slaveAccount: 'A' }],
        }),
      ),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'members[1].slaveAccount: must differ from the master account A',
    });
    await services.tradeGroups.create(createTradeGroupInputSchema.parse({ id: 'A' }));
    await expect(
      services.members.add(addMemberInputSchema.parse({ tradeGroupId: 'A', slaveAccount: 'A' })),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(store.s.members.size).toBe(0);
  });

  it('refuses the reverse link of dual-role accounts with CONFLICT listing the cycle', async () => {
    const { services, store } = fakeServices();
    await services.links.create(link('B', 'A'));
    const before = store.s.outbox.length;
    await expect(services.links.create(link('A', 'B'))).rejects.toMatchObject({
      code: 'CONFLICT',
      message:
        'slaveAccount: linking A → B would close the copy cycle A → B → A; a trade would be copied around it ' +
        'until margin runs out',
    });
    expect(store.s.groups.has('A')).toBe(false);
    expect(store.s.outbox.length).toBe(before);
  });

  it('refuses a longer cycle through members.add and tradeGroups.create, counting switched-off links', async () => {
    const { services } = fakeServices();
    await services.links.create(link('A', 'B'));
    await services.links.create(link('B', 'C'));
    await expect(
      services.members.add(addMemberInputSchema.parse({ tradeGroupId: 'B', slaveAccount: 'A' })),
    ).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('B → A → B') });
    await expect(
      services.tradeGroups.create(
        createTradeGroupInputSchema.parse({
          id: 'C',
          members: [{ slaveAccount: 'X' }, { slaveAccount: 'A' }],
        }),
      ),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(
        'members[1].slaveAccount: linking C → A would close the copy cycle C → A → B → C',
      ),
    });
    // A chain that does not come back is fine.
    await expect(services.links.create(link('C', 'D'))).resolves.toMatchObject({ warnings: [] });
  });
});

describe('D16 prefix warnings', () => {
  it('accepts an id that is a byte prefix of a linked id, or has one, and says why in the response', async () => {
    const { services } = fakeServices();
    await services.links.create(link('M1', 'ABCD'));
    const r = await services.links.create(link('M1', 'ABC'));
    expect(r.warnings).toEqual([
      'account id ABC is a prefix of ABCD: the EA of ABC also receives the configs meant for ABCD ' +
        '(config/ABC matches config/ABCD) and may apply them; rename one if you can',
    ]);
    const added = await services.members.add(
      addMemberInputSchema.parse({ tradeGroupId: 'M1', slaveAccount: 'AB' }),
    );
    expect(added.warnings).toHaveLength(2);
    const group = await services.tradeGroups.create(
      createTradeGroupInputSchema.parse({ id: 'M', members: [{ slaveAccount: 'Z' }] }),
    );
    expect(group.warnings).toEqual([expect.stringContaining('account id M is a prefix of M1')]);
  });
});

describe('members whose stored settings do not parse', () => {
  async function withBrokenS2() {
    const ctx = fakeServices();
    await ctx.services.tradeGroups.create(
      createTradeGroupInputSchema.parse({
        id: 'M1',
        members: [{ slaveAccount: 'S1' }, { slaveAccount: 'S2' }],
      }),
    );
    ctx.store.breakMemberSettings('M1', 'S2');
    return ctx;
  }

  it('reads as CONFLICT saying what is wrong and how to fix it', async () => {
    const { services } = await withBrokenS2();
    const message =
      'member S2 of trade group M1 has stored settings that do not parse (lotMultiplier: expected number); ' +
      'save new settings for it (members.update) or delete it (members.delete)';
    await expect(services.members.get({ tradeGroupId: 'M1', slaveAccount: 'S2' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message,
    });
    await expect(services.members.list('M1')).rejects.toMatchObject({ code: 'CONFLICT', message });
    await expect(
      services.members.toggle({ tradeGroupId: 'M1', slaveAccount: 'S2', enabled: true }),
    ).rejects.toMatchObject({ code: 'CONFLICT', message });
  });

  it('can be overwritten, after which it reads again', async () => {
    const { services } = await withBrokenS2();
    const fixed = await services.members.update(
      updateMemberInputSchema.parse({
        tradeGroupId: 'M1',
        slaveAccount: 'S2',
        slaveSettings: { lotMultiplier: 2 },
      }),
    );
    expect(fixed.slaveSettings.lotMultiplier).toBe(2);
    expect((await services.members.list('M1')).map((m) => m.slaveAccount)).toEqual(['S1', 'S2']);
  });

  it('can be deleted, and never blocks group-level changes', async () => {
    const { services, store } = await withBrokenS2();
    await expect(services.tradeGroups.toggle({ id: 'M1', enabled: true })).resolves.toMatchObject({
      masterSettings: { enabled: true },
    });
    await expect(services.members.delete({ tradeGroupId: 'M1', slaveAccount: 'S2' })).resolves.toMatchObject({
      ok: true,
    });
    expect(store.s.outbox.at(-1)).toMatchObject({ kind: 'member.deleted', slaveAccount: 'S2' });
    expect((await services.members.list('M1')).map((m) => m.slaveAccount)).toEqual(['S1']);
    await expect(services.members.delete({ tradeGroupId: 'M1', slaveAccount: 'S2' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('the ini and synonyms saved before the D16 rule', () => {
  it('leaves out a stored synonym that would inject ini lines, and says so', async () => {
    const { services, store } = fakeServices();
    store.s.settings.synonymGroups = [
      ['GOLD', 'XAU\r\n[ZeroMQ]\r\nReceiverPort=1'],
      ['A,B', 'BTCUSD'],
    ];
    const ini = await services.system.ini();
    expect(ini).toContain('\r\nCandidates=BTCUSD,GOLD\r\n');
    expect(ini).toContain('# 2 synonym(s) left out: they contain a character the ini cannot carry');
    expect(ini.match(/\[ZeroMQ\]/g)).toHaveLength(1);
    expect(ini).not.toContain('ReceiverPort=1\r');
    expect(ini).not.toContain('A,B');
  });
});
