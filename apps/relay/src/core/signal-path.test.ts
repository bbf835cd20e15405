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

    it('builds no live event while nobody receives them, and copies the same', () => {
      const h = makeCore({ engine, quietEvents: true });
      h.addGroup('M1', {}, [
        { slaveAccount: 'S1' },
        { slaveAccount: 'S2', settings: { filters: { blockedSymbols: ['EURUSD'] } } },
      ]);
      online(h, ['S1', 'S2']);
      h.handle(open('M1', { symbol: 'EURUSD' }));
      expect(h.take().map((f) => f.topic)).toEqual(['trade/M1/S1']);
      expect(h.events).toEqual([]);
    });

    it('journals which member was filtered and why, and ledgers the lots each member settings compute', async () => {
      const recorded: unknown[][] = [];
      const h = makeCore({ engine, journal: { record: (...args) => void recorded.push(args) } });
      h.addGroup('M1', {}, [
        { slaveAccount: 'S1', settings: { lotMultiplier: 2.5 } },
        { slaveAccount: 'S2', settings: { lotCalculationMode: 'margin_ratio' } },
        { slaveAccount: 'S3', settings: { filters: { blockedSymbols: ['EURUSD'] } } },
      ]);
      h.handle(heartbeat('S2', 'Slave', { equity: 5_000 }));
      online(h, ['S1', 'S3']);
      h.handle(open('M1', { lots: 0.4 }));
      expect(recorded.map(([, accepted, filtered, by]) => [accepted, filtered, by])).toEqual([
        [2, { symbol_blocked: 1 }, { S3: 'symbol_blocked' }],
      ]);
      const copied = h.events.filter((e) => e.event === 'trade_copied').map((e) => e.payload);
      expect(copied).toEqual([
        expect.objectContaining({ slaveAccount: 'S1', at: '2025-01-01T00:00:00.000Z' }),
        expect.objectContaining({ slaveAccount: 'S2', at: '2025-01-01T00:00:00.000Z' }),
      ]);
      // Master equity 10 000 (heartbeat), slave S2 5 000: margin ratio halves the lots; S1 multiplies by 2.5.
      expect((await h.storedLedger()).map((r) => [r.slaveAccount, r.lots])).toEqual([
        ['S1', 1],
        ['S2', 0.2],
      ]);
      h.handle(open('M1', { ticket: 1002, symbol: 'GBPUSD' }));
      expect(recorded[1]?.[3]).toBeUndefined();
    });

    it('does not report a member whose slave is on another relay as filtered (that relay copies it)', () => {
      const recorded: unknown[][] = [];
      const h = makeCore({ engine, journal: { record: (...args) => void recorded.push(args) } });
      h.addGroup('M1', {}, [{ slaveAccount: 'S1' }, { slaveAccount: 'S2' }, { slaveAccount: 'S3' }]);
      online(h, ['S1']);
      // Cluster mode: S2's EA is on another relay; S3's is nowhere.
      h.core.useRemoteSlaves(() => undefined, new Set(['S2']));
      h.handle(open('M1'));
      expect(h.take().map((f) => f.topic)).toEqual(['trade/M1/S1']);
      expect(
        recorded.map(([, accepted, filtered, by, , elsewhere]) => [accepted, filtered, by, elsewhere]),
      ).toEqual([[1, { member_not_connected: 1 }, { S3: 'member_not_connected' }, 1]]);
      expect(h.events.filter((e) => e.event === 'trade_filtered').map((e) => e.payload)).toEqual([
        expect.objectContaining({ slaveAccount: 'S3', reason: 'member_not_connected' }),
      ]);
    });

    it('keeps masters isolated', () => {
      const h = setup();
      h.addGroup('M2', {}, [{ slaveAccount: 'S2' }]);
      online(h, ['S1', 'S2']);
      h.handle(open('M1'));
      expect(h.take().map((f) => f.topic)).toEqual(['trade/M1/S1']);
    });
  });

  describe('close-through (D15)', () => {
    const close = (ticket: number, over: Partial<TradeSignal> = {}) => ({
      type: 'TradeSignal' as const,
      message: { action: 'Close' as const, ticket, timestamp: 't', source_account: 'M1', ...over },
    });
    /** M1 with S1 and S2, all online, both members CONNECTED; S1 has `whenOff`. */
    const twoSlaves = (whenOff: 'closeOnly' | 'freeze' = 'closeOnly', ledgerRows?: never[]) => {
      const h = makeCore({ engine, ...(ledgerRows ? { ledgerRows } : {}) });
      h.addGroup('M1', { enabled: true }, [
        { slaveAccount: 'S1', enabled: true, settings: { whenOff } },
        { slaveAccount: 'S2', enabled: true },
      ]);
      for (const s of ['S1', 'S2']) h.handle(heartbeat(s, 'Slave'));
      h.handle(heartbeat('M1', 'Master'));
      h.take();
      return h;
    };
    const switchOff = (h: ReturnType<typeof makeCore>, slave: string) => {
      const group = h.core.group('M1')!;
      const member = { ...h.core.membersOf('M1').find((m) => m.slaveAccount === slave)!, enabled: false };
      h.core.applyMemberChanged(group, member, 'member.toggled');
      h.take();
    };
    const tradeTopics = (h: ReturnType<typeof makeCore>) =>
      h
        .take()
        .filter((f) => f.topic.startsWith('trade/'))
        .map((f) => f.topic);

    it('forwards the Close of a copied ticket to a member switched off since, and forgets the ticket', () => {
      const h = twoSlaves();
      h.handle(open('M1', { ticket: 10 }));
      expect(tradeTopics(h)).toEqual(['trade/M1/S1', 'trade/M1/S2']);
      switchOff(h, 'S1');
      h.handle(open('M1', { ticket: 11 }));
      expect(tradeTopics(h)).toEqual(['trade/M1/S2']);
      h.handle({
        type: 'TradeSignal',
        message: { action: 'Modify', ticket: 10, stop_loss: 1, timestamp: 't', source_account: 'M1' },
      });
      expect(tradeTopics(h)).toEqual(['trade/M1/S1', 'trade/M1/S2']);
      h.handle(close(10));
      expect(tradeTopics(h)).toEqual(['trade/M1/S1', 'trade/M1/S2']);
      expect(h.ledger.isOpen('M1', 'S1', 10)).toBe(false);
      // Never copied to S1: its Close does not go there.
      h.handle(close(11));
      expect(tradeTopics(h)).toEqual(['trade/M1/S2']);
    });

    it('keeps a ticket open through a partial close', () => {
      const h = twoSlaves();
      h.handle(open('M1', { ticket: 12 }));
      switchOff(h, 'S1');
      h.take();
      h.handle(close(12, { close_ratio: 0.5 }));
      expect(tradeTopics(h)).toEqual(['trade/M1/S1', 'trade/M1/S2']);
      h.handle(close(12));
      expect(tradeTopics(h)).toEqual(['trade/M1/S1', 'trade/M1/S2']);
      h.handle(close(12));
      expect(tradeTopics(h)).toEqual(['trade/M1/S2']);
    });

    it('passes nothing to a link switched off with whenOff = freeze', () => {
      const h = twoSlaves('freeze');
      h.handle(open('M1', { ticket: 20 }));
      h.take();
      switchOff(h, 'S1');
      h.handle(close(20));
      expect(tradeTopics(h)).toEqual(['trade/M1/S2']);
    });

    it('a timed-out slave is never frozen: its Close is still forwarded', () => {
      const h = twoSlaves('freeze');
      h.handle(open('M1', { ticket: 21 }));
      h.take();
      h.advance(31_000);
      h.handle(heartbeat('M1', 'Master'));
      h.handle(heartbeat('S2', 'Slave'));
      h.core.checkTimeouts();
      h.take();
      h.handle(close(21));
      expect(tradeTopics(h)).toEqual(['trade/M1/S1', 'trade/M1/S2']);
    });

    it('remembers what it copied across a restart (the ledger as stored)', async () => {
      const before = twoSlaves();
      before.handle(open('M1', { ticket: 30 }));
      const stored = await before.storedLedger();
      expect(stored).toEqual([
        expect.objectContaining({ masterAccount: 'M1', slaveAccount: 'S1', ticket: '30', state: 'sent' }),
        expect.objectContaining({ masterAccount: 'M1', slaveAccount: 'S2', ticket: '30', state: 'sent' }),
      ]);
      const after = twoSlaves('closeOnly', stored as never[]);
      await after.ledger.load();
      switchOff(after, 'S1');
      after.handle(close(30));
      expect(tradeTopics(after)).toEqual(['trade/M1/S1', 'trade/M1/S2']);
      expect((await after.storedLedger()).map((r) => r.state)).toEqual(['closed', 'closed']);
    });
  });
});
