import { defaultGlobalSettings } from '@sankey/shared/domain/settings';
import type { SlaveConfigMessage } from '@sankey/shared/protocol/messages';
import { describe, expect, it } from 'vitest';
import { engines, heartbeat, makeCore, open, register } from '../testing/core-harness';

describe.each(Object.entries(engines))(
  'EA lifecycle (Register, Heartbeat, RequestConfig, Unregister, timeouts) with the %s engine',
  (_name, engine) => {
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

    it('config/global goes with Register and once more with the next heartbeat (the DLL subscribes it after Register)', () => {
      const h = setup();
      const settings = defaultGlobalSettings();
      h.core.applyGlobalSettings({
        ...settings,
        logShipping: { ...settings.logShipping, host: 'http://logs:9428/' },
      });
      h.take();
      const globals = () => h.take().filter((f) => f.topic === 'config/global').length;
      h.handle(register('S9', 'Slave'));
      expect(globals()).toBe(1);
      h.handle(heartbeat('S9', 'Slave'));
      expect(globals()).toBe(1);
      h.handle(heartbeat('S9', 'Slave'));
      expect(globals()).toBe(0);
      h.handle(register('S8', 'Slave'));
      h.take();
      h.handle({
        type: 'Unregister',
        message: { message_type: 'Unregister', account_id: 'S8', timestamp: 0, ea_type: 'Slave' },
      });
      h.handle(register('S7', 'Slave'));
      h.take();
      h.handle(heartbeat('S7', 'Slave'));
      expect(globals()).toBe(1);
    });

    it('a master on another relay (cluster mode): its members here get configs, the master and nobody else does', () => {
      const h = setup();
      h.handle(register('S1', 'Slave'));
      h.handle(heartbeat('S1', 'Slave'));
      h.take();
      const hb = heartbeat('M1', 'Master');
      h.core.handleRemote(hb as Extract<typeof hb, { type: 'Heartbeat' }>);
      const frames = h.take();
      expect(frames.map((f) => f.topic)).toEqual(['config/S1']);
      expect(frames[0]!.message.message).toMatchObject({ status: 2, warning_codes: [] });
      h.core.handleRemote({
        type: 'Unregister',
        message: { message_type: 'Unregister', account_id: 'M1', timestamp: 0, ea_type: 'Master' },
      });
      expect(h.configsFor('S1').at(-1)).toMatchObject({ status: 1, warning_codes: ['master_offline'] });
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
      expect(h.core.connection('X', 'Master')?.status).toBe('Online');
      expect(h.core.connection('X', 'Slave')?.status).toBe('Offline');
    });

    it('times out silent EAs and runs the master-offline flow', () => {
      const h = setup();
      h.handle(heartbeat('S1', 'Slave'));
      h.handle(heartbeat('M1', 'Master'));
      h.take();
      h.advance(29_000);
      h.core.checkTimeouts();
      expect(h.take()).toEqual([]);
      h.advance(2_000);
      h.core.checkTimeouts();
      expect(h.core.connection('M1', 'Master')?.status).toBe('Timeout');
      expect(h.configsFor('S1').at(-1)).toMatchObject({
        status: 0,
        warning_codes: ['slave_offline', 'master_offline'],
      });
    });

    it('judges liveness on the monotonic clock: a wall-clock step of 60 s times nobody out', () => {
      const h = setup();
      h.handle(heartbeat('S1', 'Slave'));
      h.handle(heartbeat('M1', 'Master'));
      h.take();
      h.stepWallClock(60_000);
      h.core.checkTimeouts();
      expect(h.core.connection('M1', 'Master')?.status).toBe('Online');
      expect(h.core.connection('S1', 'Slave')?.status).toBe('Online');
      expect(h.take()).toEqual([]);
      // …while real silence still does.
      h.advance(31_000);
      h.core.checkTimeouts();
      expect(h.core.connection('M1', 'Master')?.status).toBe('Timeout');
    });

    describe('connection-table cap (D18)', () => {
      const capped = () => {
        const h = makeCore({ engine, maxConnections: 3 });
        h.addGroup('M1', { enabled: true }, [{ slaveAccount: 'S1', enabled: true }]);
        return h;
      };
      const unregister = (id: string) => ({
        type: 'Unregister' as const,
        message: { message_type: 'Unregister' as const, account_id: id, timestamp: 1, ea_type: 'Slave' },
      });

      it('refuses new unlinked EAs at the cap, but never a linked one', () => {
        const h = capped();
        for (const id of ['X1', 'X2', 'X3', 'X4']) h.handle(heartbeat(id, 'Slave'));
        expect(h.core.connections().map((c) => c.accountId)).toEqual(['X1', 'X2', 'X3']);
        h.handle(heartbeat('S1', 'Slave'));
        h.handle(register('M1', 'Master'));
        expect(h.core.connections().map((c) => c.accountId)).toEqual(['X1', 'X2', 'X3', 'S1', 'M1']);
        expect(h.core.connection('S1', 'Slave')?.status).toBe('Online');
      });

      it('evicts the longest-idle unlinked entry to make room, never a linked one', () => {
        const h = capped();
        h.handle(heartbeat('S1', 'Slave'));
        h.handle(heartbeat('X1', 'Slave'));
        h.handle(heartbeat('X2', 'Slave'));
        h.handle(unregister('S1'));
        h.handle(unregister('X2'));
        h.handle(unregister('X1'));
        h.handle(heartbeat('Y1', 'Slave'));
        // X2 went offline first among the unlinked; S1 (linked) stays although it went offline earlier still.
        expect(
          h.core
            .connections()
            .map((c) => c.accountId)
            .sort(),
        ).toEqual(['S1', 'X1', 'Y1']);
        h.handle(heartbeat('Y2', 'Slave'));
        expect(
          h.core
            .connections()
            .map((c) => c.accountId)
            .sort(),
        ).toEqual(['S1', 'Y1', 'Y2']);
        h.handle(heartbeat('Y3', 'Slave'));
        expect(h.core.connection('Y3', 'Slave')).toBeUndefined();
      });
    });

    it('re-sends margin-ratio configs when the master equity moved ≥ 5 %, at most once per 10 s (D17)', () => {
      const h = makeCore({ engine });
      h.addGroup('M1', { enabled: true }, [
        { slaveAccount: 'S1', enabled: true, settings: { lotCalculationMode: 'margin_ratio' } },
        { slaveAccount: 'S2', enabled: true },
      ]);
      h.handle(heartbeat('S1', 'Slave'));
      h.handle(heartbeat('S2', 'Slave'));
      h.handle(heartbeat('M1', 'Master', { equity: 10_000 }));
      expect(h.configsFor('S1').at(-1)).toMatchObject({ status: 2, master_equity: 10_000 });
      h.take();
      h.handle(heartbeat('M1', 'Master', { equity: 10_400 }));
      expect(h.take()).toEqual([]);
      // A 10× deposit: the margin-ratio member gets the new equity, the multiplier member nothing.
      h.handle(heartbeat('M1', 'Master', { equity: 100_000 }));
      const frames = h.take();
      expect(frames.map((f) => f.topic)).toEqual(['config/S1']);
      expect(frames[0]!.message.message).toMatchObject({ status: 2, master_equity: 100_000 });
      // Within 10 s a further move waits; after it, it goes out.
      h.advance(5_000);
      h.handle(heartbeat('M1', 'Master', { equity: 50_000 }));
      expect(h.take()).toEqual([]);
      h.advance(5_001);
      h.handle(heartbeat('M1', 'Master', { equity: 50_000 }));
      expect(h.configsFor('S1').at(-1)).toMatchObject({ master_equity: 50_000 });
    });
  },
);
