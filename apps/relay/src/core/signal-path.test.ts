import type { TradeSignal } from '@sankey/shared/protocol/messages';
import { describe, expect, it } from 'vitest';
import { engines, heartbeat, makeCore, open, register } from '../testing/core-harness';

describe.each(Object.entries(engines))('signal path with the %s engine', (_name, engine) => {
  const setup = () => {
    const h = makeCore({ engine });
    h.addGroup('M1', { enabled: true }, [{ slaveAccount: 'S1', enabled: true }]);
    return h;
  };

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

    it("queues a Close in its master's stream as a close frame and keeps close_ratio", () => {
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
      expect(f).toMatchObject({ stream: 'M1', cls: 'close' });
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
});
