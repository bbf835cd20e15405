// The tRPC contract (docs/api.md, Procedures) over HTTP against a real SQLite file and a fake relay control API.
import { verifySocketToken } from '@sankey/shared/api/socket-token';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connection, relayData } from '../testing/fake-relay';
import {
  ADMIN_PASSWORD,
  API_TOKEN,
  type CallResult,
  call,
  startTestWeb,
  type TestWeb,
} from '../testing/http-server';

let web: TestWeb;
beforeAll(async () => {
  web = await startTestWeb();
});
afterAll(() => web?.close());
beforeEach(() => {
  web.relay.state.data = relayData();
  web.relay.state.down = false;
});

const q = (path: string, input?: unknown) => call(web, 'query', path, input);
const m = (path: string, input?: unknown) => call(web, 'mutation', path, input);

function expectError(r: CallResult, code: string, message?: RegExp) {
  expect(r.error?.data.code, JSON.stringify(r.error)).toBe(code);
  if (message) expect(r.error?.message).toMatch(message);
}

const lastOutbox = async () => (await web.outboxRows()).at(-1);
let seq = 0;
/** A fresh group id per test: the database is shared by the whole file. */
const gid = () => `G${++seq}`;

describe('auth', () => {
  it('refuses calls without a token or with a wrong one (UNAUTHORIZED, 401)', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-token' },
      { authorization: API_TOKEN },
    ];
    for (const headers of attempts) {
      const r1 = await call(web, 'query', 'tradeGroups.list', undefined, headers);
      expect(r1.status).toBe(401);
      expectError(r1, 'UNAUTHORIZED');
      const r2 = await call(web, 'mutation', 'tradeGroups.create', { id: 'X1' }, headers);
      expectError(r2, 'UNAUTHORIZED');
    }
    expect((await q('tradeGroups.get', { id: 'X1' })).error?.data.code).toBe('NOT_FOUND');
  });

  it('logs in with the admin password (HttpOnly cookie), serves the API to the session, logs out', async () => {
    const bad = await fetch(`${web.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: 'nope' }),
    });
    expect(bad.status).toBe(401);
    const res = await fetch(`${web.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: ADMIN_PASSWORD }),
    });
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^sankey_session=[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+/);
    const cookie = setCookie.split(';')[0] ?? '';
    expect((await call(web, 'query', 'tradeGroups.list', undefined, { cookie })).status).toBe(200);
    const id = gid();
    expect((await call(web, 'mutation', 'tradeGroups.create', { id }, { cookie })).status).toBe(200);
    const crossSite = await call(
      web,
      'mutation',
      'tradeGroups.delete',
      { id },
      { cookie, origin: 'https://evil.example' },
    );
    expectError(crossSite, 'UNAUTHORIZED', /cross-site/);
    const ini = await fetch(`${web.url}/api/ea/sankey_copier.ini`, { headers: { cookie } });
    expect(ini.status).toBe(200);

    const out = await fetch(`${web.url}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie, accept: 'application/json' },
    });
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expectError(await call(web, 'query', 'tradeGroups.list', undefined, { cookie }), 'UNAUTHORIZED');
  });

  it('the login form redirects: to / on success, back to /login?error=1 on a wrong password', async () => {
    const ok = await fetch(`${web.url}/api/auth/login`, {
      method: 'POST',
      body: new URLSearchParams({ password: ADMIN_PASSWORD }),
      redirect: 'manual',
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/');
    expect(ok.headers.get('set-cookie')).toMatch(/HttpOnly/);
    const wrong = await fetch(`${web.url}/api/auth/login`, {
      method: 'POST',
      body: new URLSearchParams({ password: 'wrong' }),
      redirect: 'manual',
    });
    expect(wrong.headers.get('location')).toBe('/login?error=1');
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });
});

describe('tradeGroups', () => {
  it('create → view, a group.created outbox row and a nudge', async () => {
    const id = gid();
    const nudges = web.relay.state.nudges;
    const r = await m('tradeGroups.create', {
      id,
      masterSettings: { symbolPrefix: 'pro.' },
      members: [{ slaveAccount: 'S2', enabled: true }, { slaveAccount: 'S1' }],
    });
    expect(r.status).toBe(200);
    expect(r.data).toMatchObject({
      id,
      masterSettings: {
        enabled: false,
        symbolPrefix: 'pro.',
        symbolSuffix: null,
        delivery: 'shared',
        configVersion: 1,
      },
      masterRuntimeStatus: 0,
      masterWarningCodes: [],
    });
    expect(await lastOutbox()).toMatchObject({
      kind: 'group.created',
      tradeGroupId: id,
      slaveAccount: null,
      payload: {},
    });
    expect(web.relay.state.nudges).toBe(nudges + 1);
    const members = (await q('members.list', { tradeGroupId: id })).data as {
      slaveAccount: string;
      enabled: boolean;
    }[];
    expect(members.map((x) => [x.slaveAccount, x.enabled])).toEqual([
      ['S1', false],
      ['S2', true],
    ]);
  });

  it('create: CONFLICT for an existing id, without another outbox row', async () => {
    const id = gid();
    await m('tradeGroups.create', { id });
    const rows = (await web.outboxRows()).length;
    const r = await m('tradeGroups.create', { id });
    expect(r.status).toBe(409);
    expectError(r, 'CONFLICT', new RegExp(`trade group ${id} already exists`));
    expect(await web.outboxRows()).toHaveLength(rows);
  });

  it('list is newest first and carries the live evaluation; get answers NOT_FOUND for a missing id', async () => {
    const a = gid();
    const b = gid();
    await m('tradeGroups.create', { id: a });
    await m('tradeGroups.create', { id: b });
    web.relay.state.data.evaluations = [
      { tradeGroupId: b, masterRuntimeStatus: 2, masterWarningCodes: [], members: [] },
      {
        tradeGroupId: a,
        masterRuntimeStatus: 0,
        masterWarningCodes: ['master_web_ui_disabled'],
        members: [],
      },
    ];
    const list = (await q('tradeGroups.list')).data as { id: string; masterRuntimeStatus: number }[];
    const ids = list.map((g) => g.id);
    expect(ids.indexOf(b)).toBeLessThan(ids.indexOf(a));
    expect((await q('tradeGroups.get', { id: a })).data).toMatchObject({
      masterRuntimeStatus: 0,
      masterWarningCodes: ['master_web_ui_disabled'],
    });
    expect((await q('tradeGroups.get', { id: b })).data).toMatchObject({ masterRuntimeStatus: 2 });
    const missing = await q('tradeGroups.get', { id: 'NOPE' });
    expect(missing.status).toBe(404);
    expectError(missing, 'NOT_FOUND');
  });

  it('update changes the affixes and bumps configVersion; enabled or configVersion in the input is BAD_REQUEST', async () => {
    const id = gid();
    await m('tradeGroups.create', { id, masterSettings: { enabled: true } });
    const r = await m('tradeGroups.update', { id, masterSettings: { symbolSuffix: '.m' } });
    expect(r.data).toMatchObject({ masterSettings: { enabled: true, symbolSuffix: '.m', configVersion: 2 } });
    expect(await lastOutbox()).toMatchObject({ kind: 'group.updated', tradeGroupId: id });
    expectError(
      await m('tradeGroups.update', { id, masterSettings: { enabled: false } }),
      'BAD_REQUEST',
      /masterSettings: .*"enabled"/,
    );
    expectError(
      await m('tradeGroups.update', { id, masterSettings: { configVersion: 9 } }),
      'BAD_REQUEST',
      /configVersion/,
    );
    expectError(await m('tradeGroups.update', { id: 'NOPE', masterSettings: {} }), 'NOT_FOUND');
  });

  it('toggle sets enabled, bumps configVersion and writes group.toggled', async () => {
    const id = gid();
    await m('tradeGroups.create', { id });
    const r = await m('tradeGroups.toggle', { id, enabled: true });
    expect(r.data).toMatchObject({ masterSettings: { enabled: true, configVersion: 2 } });
    expect(await lastOutbox()).toMatchObject({
      kind: 'group.toggled',
      tradeGroupId: id,
      payload: { enabled: true },
    });
    expectError(await m('tradeGroups.toggle', { id: 'NOPE', enabled: true }), 'NOT_FOUND');
    expectError(await m('tradeGroups.toggle', { id }), 'BAD_REQUEST', /^enabled: /);
  });

  it('delete removes the group and its members; group.deleted carries the slave accounts', async () => {
    const id = gid();
    await m('tradeGroups.create', { id, members: [{ slaveAccount: 'B' }, { slaveAccount: 'A' }] });
    expect((await m('tradeGroups.delete', { id })).data).toEqual({ ok: true, outboxId: expect.any(Number) });
    expect(await lastOutbox()).toMatchObject({
      kind: 'group.deleted',
      tradeGroupId: id,
      payload: { slaveAccounts: ['A', 'B'] },
    });
    expectError(await q('tradeGroups.get', { id }), 'NOT_FOUND');
    expectError(await q('members.list', { tradeGroupId: id }), 'NOT_FOUND');
    expectError(await m('tradeGroups.delete', { id }), 'NOT_FOUND');
  });
});

describe('members', () => {
  it('add → view with defaults and member.added; NOT_FOUND without group; CONFLICT for a duplicate', async () => {
    const id = gid();
    await m('tradeGroups.create', { id });
    const r = await m('members.add', {
      tradeGroupId: id,
      slaveAccount: 'S1',
      slaveSettings: { lotMultiplier: 2 },
    });
    expect(r.data).toMatchObject({
      tradeGroupId: id,
      slaveAccount: 'S1',
      enabled: false,
      status: 0,
      warningCodes: [],
      slaveSettings: { lotMultiplier: 2, maxRetries: 3, maxSignalDelayMs: 5000, configVersion: 1 },
    });
    expect(await lastOutbox()).toMatchObject({ kind: 'member.added', tradeGroupId: id, slaveAccount: 'S1' });
    expectError(await m('members.add', { tradeGroupId: 'NOPE', slaveAccount: 'S1' }), 'NOT_FOUND');
    expectError(await m('members.add', { tradeGroupId: id, slaveAccount: 'S1' }), 'CONFLICT');
  });

  it('get and list carry the live status; fall back to the persisted status when the relay is down', async () => {
    const id = gid();
    await m('tradeGroups.create', { id, members: [{ slaveAccount: 'S1' }] });
    web.relay.state.data.evaluations = [
      {
        tradeGroupId: id,
        masterRuntimeStatus: 2,
        masterWarningCodes: [],
        members: [{ slaveAccount: 'S1', status: 2, warningCodes: [], allowNewOrders: true }],
      },
    ];
    expect((await q('members.get', { tradeGroupId: id, slaveAccount: 'S1' })).data).toMatchObject({
      status: 2,
    });
    web.relay.state.down = true;
    expect((await q('members.get', { tradeGroupId: id, slaveAccount: 'S1' })).data).toMatchObject({
      status: 0,
      warningCodes: [],
    });
    expect((await q('tradeGroups.get', { id })).data).toMatchObject({
      masterRuntimeStatus: 0,
      masterWarningCodes: [],
    });
    expectError(await q('members.get', { tradeGroupId: id, slaveAccount: 'S9' }), 'NOT_FOUND');
  });

  it('update replaces settings (empty filters → null), bumps configVersion, keeps enabled', async () => {
    const id = gid();
    await m('tradeGroups.create', { id, members: [{ slaveAccount: 'S1', enabled: true }] });
    const r = await m('members.update', {
      tradeGroupId: id,
      slaveAccount: 'S1',
      slaveSettings: { reverseTrade: true, filters: { allowedSymbols: [] } },
    });
    expect(r.data).toMatchObject({
      enabled: true,
      slaveSettings: { reverseTrade: true, configVersion: 2, filters: { allowedSymbols: null } },
    });
    expect(await lastOutbox()).toMatchObject({
      kind: 'member.updated',
      slaveAccount: 'S1',
      payload: {},
    });
    expectError(
      await m('members.update', { tradeGroupId: id, slaveAccount: 'S9', slaveSettings: {} }),
      'NOT_FOUND',
    );
    expectError(
      await m('members.update', {
        tradeGroupId: id,
        slaveAccount: 'S1',
        slaveSettings: { configVersion: 5 },
      }),
      'BAD_REQUEST',
      /^slaveSettings: .*configVersion/,
    );
  });

  it('toggle sets enabled and writes member.toggled', async () => {
    const id = gid();
    await m('tradeGroups.create', { id, members: [{ slaveAccount: 'S1' }] });
    expect(
      (await m('members.toggle', { tradeGroupId: id, slaveAccount: 'S1', enabled: true })).data,
    ).toMatchObject({
      enabled: true,
      slaveSettings: { configVersion: 2 },
    });
    expect(await lastOutbox()).toMatchObject({
      kind: 'member.toggled',
      slaveAccount: 'S1',
      payload: { enabled: true },
    });
    expectError(
      await m('members.toggle', { tradeGroupId: id, slaveAccount: 'S9', enabled: true }),
      'NOT_FOUND',
    );
  });

  it('delete: groupDeleted false while members remain, true (and the group is gone) for the last one', async () => {
    const id = gid();
    await m('tradeGroups.create', { id, members: [{ slaveAccount: 'S1' }, { slaveAccount: 'S2' }] });
    expect((await m('members.delete', { tradeGroupId: id, slaveAccount: 'S1' })).data).toEqual({
      ok: true,
      outboxId: expect.any(Number),
    });
    expect(await lastOutbox()).toMatchObject({
      kind: 'member.deleted',
      slaveAccount: 'S1',
      payload: { groupDeleted: false },
    });
    await m('members.delete', { tradeGroupId: id, slaveAccount: 'S2' });
    expect(await lastOutbox()).toMatchObject({
      kind: 'member.deleted',
      tradeGroupId: id,
      slaveAccount: 'S2',
      payload: { groupDeleted: true },
    });
    expectError(await q('tradeGroups.get', { id }), 'NOT_FOUND');
    expectError(await m('members.delete', { tradeGroupId: id, slaveAccount: 'S2' }), 'NOT_FOUND');
  });
});

describe('links', () => {
  it('create writes the group and the member with their outbox rows in one call; a repeat is CONFLICT', async () => {
    const g = gid();
    web.relay.state.data.appliedOutboxId = 3;
    web.relay.state.data.evaluations = [
      {
        tradeGroupId: g,
        masterRuntimeStatus: 2,
        masterWarningCodes: [],
        members: [{ slaveAccount: 'S1', status: 1, warningCodes: ['slave_offline'], allowNewOrders: false }],
      },
    ];
    const before = (await web.outboxRows()).length;
    const r = await m('links.create', {
      masterAccount: g,
      slaveAccount: 'S1',
      masterSettings: { symbolPrefix: 'pre.' },
      slaveSettings: { lotMultiplier: 2 },
    });
    expect(r.status).toBe(200);
    const rows = (await web.outboxRows()).slice(before);
    expect(rows.map((o) => [o.kind, o.tradeGroupId, o.slaveAccount, o.payload])).toEqual([
      ['group.created', g, null, {}],
      ['member.added', g, 'S1', {}],
    ]);
    expect(r.data).toEqual({
      groupCreated: true,
      warnings: [],
      group: expect.objectContaining({
        id: g,
        masterSettings: {
          enabled: false,
          symbolPrefix: 'pre.',
          symbolSuffix: null,
          delivery: 'shared',
          configVersion: 1,
        },
        masterRuntimeStatus: 2,
        outboxId: rows[0]?.id,
      }),
      member: expect.objectContaining({
        slaveAccount: 'S1',
        enabled: false,
        status: 1,
        warningCodes: ['slave_offline'],
        slaveSettings: expect.objectContaining({ lotMultiplier: 2 }),
        outboxId: rows[1]?.id,
      }),
    });
    expect((await q('members.list', { tradeGroupId: g })).data).toHaveLength(1);

    const again = await m('links.create', { masterAccount: g, slaveAccount: 'S1' });
    expect(again.status).toBe(409);
    expectError(again, 'CONFLICT', new RegExp(`member S1 of trade group ${g} already exists`));
    const same = await m('links.create', { masterAccount: g, slaveAccount: g });
    expectError(same, 'BAD_REQUEST', /^slaveAccount: must differ/);
    const extra = await m('links.create', { masterAccount: g, slaveAccount: 'S2', configVersion: 1 });
    expectError(extra, 'BAD_REQUEST');
    expect(await web.outboxRows()).toHaveLength(before + 2);
  });
});

describe('limits of docs/api.md, Limits → BAD_REQUEST naming the field', () => {
  let id: string;
  beforeAll(async () => {
    id = gid();
    await m('tradeGroups.create', { id });
  });
  const long = (n: number) => 'X'.repeat(n);
  const settingsCases: [string, Record<string, unknown>, RegExp][] = [
    ['symbolPrefix > 31 bytes', { symbolPrefix: long(32) }, /^slaveSettings\.symbolPrefix: /],
    ['symbolSuffix > 31 bytes (UTF-8)', { symbolSuffix: 'é'.repeat(16) }, /^slaveSettings\.symbolSuffix: /],
    [
      'mapping sourceSymbol > 31 bytes',
      { symbolMappings: [{ sourceSymbol: long(32), targetSymbol: 'A' }] },
      /^slaveSettings\.symbolMappings\.0\.sourceSymbol: /,
    ],
    [
      'mapping targetSymbol > 31 bytes',
      { symbolMappings: [{ sourceSymbol: 'A', targetSymbol: long(32) }] },
      /^slaveSettings\.symbolMappings\.0\.targetSymbol: /,
    ],
    ['lotMultiplier 0', { lotMultiplier: 0 }, /^slaveSettings\.lotMultiplier: must be > 0/],
    ['lotMultiplier > 1000', { lotMultiplier: 1000.5 }, /^slaveSettings\.lotMultiplier: must be ≤ 1000/],
    ['sourceLotMin < 0', { sourceLotMin: -0.01 }, /^slaveSettings\.sourceLotMin: /],
    ['sourceLotMax < 0', { sourceLotMax: -1 }, /^slaveSettings\.sourceLotMax: /],
    [
      'sourceLotMin > sourceLotMax',
      { sourceLotMin: 2, sourceLotMax: 1 },
      /^slaveSettings\.sourceLotMax: sourceLotMin must be ≤/,
    ],
    ['maxSlippage > 10000', { maxSlippage: 10_001 }, /^slaveSettings\.maxSlippage: /],
    ['maxSlippage not an integer', { maxSlippage: 1.5 }, /^slaveSettings\.maxSlippage: /],
    ['maxRetries > 100', { maxRetries: 101 }, /^slaveSettings\.maxRetries: /],
    ['maxSignalDelayMs > 600000', { maxSignalDelayMs: 600_001 }, /^slaveSettings\.maxSignalDelayMs: /],
    [
      'limitOrderExpiryMin > 525600',
      { limitOrderExpiryMin: 525_601 },
      /^slaveSettings\.limitOrderExpiryMin: /,
    ],
    ['marketSyncMaxPips > 10000', { marketSyncMaxPips: 10_000.5 }, /^slaveSettings\.marketSyncMaxPips: /],
    [
      'magic number beyond 2^53',
      { filters: { allowedMagicNumbers: [2 ** 53 + 2] } },
      /^slaveSettings\.filters\.allowedMagicNumbers\.0: /,
    ],
    ['unknown settings key', { lotSize: 1 }, /^slaveSettings: Unrecognized key: "lotSize"/],
    ['unknown enum value', { syncMode: 'now' }, /^slaveSettings\.syncMode: /],
  ];
  it.each(settingsCases)('%s', async (_name, slaveSettings, message) => {
    const before = (await web.outboxRows()).length;
    const r = await m('members.add', { tradeGroupId: id, slaveAccount: 'LIMITS', slaveSettings });
    expect(r.status).toBe(400);
    expectError(r, 'BAD_REQUEST', message);
    expect(await web.outboxRows()).toHaveLength(before);
  });

  it.each([
    ['empty', ''],
    ['64 bytes', long(64)],
    ['a space', 'A B'],
    ['a slash', 'A/B'],
  ])('account id with %s', async (_name, bad) => {
    expectError(await m('tradeGroups.create', { id: bad }), 'BAD_REQUEST', /^id: /);
    expectError(
      await m('members.add', { tradeGroupId: id, slaveAccount: bad }),
      'BAD_REQUEST',
      /^slaveAccount: /,
    );
  });

  it('accepts a 63-byte account id', async () => {
    expect((await m('members.add', { tradeGroupId: id, slaveAccount: long(63) })).status).toBe(200);
  });

  it('master symbolPrefix > 31 bytes', async () => {
    expectError(
      await m('tradeGroups.create', { id: gid(), masterSettings: { symbolPrefix: long(32) } }),
      'BAD_REQUEST',
      /^masterSettings\.symbolPrefix: /,
    );
  });

  it('more than 1000 members in one create', async () => {
    const members = Array.from({ length: 1001 }, (_, i) => ({ slaveAccount: `S${i}` }));
    expectError(
      await m('tradeGroups.create', { id: gid(), members }),
      'BAD_REQUEST',
      /^members: at most 1000 members/,
    );
  });

  it('1000 members in one create are fine', async () => {
    const g = gid();
    const members = Array.from({ length: 1000 }, (_, i) => ({ slaveAccount: `S${i}` }));
    expect((await m('tradeGroups.create', { id: g, members })).status).toBe(200);
    expect((await q('members.list', { tradeGroupId: g })).data).toHaveLength(1000);
  });

  it('worst-case config frame above 4096 bytes, with how many entries to remove', async () => {
    const symbolMappings = Array.from({ length: 120 }, (_, i) => ({
      sourceSymbol: `SOURCE_${i}`,
      targetSymbol: `TARGET_${i}`,
    }));
    const r = await m('members.add', {
      tradeGroupId: id,
      slaveAccount: 'BIG',
      slaveSettings: { symbolMappings },
    });
    expectError(
      r,
      'BAD_REQUEST',
      /^slaveSettings: .*4096-byte limit; remove at least \d+ of its 120 symbol mappings/,
    );
    const r2 = await m('tradeGroups.create', {
      id: gid(),
      members: [{ slaveAccount: 'OK' }, { slaveAccount: 'BIG', slaveSettings: { symbolMappings } }],
    });
    expectError(r2, 'BAD_REQUEST', /^members\[1\]\.slaveSettings: /);
  });

  it('unknown top-level input keys', async () => {
    expectError(
      await m('tradeGroups.toggle', { id, enabled: true, force: true }),
      'BAD_REQUEST',
      /^input: Unrecognized key: "force"/,
    );
    expectError(await q('tradeGroups.get', { id, extra: 1 }), 'BAD_REQUEST', /Unrecognized key/);
  });
});

describe('connections, settings, system, logs', () => {
  it('connections.list/get come from the relay; [] and NOT_FOUND without it', async () => {
    web.relay.state.data.connections = [
      connection('A1', 'Master'),
      connection('A1', 'Slave'),
      connection('B1', 'Slave'),
    ];
    expect((await q('connections.list')).data).toHaveLength(3);
    expect(((await q('connections.get', { accountId: 'A1' })).data as unknown[]).length).toBe(2);
    expectError(await q('connections.get', { accountId: 'ZZ' }), 'NOT_FOUND');
    web.relay.state.down = true;
    expect((await q('connections.list')).data).toEqual([]);
  });

  it('settings.get returns defaults; settings.update applies a partial change and writes settings.updated', async () => {
    const s = (await q('settings.get')).data as { heartbeatTimeoutS: number; synonymGroups: string[][] };
    expect(s.heartbeatTimeoutS).toBe(30);
    expect(s.synonymGroups[0]).toEqual(['XAUUSD', 'GOLD']);
    const r = await m('settings.update', {
      logShipping: { enabled: true, host: 'http://localhost:9428' },
      heartbeatTimeoutS: 45,
    });
    expect(r.data).toMatchObject({
      heartbeatTimeoutS: 45,
      logShipping: { enabled: true, batchSize: 100, logLevel: 'INFO' },
    });
    expect(await lastOutbox()).toMatchObject({
      kind: 'settings.updated',
      payload: { changed: ['logShipping', 'heartbeatTimeoutS'] },
    });
    expectError(await m('settings.update', { heartbeatTimeoutS: 1 }), 'BAD_REQUEST', /^heartbeatTimeoutS: /);
    expectError(
      await m('settings.update', { logShipping: { level: 'INFO' } }),
      'BAD_REQUEST',
      /^logShipping: Unrecognized key/,
    );
  });

  it('system.status reports the relay, or relayReachable false without it', async () => {
    expect((await q('system.status')).data).toMatchObject({
      relayReachable: true,
      version: '0.1.0',
      ports: { receiver: 15555, publisher: 15556, relayHttp: 13001 },
    });
    web.relay.state.down = true;
    expect((await q('system.status')).data).toMatchObject({ relayReachable: false, counters: {} });
  });

  it('system.socketToken issues a token signed with the API token', async () => {
    const { token, expiresAt } = (await q('system.socketToken')).data as { token: string; expiresAt: string };
    expect(verifySocketToken(API_TOKEN, token, Date.now())).toMatchObject({
      kind: 'browser',
      sessionId: null,
    });
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(290_000);
  });

  it('logs.list passes level/limit/cursor to the relay', async () => {
    web.relay.state.data.logs = {
      entries: [{ seq: 9, time: '2026-01-01T00:00:00.000Z', level: 'warn', msg: 'x', fields: { a: 1 } }],
      nextCursor: 9,
    };
    const r = await q('logs.list', { level: 'WARN', limit: 1, cursor: 10 });
    expect(r.data).toMatchObject({ entries: [{ seq: 9, msg: 'x' }], nextCursor: 9 });
    expect(web.relay.state.lastLogQuery).toBe('?level=warn&limit=1&cursor=10');
    expect((await q('logs.list')).status).toBe(200);
    expectError(await q('logs.list', { limit: 0 }), 'BAD_REQUEST', /^limit: /);
    expectError(await q('logs.list', { level: 'loud' }), 'BAD_REQUEST', /^level: /);
  });

  it('GET /api/ea/sankey_copier.ini: relay ports and synonym candidates, CRLF; 401 without auth', async () => {
    await m('settings.update', {
      synonymGroups: [
        ['XAUUSD', 'GOLD'],
        ['US30', 'DJI', 'GOLD'],
      ],
    });
    const res = await fetch(`${web.url}/api/ea/sankey_copier.ini`, {
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('sankey_copier.ini');
    const text = await res.text();
    expect(text).toContain('[ZeroMQ]\r\nReceiverPort=15555\r\nPublisherPort=15556\r\n');
    expect(text).toContain('[SymbolSearch]\r\nCandidates=DJI,GOLD,US30,XAUUSD\r\n');
    expect((await fetch(`${web.url}/api/ea/sankey_copier.ini`)).status).toBe(401);
  });
});

describe('deliveries over the relay', () => {
  it('deliveries.parked answers what waits for away slaves; null when the relay is down', async () => {
    web.relay.state.parked = {
      slaves: [
        { slaveAccount: 'S1', count: 1, oldestParkedAt: '2026-06-01T12:00:00.000Z', reason: 'offline' },
      ],
      copies: [
        {
          key: 'M1|S1|1',
          masterAccount: 'M1',
          slaveAccount: 'S1',
          action: 'Close',
          ticket: '1030',
          symbol: 'EURUSD',
          lots: 0.2,
          parkedAt: '2026-06-01T12:00:00.000Z',
          expiresAt: '2026-06-02T12:00:00.000Z',
          reason: 'offline',
        },
      ],
      total: 1,
    };
    expect((await q('deliveries.parked', { account: 'S1' })).data).toEqual(web.relay.state.parked);
    expectError(await q('deliveries.parked', { limit: 0 }), 'BAD_REQUEST');
    web.relay.state.down = true;
    expect((await q('deliveries.parked')).data).toBeNull();
  });

  it('a refused retry reaches the client with the relay’s reason in error.data.reason; forced, it goes', async () => {
    const refused = await m('deliveries.retry', { id: 3 });
    expectError(refused, 'CONFLICT', /42 s old/);
    expect(refused.error?.data.reason).toBe('needs_force');
    expect((await m('deliveries.retry', { id: 3, force: true })).data).toEqual({
      ok: true,
      id: 3,
      outcome: 'sent',
    });
    expect((await q('tradeGroups.get', { id: 'nope' })).error?.data.reason).toBeNull();
  });
});
