// The admin API (the built Next.js app under `next start`) driving the real relay: every mutation kind reaches the
// simulated EAs as the config docs/protocol.md §7.4 prescribes. Plain HTTP with the bearer token, as curl would.
import { SimMaster, SimSlave } from '@sankey/ea-sim/index';
import { startTestRelay, type TestRelay } from '@sankey/relay/testing/start-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './until';
import { startWeb, type WebProcess, webBuilt } from './web-process';

let relay: TestRelay;
let web: WebProcess | undefined;
let m1: SimMaster;
let s1: SimSlave;
let s2: SimSlave;

const call = (path: string, input?: unknown, token?: string | null) => {
  if (!web) throw new Error('the web app is not running');
  return web.call(path, input, token);
};

beforeAll(async () => {
  if (!webBuilt) return;
  relay = await startTestRelay();
  web = await startWeb(relay, 60_000);
  const endpoints = {
    receiverEndpoint: relay.endpoints.receiver,
    publisherEndpoint: relay.endpoints.publisher,
    heartbeatIntervalMs: 200,
  };
  m1 = new SimMaster({ accountId: 'M1', ...endpoints });
  s1 = new SimSlave({ accountId: 'S1', ...endpoints });
  s2 = new SimSlave({ accountId: 'S2', ...endpoints });
  await Promise.all([m1.start(), s1.start(), s2.start()]);
  await until(
    () => relay.relay.core.connections().filter((c) => c.status === 'Online').length,
    3,
    10_000,
    'EAs online',
  );
}, 90_000);

afterAll(async () => {
  await Promise.all([m1, s1, s2].map((s) => s?.stop({ unregister: false })));
  await web?.stop();
  await relay?.stop();
});

describe.skipIf(!webBuilt)('admin API → relay → EAs', () => {
  it('refuses calls without the bearer token', async () => {
    expect((await call('tradeGroups.list', undefined, null)).status).toBe(401);
    expect((await call('tradeGroups.list', undefined, 'wrong-token')).status).toBe(401);
  });

  it('create → the master and every initial member get their configs', async () => {
    const created = await call('tradeGroups.create', {
      id: 'M1',
      masterSettings: { enabled: true, symbolSuffix: '.m' },
      members: [{ slaveAccount: 'S1', enabled: true, slaveSettings: { lotMultiplier: 2 } }],
    });
    expect(created.status).toBe(200);
    expect(created.data).toMatchObject({ id: 'M1', masterSettings: { enabled: true, configVersion: 1 } });
    expect(await m1.waitForMessage('MasterConfig', (c) => c.symbol_suffix === '.m')).toMatchObject({
      status: 2,
      config_version: 1,
    });
    expect(await s1.waitForConfig((c) => c.master_account === 'M1')).toMatchObject({
      status: 2,
      lot_multiplier: 2,
    });
    const list = await call('tradeGroups.list');
    expect(list.data).toEqual([
      expect.objectContaining({ id: 'M1', masterRuntimeStatus: 2, masterWarningCodes: [] }),
    ]);
    expect((await call('tradeGroups.create', { id: 'M1' })).error?.data.code).toBe('CONFLICT');
  });

  it('update → the master config only; toggle → master and member configs', async () => {
    // From a quiet relay: S1 listens for M1 (its subscription brings it one more config, D19) and every config the
    // relay sent has arrived. One still on its way would land after the marks, where no config of S1 may come.
    await expect.poll(() => relay.relay.core.delivery.listeners.isListening('M1', 'S1')).toBe(true);
    const sent = async () =>
      (await relay.relay.metrics.configsSent.get()).values
        .filter((v) => v.labels.kind !== 'global')
        .reduce((n, v) => n + v.value, 0);
    const arrived = () =>
      m1.messagesOf('MasterConfig').length +
      s1.messagesOf('SlaveConfig').length +
      s2.messagesOf('SlaveConfig').length;
    await expect.poll(async () => (await sent()) - arrived()).toBe(0);
    const ms = m1.mark();
    const ss = s1.mark();
    await call('tradeGroups.update', { id: 'M1', masterSettings: { symbolPrefix: 'pro.' } });
    expect(await m1.waitForMessage('MasterConfig', () => true, 5000, { since: ms })).toMatchObject({
      symbol_prefix: 'pro.',
      config_version: 2,
    });
    await s1.expectNoFrames((f) => f.topic === 'config/S1', 400, { since: ss });
    await call('tradeGroups.toggle', { id: 'M1', enabled: false });
    expect(await m1.waitForMessage('MasterConfig', (c) => c.status === 0, 5000, { since: ms })).toMatchObject(
      { config_version: 3 },
    );
    expect(await s1.waitForConfig((c) => c.status === 1, 5000, { since: ss })).toMatchObject({
      warning_codes: ['master_web_ui_disabled'],
    });
    const back = s1.mark();
    await call('tradeGroups.toggle', { id: 'M1', enabled: true });
    await s1.waitForConfig((c) => c.status === 2, 5000, { since: back });
  });

  it('members.add / update / toggle → that member gets its config', async () => {
    const added = await call('members.add', {
      tradeGroupId: 'M1',
      slaveAccount: 'S2',
      enabled: true,
      slaveSettings: { reverseTrade: true },
    });
    expect(added.data).toMatchObject({
      slaveAccount: 'S2',
      slaveSettings: { configVersion: 1, reverseTrade: true },
    });
    expect(await s2.waitForConfig((c) => c.master_account === 'M1')).toMatchObject({
      reverse_trade: true,
      status: 2,
    });
    const mark = s2.mark();
    await call('members.update', {
      tradeGroupId: 'M1',
      slaveAccount: 'S2',
      slaveSettings: { lotMultiplier: 5 },
    });
    // (S2 may first get its config again when its trade subscription goes live, D19: wait for version 2.)
    expect(await s2.waitForConfig((c) => c.config_version === 2, 5000, { since: mark })).toMatchObject({
      lot_multiplier: 5,
      config_version: 2,
    });
    await call('members.toggle', { tradeGroupId: 'M1', slaveAccount: 'S2', enabled: false });
    expect(await s2.waitForConfig((c) => c.status === 0, 5000, { since: mark })).toMatchObject({
      warning_codes: ['slave_web_ui_disabled'],
      config_version: 3,
    });
    const bad = await call('members.update', {
      tradeGroupId: 'M1',
      slaveAccount: 'S2',
      slaveSettings: { lotMultiplier: 5000 },
    });
    expect(bad.status).toBe(400);
    expect(bad.error?.message).toContain('lotMultiplier');
  });

  it('a trade from the master reaches the enabled member with the API-configured settings', async () => {
    await m1.open({ ticket: 4242, symbol: 'EURUSD', orderType: 'Buy', lots: 0.25 });
    expect(await s1.waitForCommand((c) => c.ticket === 4242)).toMatchObject({ symbol: 'EURUSD', lots: 0.5 });
    // The relay journaled it, with what the engine decided for each member (S2 is switched off).
    await expect
      .poll(
        async () =>
          (await call('signals.list', { masterAccount: 'M1', limit: 5 })).data as { ticket: string }[],
      )
      .toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            ticket: '4242',
            payload: expect.objectContaining({ accepted: 1, filtered: { member_not_connected: 1 } }),
          }),
        ]),
      );
  });

  it('settings.update with a log host broadcasts config/global', async () => {
    const mark = s1.mark();
    await call('settings.update', { logShipping: { host: 'http://127.0.0.1:9428', enabled: true } });
    expect(await s1.waitForMessage('GlobalConfig', () => true, 5000, { since: mark })).toMatchObject({
      enabled: true,
      log_level: 'INFO',
    });
  });

  it('members.delete → -1 to the slave; tradeGroups.delete → -1 to every member and the master', async () => {
    const s2m = s2.mark();
    await call('members.delete', { tradeGroupId: 'M1', slaveAccount: 'S2' });
    await s2.waitForConfig((c) => c.status === -1, 5000, { since: s2m });
    const ms = m1.mark();
    const ss = s1.mark();
    expect((await call('tradeGroups.delete', { id: 'M1' })).data).toEqual({
      ok: true,
      outboxId: expect.any(Number),
    });
    await s1.waitForConfig((c) => c.status === -1, 5000, { since: ss });
    await m1.waitForMessage('MasterConfig', (c) => c.status === -1, 5000, { since: ms });
    expect((await call('tradeGroups.get', { id: 'M1' })).error?.data.code).toBe('NOT_FOUND');
  });
});
