// docs/protocol.md D16 and unreadable member rows over HTTP against a real SQLite file (docs/api.md, Errors).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { relayData } from '../testing/fake-relay';
import { API_TOKEN, type CallResult, call, startTestWeb, type TestWeb } from '../testing/http-server';

let web: TestWeb;
beforeAll(async () => {
  web = await startTestWeb();
});
afterAll(() => web?.close());
beforeEach(() => {
  web.relay.state.data = relayData();
});

const q = (path: string, input?: unknown) => call(web, 'query', path, input);
const m = (path: string, input?: unknown) => call(web, 'mutation', path, input);
function expectError(r: CallResult, code: string, message: string | RegExp) {
  expect(r.error?.data.code, JSON.stringify(r.error)).toBe(code);
  if (typeof message === 'string') expect(r.error?.message).toBe(message);
  else expect(r.error?.message).toMatch(message);
}
let seq = 0;
/** Fresh ids per test: the database is shared by the whole file. */
const ids = () => {
  seq++;
  return { a: `A${seq}x`, b: `B${seq}x`, c: `C${seq}x` };
};

describe('D16 refusals', () => {
  it('a self-link is BAD_REQUEST on links.create, members.add and tradeGroups.create', async () => {
    const { a, b } = ids();
    const msg = `slaveAccount: must differ from the master account ${a}`;
    expectError(await m('links.create', { masterAccount: a, slaveAccount: a }), 'BAD_REQUEST', msg);
    expectError(
      await m('tradeGroups.create', { id: a, members: [{ slaveAccount: a }] }),
      'BAD_REQUEST',
      `members[0].${msg}`,
    );
    expect((await m('tradeGroups.create', { id: a, members: [{ slaveAccount: b }] })).status).toBe(200);
    const r = await m('members.add', { tradeGroupId: a, slaveAccount: a });
    expect(r.status).toBe(400);
    expectError(r, 'BAD_REQUEST', msg);
  });

  it('a link closing a copy cycle is CONFLICT (409) listing the cycle, and nothing is written', async () => {
    const { a, b, c } = ids();
    await m('links.create', { masterAccount: a, slaveAccount: b });
    await m('links.create', { masterAccount: b, slaveAccount: c });
    const outboxBefore = (await web.outboxRows()).length;
    const r = await m('links.create', { masterAccount: c, slaveAccount: a });
    expect(r.status).toBe(409);
    expectError(
      r,
      'CONFLICT',
      `slaveAccount: linking ${c} → ${a} would close the copy cycle ${c} → ${a} → ${b} → ${c}; a trade would ` +
        'be copied around it until margin runs out',
    );
    expect((await q('tradeGroups.get', { id: c })).error?.data.code).toBe('NOT_FOUND');
    expect((await web.outboxRows()).length).toBe(outboxBefore);
  });

  it('an account id starting with "global" is BAD_REQUEST naming the field', async () => {
    expectError(
      await m('links.create', { masterAccount: 'M1', slaveAccount: 'global_1' }),
      'BAD_REQUEST',
      'slaveAccount: must not start with "global": every EA subscribes config/global and would receive its configs',
    );
    expectError(
      await m('tradeGroups.create', { id: 'globalX' }),
      'BAD_REQUEST',
      /^id: must not start with "global"/,
    );
  });

  it.each([
    [
      'a line break in a synonym',
      'settings.update',
      { synonymGroups: [['GOLD', 'XAU\r\n[ZeroMQ]']] },
      'synonymGroups.0.1',
    ],
    [
      'a comma in a mapping',
      'links.create',
      {
        masterAccount: 'M2',
        slaveAccount: 'S2',
        slaveSettings: { symbolMappings: [{ sourceSymbol: 'A,B', targetSymbol: 'C' }] },
      },
      'slaveSettings.symbolMappings.0.sourceSymbol',
    ],
    [
      'an equals sign in a filter',
      'links.create',
      { masterAccount: 'M2', slaveAccount: 'S2', slaveSettings: { filters: { allowedSymbols: ['X=1'] } } },
      'slaveSettings.filters.allowedSymbols.0',
    ],
    [
      'a bracket in a master suffix',
      'tradeGroups.create',
      { id: 'M3', masterSettings: { symbolSuffix: '[x]' } },
      'masterSettings.symbolSuffix',
    ],
    [
      'a semicolon in a master prefix',
      'tradeGroups.update',
      { id: 'M3', masterSettings: { symbolPrefix: ';' } },
      'masterSettings.symbolPrefix',
    ],
  ])('%s is BAD_REQUEST naming the field', async (_case, path, input, field) => {
    expectError(
      await m(path, input),
      'BAD_REQUEST',
      `${field}: must not contain control characters or any of , [ ] = ;`,
    );
  });
});

describe('D16 prefix warnings', () => {
  it('links.create accepts an id that is a prefix of a linked id and says so in warnings', async () => {
    const { a } = ids();
    await m('links.create', { masterAccount: a, slaveAccount: 'PFX123' });
    const r = await m('links.create', { masterAccount: a, slaveAccount: 'PFX12' });
    expect(r.status).toBe(200);
    expect((r.data as { warnings: string[] }).warnings).toEqual([
      'account id PFX12 is a prefix of PFX123: the EA of PFX12 also receives the configs meant for PFX123 ' +
        '(config/PFX12 matches config/PFX123) and may apply them; rename one if you can',
    ]);
  });
});

describe('a member row whose settings do not parse (written with SQL)', () => {
  async function groupWithBrokenMember() {
    const { a, b, c } = ids();
    await m('tradeGroups.create', { id: a, members: [{ slaveAccount: b }, { slaveAccount: c }] });
    await web.db.$executeRawUnsafe(
      `UPDATE trade_group_members SET slaveSettings = '{"lotMultiplier":"lots"}' WHERE tradeGroupId = ? AND slaveAccount = ?`,
      a,
      c,
    );
    return { group: a, ok: b, broken: c };
  }

  it('reading it is CONFLICT saying the settings do not parse and how to fix it', async () => {
    const { group, broken } = await groupWithBrokenMember();
    const r = await q('members.get', { tradeGroupId: group, slaveAccount: broken });
    expect(r.status).toBe(409);
    expectError(
      r,
      'CONFLICT',
      `member ${broken} of trade group ${group} has stored settings that do not parse ` +
        '(lotMultiplier: Invalid input: expected number, received string); save new settings for it ' +
        '(members.update) or delete it (members.delete)',
    );
  });

  it('can be deleted through the API, and its group still toggles', async () => {
    const { group, ok, broken } = await groupWithBrokenMember();
    expect((await m('tradeGroups.toggle', { id: group, enabled: true })).status).toBe(200);
    const del = await m('members.delete', { tradeGroupId: group, slaveAccount: broken });
    expect(del.status, JSON.stringify(del.error)).toBe(200);
    expect(del.data).toMatchObject({ ok: true });
    const list = await q('members.list', { tradeGroupId: group });
    expect((list.data as { slaveAccount: string }[]).map((x) => x.slaveAccount)).toEqual([ok]);
    expect((await m('tradeGroups.toggle', { id: group, enabled: false })).status).toBe(200);
  });

  it('can be overwritten with valid settings through the API', async () => {
    const { group, broken } = await groupWithBrokenMember();
    const r = await m('members.update', {
      tradeGroupId: group,
      slaveAccount: broken,
      slaveSettings: { lotMultiplier: 3 },
    });
    expect(r.status, JSON.stringify(r.error)).toBe(200);
    expect(r.data).toMatchObject({ slaveSettings: { lotMultiplier: 3, configVersion: 2 } });
    expect((await q('members.get', { tradeGroupId: group, slaveAccount: broken })).status).toBe(200);
  });
});

describe('the ini download', () => {
  it('leaves out a synonym stored before the rule instead of writing its line break', async () => {
    await web.db.globalSetting.upsert({
      where: { key: 'synonymGroups' },
      create: { key: 'synonymGroups', value: [['GOLD', 'X\r\nReceiverPort=1']] },
      update: { value: [['GOLD', 'X\r\nReceiverPort=1']] },
    });
    const res = await fetch(`${web.url}/api/ea/sankey_copier.ini`, {
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    const text = await res.text();
    expect(text).toContain('[SymbolSearch]\r\nCandidates=GOLD\r\n');
    expect(text).not.toContain('ReceiverPort=1\r');
    expect(text).toContain('# 1 synonym(s) left out');
  });
});
