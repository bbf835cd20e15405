// End to end: which config each EA receives on which event (docs/protocol.md §7.4), over real sockets.
import type { MasterConfigMessage, SlaveConfigMessage } from '@sankey/shared/protocol/messages';
import { afterEach, describe, expect, it } from 'vitest';
import { type World, world } from './world';

let w: World;
afterEach(async () => {
  await w?.close();
});

const slaveConfigs = (s: { messagesOf(t: 'SlaveConfig'): SlaveConfigMessage[] }, master = 'M1') =>
  s.messagesOf('SlaveConfig').filter((c) => c.master_account === master);
const quiet = 600;

describe('config distribution (trigger matrix)', () => {
  it('walks a member 0 → 1 → 2 and back to 1 on master unregister, persisting each change', async () => {
    w = await world();
    await w.admin.createGroup('M1', { enabled: true, members: [{ slaveAccount: 'S1', enabled: true }] });
    const s1 = await w.slave('S1');
    await s1.waitForConfig((c) => c.status === 1 && c.warning_codes.join() === 'master_offline');
    await expect.poll(async () => (await w.admin.repos.members.get('M1', 'S1'))?.status).toBe(1);

    const m1 = await w.master('M1');
    const connected = await s1.waitForConfig((c) => c.status === 2);
    expect(connected).toMatchObject({ allow_new_orders: true, warning_codes: [], master_equity: 10_000 });
    await expect.poll(async () => (await w.admin.repos.members.get('M1', 'S1'))?.status).toBe(2);

    const mark = s1.mark();
    await m1.stop({ unregister: true });
    const offline = await s1.waitForConfig((c) => c.status !== 2, 5000, { since: mark });
    expect(offline).toMatchObject({ status: 1, warning_codes: ['master_offline'], allow_new_orders: true });
    await expect.poll(async () => (await w.admin.repos.members.get('M1', 'S1'))?.status).toBe(1);
  });

  it('detects a silent master by timeout and tells its slaves', async () => {
    w = await world({ heartbeatTimeoutS: 2 });
    await w.admin.createGroup('M1', { enabled: true, members: [{ slaveAccount: 'S1', enabled: true }] });
    const s1 = await w.slave('S1');
    const m1 = await w.master('M1');
    await s1.waitForConfig((c) => c.status === 2);
    const mark = s1.mark();
    await m1.crash();
    const cfg = await s1.waitForConfig((c) => c.status === 1, 5000, { since: mark });
    expect(cfg.warning_codes).toEqual(['master_offline']);
    expect(w.relay.core.connection('M1', 'Master')?.status).toBe('Timeout');
  });

  it('sends exactly one master config to a master that registers with auto-trading on, then nothing while quiet', async () => {
    w = await world();
    await w.admin.createGroup('M1', { enabled: true, members: [{ slaveAccount: 'S1', enabled: true }] });
    const m1 = await w.master('M1');
    await m1.waitForMessage('MasterConfig');
    await new Promise((r) => setTimeout(r, 1000));
    expect(m1.messagesOf('MasterConfig')).toEqual([
      expect.objectContaining({ status: 2, warning_codes: [] }),
    ]);
  });

  it('answers RequestConfig on the auto-trading off → on edge', async () => {
    w = await world();
    await w.admin.createGroup('M1', { enabled: true, members: [{ slaveAccount: 'S1', enabled: true }] });
    const s1 = await w.slave('S1');
    const m1 = await w.master('M1');
    await s1.waitForConfig((c) => c.status === 2);
    m1.setAutoTrading(false);
    const off = await m1.waitForMessage('MasterConfig', (c) => c.status === 0);
    expect(off.warning_codes).toEqual(['master_auto_trading_disabled']);
    const sOff = await s1.waitForConfig((c) => c.warning_codes.includes('master_auto_trading_disabled'));
    expect(sOff).toMatchObject({ status: 1, allow_new_orders: true });

    const mark = m1.mark();
    const slaveMark = s1.mark();
    m1.setAutoTrading(true);
    await m1.waitForSent((s) => s.message?.type === 'RequestConfig', 3000, { since: mark });
    // One from the heartbeat (status changed) and one answering RequestConfig.
    await m1.waitForMessage('MasterConfig', (c) => c.status === 2, 3000, { since: mark });
    await s1.waitForConfig((c) => c.status === 2 && c.warning_codes.length === 0, 3000, { since: slaveMark });
  });

  it('orders warning codes by priority', async () => {
    w = await world();
    await w.admin.createGroup('M1', { enabled: false, members: [{ slaveAccount: 'S1', enabled: false }] });
    const s1 = await w.slave('S1', { isTradeAllowed: false });
    await w.master('M1', { isTradeAllowed: false });
    const cfg = await s1.waitForConfig((c) => c.warning_codes.includes('master_auto_trading_disabled'));
    expect(cfg).toMatchObject({
      status: 0,
      allow_new_orders: false,
      warning_codes: [
        'slave_web_ui_disabled',
        'slave_auto_trading_disabled',
        'master_web_ui_disabled',
        'master_auto_trading_disabled',
      ],
    });
  });

  describe('admin changes through the outbox', () => {
    async function running() {
      w = await world();
      await w.admin.createGroup('M1', {
        enabled: true,
        members: [
          { slaveAccount: 'S1', enabled: true },
          { slaveAccount: 'S2', enabled: true },
        ],
      });
      // The configs of the group's creation go out before any EA is there to take them.
      await expect.poll(() => w.relay.core.group('M1')).toBeDefined();
      const sentBefore = w.relay.metrics.totals.configsSent;
      const s1 = await w.slave('S1');
      const s2 = await w.slave('S2');
      const m1 = await w.master('M1');
      await s1.waitForConfig((c) => c.status === 2);
      await s2.waitForConfig((c) => c.status === 2);
      // Start-up is over once each slave listens for M1 (its subscription brings it one more config, D19) and
      // every config the relay sent has arrived: one still on its way would land after the marks and pass for
      // the change under test (status 2 where 1 is expected, a config where none may come).
      await expect
        .poll(() => ['S1', 'S2'].every((s) => w.relay.core.delivery.listeners.isListening('M1', s)))
        .toBe(true);
      const arrived = () =>
        s1.messagesOf('SlaveConfig').length +
        s2.messagesOf('SlaveConfig').length +
        m1.messagesOf('MasterConfig').length;
      await expect.poll(() => w.relay.metrics.totals.configsSent - sentBefore - arrived()).toBe(0);
      return { m1, s1, s2, marks: { m1: m1.mark(), s1: s1.mark(), s2: s2.mark() } };
    }

    it('toggling the master re-sends the master config and every member config', async () => {
      const { m1, s1, s2, marks } = await running();
      await w.admin.toggleGroup('M1', false);
      const m = await m1.waitForMessage('MasterConfig', () => true, 3000, { since: marks.m1 });
      expect(m).toMatchObject({ status: 0, warning_codes: ['master_web_ui_disabled'], config_version: 2 });
      for (const [s, mark] of [
        [s1, marks.s1],
        [s2, marks.s2],
      ] as const) {
        const c = await s.waitForConfig(() => true, 3000, { since: mark });
        expect(c).toMatchObject({ status: 1, warning_codes: ['master_web_ui_disabled'] });
      }
      // Copying stops: the members are no longer CONNECTED.
      const mark = s1.mark();
      await m1.open({ ticket: 1, symbol: 'EURUSD', orderType: 'Buy', lots: 1 });
      await s1.expectNoCommands(() => true, quiet, { since: mark });
    });

    it('updating the master settings sends the master config only', async () => {
      const { m1, s1, s2, marks } = await running();
      await w.admin.updateGroup('M1', { symbolSuffix: '.m' });
      const m = await m1.waitForMessage('MasterConfig', () => true, 3000, { since: marks.m1 });
      expect(m).toMatchObject({ symbol_suffix: '.m', config_version: 2, status: 2 });
      await s1.expectNoFrames((f) => f.topic.startsWith('config/'), quiet, { since: marks.s1 });
      await s2.expectNoFrames((f) => f.topic.startsWith('config/'), 10, { since: marks.s2 });
    });

    it('updating or toggling a member sends that member its config only', async () => {
      const { m1, s1, s2, marks } = await running();
      await w.admin.updateMember('M1', 'S1', { lotMultiplier: 3 });
      const c = await s1.waitForConfig(() => true, 3000, { since: marks.s1 });
      expect(c).toMatchObject({ lot_multiplier: 3, config_version: 2, status: 2 });
      await w.admin.toggleMember('M1', 'S1', false);
      const off = await s1.waitForConfig((x) => x.status === 0, 3000, { since: marks.s1 });
      expect(off).toMatchObject({
        warning_codes: ['slave_web_ui_disabled'],
        allow_new_orders: false,
        config_version: 3,
      });
      await s2.expectNoFrames((f) => f.topic === 'config/S2', quiet, { since: marks.s2 });
      await m1.expectNoFrames((f) => f.topic === 'config/M1', 10, { since: marks.m1 });
    });

    it('adding a member sends it its config; deleting it sends -1; deleting the last also removes the master', async () => {
      const { m1, s1, s2, marks } = await running();
      const s3 = await w.slave('S3');
      await expect.poll(() => w.relay.core.connection('S3', 'Slave')?.status).toBe('Online');
      await w.admin.addMember('M1', 'S3', { lotMultiplier: 0.5 });
      expect(await s3.waitForConfig((c) => c.master_account === 'M1')).toMatchObject({
        status: 2,
        config_version: 1,
      });

      await w.admin.deleteMember('M1', 'S1');
      const removed = await s1.waitForConfig((c) => c.status === -1, 3000, { since: marks.s1 });
      expect(removed).toMatchObject({ config_version: 0, allow_new_orders: false, symbol_mappings: [] });
      await w.admin.deleteMember('M1', 'S2');
      await s2.waitForConfig((c) => c.status === -1, 3000, { since: marks.s2 });
      await w.admin.deleteMember('M1', 'S3');
      await s3.waitForConfig((c) => c.status === -1);
      const masterRemoved = await m1.waitForMessage('MasterConfig', (c) => c.status === -1, 3000, {
        since: marks.m1,
      });
      expect(masterRemoved).toMatchObject({ symbol_prefix: null, symbol_suffix: null, config_version: 0 });
      expect(await w.admin.repos.tradeGroups.get('M1')).toBeNull();
      expect(m1.config.status).toBe(-1);
    });

    it('deleting a group sends -1 configs to the master and every member (D13)', async () => {
      const { m1, s1, s2, marks } = await running();
      await w.admin.deleteGroup('M1');
      await s1.waitForConfig((c) => c.status === -1, 3000, { since: marks.s1 });
      await s2.waitForConfig((c) => c.status === -1, 3000, { since: marks.s2 });
      await m1.waitForMessage('MasterConfig', (c) => c.status === -1, 3000, { since: marks.m1 });
      const mark = s1.mark();
      await m1.open({ ticket: 5, symbol: 'EURUSD', orderType: 'Buy', lots: 1 });
      await s1.expectNoFrames((f) => f.topic.startsWith('trade/'), quiet, { since: mark });
    });

    it('broadcasts config/global when log shipping changes, and to each EA that registers', async () => {
      const { m1, s1, marks } = await running();
      await w.admin.updateSettings({
        logShipping: { host: 'http://127.0.0.1:9428', enabled: true, logLevel: 'WARN' },
      });
      for (const [ea, mark] of [
        [m1, marks.m1],
        [s1, marks.s1],
      ] as const) {
        const g = await ea.waitForMessage('GlobalConfig', () => true, 3000, { since: mark });
        expect(g).toMatchObject({
          enabled: true,
          endpoint: 'http://127.0.0.1:9428/insert/jsonline?_stream_fields=source',
          log_level: 'WARN',
          batch_size: 100,
          flush_interval_secs: 5,
        });
      }
      const s9 = await w.slave('S9');
      await s9.waitForMessage('GlobalConfig');
    });
  });

  it('sends no config/global while no log host is configured', async () => {
    w = await world();
    const s1 = await w.slave('S1');
    await new Promise((r) => setTimeout(r, 500));
    expect(s1.messagesOf('GlobalConfig')).toEqual([]);
    expect(slaveConfigs(s1)).toEqual([]);
    expect(
      (s1 as unknown as { messagesOf(t: 'MasterConfig'): MasterConfigMessage[] }).messagesOf('MasterConfig'),
    ).toEqual([]);
  });
});
