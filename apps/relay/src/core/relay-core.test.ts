import { defaultGlobalSettings } from '@sankey/shared/domain/settings';
import type {
  PositionSnapshotMessage,
  SlaveConfigMessage,
  TradeSignal,
} from '@sankey/shared/protocol/messages';
import { describe, expect, it } from 'vitest';
import { engines, heartbeat, makeCore, open, register } from './test-harness';

describe.each(Object.entries(engines))('RelayCore with the %s engine', (_name, engine) => {
  const setup = () => {
    const h = makeCore({ engine });
    h.addGroup('M1', { enabled: true }, [{ slaveAccount: 'S1', enabled: true }]);
    return h;
  };

  it('Register (Master) sends the master config forced Online and every member config, without DB writes', () => {
    const h = setup();
    h.handle(register('M1', 'Master'));
    const frames = h.take();
    expect(frames.map((f) => f.topic)).toEqual(['config/M1', 'config/S1']);
    expect(frames[0]!.message.message).toMatchObject({ status: 2, warning_codes: [] });
    expect(frames[1]!.message.message).toMatchObject({
      status: 0,
      allow_new_orders: false,
      warning_codes: ['slave_offline', 'master_offline'],
    });
    expect(h.statusWrites).toEqual([]);
  });

  it('suppresses the master config on the first heartbeat after Register but updates the members', () => {
    const h = setup();
    h.handle(register('M1', 'Master'));
    h.take();
    h.handle(heartbeat('M1', 'Master'));
    const frames = h.take();
    expect(frames.map((f) => f.topic)).toEqual(['config/S1']);
    expect(frames[0]!.message.message).toMatchObject({ status: 0, warning_codes: ['slave_offline'] });
  });

  it('sends the master config on the first heartbeat when auto-trading changed since Register', () => {
    const h = setup();
    h.handle(register('M1', 'Master', { is_trade_allowed: false }));
    h.take();
    h.handle(heartbeat('M1', 'Master', { is_trade_allowed: true }));
    expect(h.take().map((f) => f.topic)).toEqual(['config/M1', 'config/S1']);
  });

  it('walks a member through 0 → 1 → 2 and back to 1 when the master unregisters', () => {
    const h = setup();
    h.handle(register('S1', 'Slave'));
    expect(h.configsFor('S1').at(-1)).toMatchObject({ status: 0 });
    h.take();

    h.handle(heartbeat('S1', 'Slave'));
    expect(h.configsFor('S1')).toHaveLength(1);
    expect(h.configsFor('S1')[0]).toMatchObject({
      status: 1,
      warning_codes: ['master_offline'],
      allow_new_orders: true,
    });
    expect(h.statusWrites.at(-1)).toEqual({ group: 'M1', slave: 'S1', status: 1 });
    h.take();

    h.handle(register('M1', 'Master'));
    h.handle(heartbeat('M1', 'Master'));
    const last = h.configsFor('S1').at(-1) as SlaveConfigMessage;
    expect(last).toMatchObject({ status: 2, warning_codes: [], allow_new_orders: true });
    expect(h.statusWrites.at(-1)).toEqual({ group: 'M1', slave: 'S1', status: 2 });
    h.take();

    h.handle(open('M1'));
    expect(h.take().map((f) => f.topic)).toEqual(['trade/M1/S1']);

    h.handle({
      type: 'Unregister',
      message: { message_type: 'Unregister', account_id: 'M1', timestamp: 1, ea_type: 'Master' },
    });
    expect(h.configsFor('S1')).toEqual([
      expect.objectContaining({ status: 1, warning_codes: ['master_offline'] }),
    ]);
    expect(h.events.some((e) => e.event === 'settings_updated')).toBe(true);
    expect(h.events.some((e) => e.event === 'ea_disconnected')).toBe(true);
    h.take();

    h.handle(open('M1'));
    expect(h.take()).toEqual([]);
    expect(h.events.at(-1)).toMatchObject({
      event: 'trade_filtered',
      payload: { reason: 'member_not_connected' },
    });
  });

  it('sends nothing on heartbeats that change nothing', () => {
    const h = setup();
    h.handle(register('S1', 'Slave'));
    h.handle(register('M1', 'Master'));
    h.handle(heartbeat('S1', 'Slave'));
    h.handle(heartbeat('M1', 'Master'));
    h.take();
    for (let i = 0; i < 5; i++) {
      h.handle(heartbeat('M1', 'Master', { equity: 10_000 + i }));
      h.handle(heartbeat('S1', 'Slave'));
    }
    expect(h.take()).toEqual([]);
  });

  it('orders member warnings by priority and makes a slave without auto-trading DISABLED', () => {
    const h = makeCore({ engine });
    h.addGroup('M1', { enabled: false }, [{ slaveAccount: 'S1', enabled: false }]);
    h.handle(heartbeat('M1', 'Master', { is_trade_allowed: false }));
    h.handle(heartbeat('S1', 'Slave', { is_trade_allowed: false }));
    const cfg = h.configsFor('S1').at(-1);
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
    expect(h.configsFor('M1').at(-1)).toMatchObject({
      status: 0,
      warning_codes: ['master_web_ui_disabled', 'master_auto_trading_disabled'],
    });
  });

  it('answers RequestConfig: the master config always, every slave membership always', () => {
    const h = setup();
    h.addGroup('M2', {}, [{ slaveAccount: 'S1' }]);
    h.handle({
      type: 'RequestConfig',
      message: { message_type: 'RequestConfig', account_id: 'M1', timestamp: 't', ea_type: 'Master' },
    });
    expect(h.take().map((f) => f.topic)).toEqual(['config/M1']);
    h.handle({
      type: 'RequestConfig',
      message: { message_type: 'RequestConfig', account_id: 'S1', timestamp: 't', ea_type: 'Slave' },
    });
    const frames = h.take();
    expect(frames.map((f) => [f.topic, (f.message.message as SlaveConfigMessage).master_account])).toEqual([
      ['config/S1', 'M1'],
      ['config/S1', 'M2'],
    ]);
  });

  it('unregisters the entry named by ea_type on a dual-role account (D4)', () => {
    const h = makeCore({ engine });
    h.addGroup('X', {}, [{ slaveAccount: 'S1' }]);
    h.addGroup('M1', {}, [{ slaveAccount: 'X' }]);
    h.handle(heartbeat('X', 'Master'));
    h.handle(heartbeat('X', 'Slave'));
    h.handle({
      type: 'Unregister',
      message: { message_type: 'Unregister', account_id: 'X', timestamp: 1, ea_type: 'Slave' },
    });
    expect(h.core.connections.getMaster('X')?.status).toBe('Online');
    expect(h.core.connections.getSlave('X')?.status).toBe('Offline');
  });

  it('times out silent EAs and runs the master-offline flow', () => {
    const h = setup();
    h.handle(heartbeat('S1', 'Slave'));
    h.handle(heartbeat('M1', 'Master'));
    h.take();
    h.advance(29_000);
    h.core.checkTimeouts(30);
    expect(h.take()).toEqual([]);
    h.advance(2_000);
    h.core.checkTimeouts(30);
    expect(h.core.connections.getMaster('M1')?.status).toBe('Timeout');
    expect(h.configsFor('S1').at(-1)).toMatchObject({
      status: 0,
      warning_codes: ['slave_offline', 'master_offline'],
    });
  });

  describe('copying', () => {
    const online = (h: ReturnType<typeof makeCore>, slaves: string[], ctx?: Record<string, object>) => {
      for (const s of slaves) {
        if (ctx?.[s]) h.handle(register(s, 'Slave', { symbol_context: ctx[s] as never }));
        h.handle(heartbeat(s, 'Slave'));
      }
      h.handle(heartbeat('M1', 'Master'));
      h.take();
      h.events.length = 0;
    };

    it('transforms symbols per member and publishes in slave byte order', () => {
      const h = makeCore({ engine });
      h.addGroup('M1', { symbolPrefix: 'pro.', symbolSuffix: '.m' }, [
        { slaveAccount: 'b', settings: { symbolPrefix: 'fx.', symbolSuffix: '.micro' } },
        {
          slaveAccount: 'B',
          settings: {
            symbolMappings: [{ sourceSymbol: 'XAUUSD', targetSymbol: 'GOLD' }],
            symbolSuffix: '-ECN',
          },
        },
        { slaveAccount: 'a' },
      ]);
      online(h, ['a', 'b', 'B'], {
        a: { detected_prefix: '', detected_suffix: '.x', available_special_symbols: ['GOLD'] },
      });
      h.handle(open('M1', { symbol: 'pro.XAUUSD.m' }));
      const frames = h.take();
      expect(frames.map((f) => [f.topic, (f.message.message as TradeSignal).symbol])).toEqual([
        ['trade/M1/B', 'GOLD-ECN'],
        ['trade/M1/a', 'GOLD.x'],
        ['trade/M1/b', 'fx.XAUUSD.micro'],
      ]);
      const forwarded = frames[0]!.message.message as TradeSignal;
      const { symbol: _s, ...rest } = forwarded;
      const { symbol: _o, ...original } = open('M1').message as TradeSignal;
      expect(rest).toEqual(original);
    });

    it('filters by pending type, lots, symbols and magic with a reason per member', () => {
      const h = makeCore({ engine });
      h.addGroup('M1', {}, [
        { slaveAccount: 'S1', settings: { copyPendingOrders: false } },
        { slaveAccount: 'S2', settings: { sourceLotMin: 0.5, sourceLotMax: 2, copyPendingOrders: true } },
        {
          slaveAccount: 'S3',
          settings: { filters: { blockedSymbols: ['EURUSD'] }, copyPendingOrders: true },
        },
        { slaveAccount: 'S4', settings: { filters: { allowedMagicNumbers: [7] }, copyPendingOrders: true } },
      ]);
      online(h, ['S1', 'S2', 'S3', 'S4']);
      h.handle(open('M1', { order_type: 'BuyLimit', lots: 3, magic_number: 8 }));
      expect(h.take()).toEqual([]);
      expect(h.events.filter((e) => e.event === 'trade_filtered').map((e) => e.payload)).toEqual([
        expect.objectContaining({ slaveAccount: 'S1', reason: 'pending_orders_disabled' }),
        expect.objectContaining({ slaveAccount: 'S2', reason: 'lots_above_max' }),
        expect.objectContaining({ slaveAccount: 'S3', reason: 'symbol_blocked' }),
        expect.objectContaining({ slaveAccount: 'S4', reason: 'magic_not_allowed' }),
      ]);
      h.handle(open('M1', { order_type: 'Buy', lots: 1, magic_number: 7, symbol: 'GBPUSD' }));
      expect(h.take().map((f) => f.topic)).toEqual([
        'trade/M1/S1',
        'trade/M1/S2',
        'trade/M1/S3',
        'trade/M1/S4',
      ]);
    });

    it('sends closes ahead of opens and keeps close_ratio', () => {
      const h = setup();
      online(h, ['S1']);
      h.handle({
        type: 'TradeSignal',
        message: {
          action: 'Close',
          ticket: 5,
          lots: 0.5,
          close_ratio: 0.5,
          timestamp: 't',
          source_account: 'M1',
        },
      });
      const [f] = h.take();
      expect(f!.priority).toBe(0);
      expect(f!.message.message).toEqual({
        action: 'Close',
        ticket: 5,
        lots: 0.5,
        close_ratio: 0.5,
        timestamp: 't',
        source_account: 'M1',
      });
    });

    it('keeps masters isolated', () => {
      const h = setup();
      h.addGroup('M2', {}, [{ slaveAccount: 'S2' }]);
      online(h, ['S1', 'S2']);
      h.handle(open('M1'));
      expect(h.take().map((f) => f.topic)).toEqual(['trade/M1/S1']);
    });
  });

  describe('sync', () => {
    it('forwards a SyncRequest only from a member', () => {
      const h = setup();
      const req = (slave: string) =>
        h.handle({
          type: 'SyncRequest',
          message: {
            message_type: 'SyncRequest',
            slave_account: slave,
            master_account: 'M1',
            timestamp: 't',
          },
        });
      req('S9');
      expect(h.take()).toEqual([]);
      req('S1');
      expect(h.take().map((f) => f.topic)).toEqual(['sync/M1/S1']);
    });

    it('filters and converts snapshots per CONNECTED member and splits them under 4096 bytes (D5)', () => {
      const h = makeCore({ engine });
      h.addGroup('M1', {}, [
        { slaveAccount: 'S1', settings: { symbolSuffix: '.m', filters: { blockedSymbols: ['GBPUSD'] } } },
        { slaveAccount: 'S2' },
      ]);
      h.handle(heartbeat('S1', 'Slave'));
      h.handle(heartbeat('M1', 'Master'));
      h.take();
      const positions = Array.from({ length: 60 }, (_, i) => ({
        ticket: 1000 + i,
        symbol: i % 2 ? 'EURUSD' : 'GBPUSD',
        order_type: i === 1 ? ('BuyLimit' as const) : ('Buy' as const),
        lots: 0.1,
        open_price: 1.1,
        open_time: '2025-01-01T09:30:00+00:00',
        comment: 'a comment that makes the frame bigger',
      }));
      const snapshot: PositionSnapshotMessage = {
        message_type: 'PositionSnapshot',
        source_account: 'M1',
        positions,
        timestamp: 't',
      };
      h.handle({ type: 'PositionSnapshot', message: snapshot });
      const frames = h.take();
      expect(frames.length).toBeGreaterThan(1);
      for (const f of frames) {
        expect(f.topic).toBe('sync/M1/S1');
        expect(f.frame.length).toBeLessThanOrEqual(4096);
      }
      const got = frames.flatMap((f) => (f.message.message as PositionSnapshotMessage).positions);
      // Odd tickets are EURUSD; ticket 1001 is a pending order and S1 does not copy pending orders.
      expect(got.map((p) => p.ticket)).toEqual(
        positions.filter((_, i) => i % 2 && i !== 1).map((p) => p.ticket),
      );
      expect(new Set(got.map((p) => p.symbol))).toEqual(new Set(['EURUSD.m']));
    });

    it('still delivers an empty snapshot to a connected member', () => {
      const h = setup();
      h.handle(heartbeat('S1', 'Slave'));
      h.handle(heartbeat('M1', 'Master'));
      h.take();
      h.handle({
        type: 'PositionSnapshot',
        message: { message_type: 'PositionSnapshot', source_account: 'M1', positions: [], timestamp: 't' },
      });
      const frames = h.take();
      expect(frames.map((f) => f.topic)).toEqual(['sync/M1/S1']);
      expect((frames[0]!.message.message as PositionSnapshotMessage).positions).toEqual([]);
    });
  });

  describe('admin changes', () => {
    it('group update sends the master config only; toggle sends master and members', () => {
      const h = setup();
      const g = h.core.store.getGroup('M1')!;
      h.core.applyGroupUpdated({ ...g, symbolSuffix: '.m', configVersion: 2 });
      expect(h.take().map((f) => f.topic)).toEqual(['config/M1']);
      h.core.applyGroupToggled({ ...g, enabled: false, configVersion: 3 });
      const frames = h.take();
      expect(frames.map((f) => f.topic)).toEqual(['config/M1', 'config/S1']);
      expect(frames[0]!.message.message).toMatchObject({ config_version: 3, symbol_suffix: null });
      expect(h.events.filter((e) => e.event === 'settings_updated')).toHaveLength(1);
    });

    it('deleting the last member sends -1 to the slave, then -1 to the master', () => {
      const h = setup();
      h.core.applyMemberDeleted('M1', 'S1', true);
      const frames = h.take();
      expect(frames.map((f) => [f.topic, (f.message.message as { status: number }).status])).toEqual([
        ['config/S1', -1],
        ['config/M1', -1],
      ]);
      expect(h.core.store.getGroup('M1')).toBeUndefined();
    });

    it('deleting a group sends -1 configs to every member and the master first (D13)', () => {
      const h = makeCore({ engine });
      h.addGroup('M1', {}, [{ slaveAccount: 'S1' }, { slaveAccount: 'S2' }]);
      h.core.applyGroupDeleted('M1', ['S1', 'S2']);
      expect(h.take().map((f) => [f.topic, (f.message.message as { status: number }).status])).toEqual([
        ['config/S1', -1],
        ['config/S2', -1],
        ['config/M1', -1],
      ]);
    });

    it('broadcasts config/global only when a log host is configured', () => {
      const h = setup();
      h.handle(register('S1', 'Slave'));
      expect(h.take().some((f) => f.topic === 'config/global')).toBe(false);
      const settings = defaultGlobalSettings();
      h.core.applyGlobalSettings({
        ...settings,
        logShipping: { ...settings.logShipping, host: 'http://logs:9428/', logLevel: 'WARN' },
      });
      const [f] = h.take();
      expect(f!.topic).toBe('config/global');
      expect(f!.message.message).toMatchObject({
        endpoint: 'http://logs:9428/insert/jsonline?_stream_fields=source',
        log_level: 'WARN',
      });
      h.handle(register('S2', 'Slave'));
      expect(h.take().map((x) => x.topic)).toContain('config/global');
    });
  });
});
