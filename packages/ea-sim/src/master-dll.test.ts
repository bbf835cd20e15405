import { decodeInbound, encodeInbound } from '@sankey/shared/protocol/codec';
import { describe, expect, it } from 'vitest';
import {
  buildCloseSignal,
  buildModifySignal,
  buildOpenSignal,
  stripAffixes,
  toPositionInfo,
} from './master-dll';

const NOW = Date.UTC(2025, 0, 1, 9, 30, 0, 250);
const ctx = { sourceAccount: 'M1', nowMs: NOW };

/** Keys of the message as they appear on the wire (encode, then decode). */
function wireKeys(signal: ReturnType<typeof buildOpenSignal>): string[] {
  const decoded = decodeInbound(encodeInbound({ type: 'TradeSignal', message: signal }));
  if (!decoded.ok) throw decoded.error;
  return Object.keys(decoded.value.message);
}

describe('master signal shapes (§2.5)', () => {
  it('Open carries every key, SL/TP/magic even when zero, symbol stripped of the master affixes', () => {
    const s = buildOpenSignal(
      { ticket: 1, symbol: 'pro.EURUSD.m', orderType: 'Buy', lots: 0.1 },
      { ...ctx, prefix: 'pro.', suffix: '.m' },
    );
    expect(s).toEqual({
      action: 'Open',
      ticket: 1,
      symbol: 'EURUSD',
      order_type: 'Buy',
      lots: 0.1,
      open_price: 0,
      stop_loss: 0,
      take_profit: 0,
      magic_number: 0,
      comment: '',
      timestamp: '2025-01-01T09:30:00.250Z',
      source_account: 'M1',
    });
    expect(wireKeys(s)).toEqual([
      'action',
      'ticket',
      'symbol',
      'order_type',
      'lots',
      'open_price',
      'stop_loss',
      'take_profit',
      'magic_number',
      'comment',
      'timestamp',
      'source_account',
    ]);
  });

  it('Close omits close_ratio at 1.0 ± 1e-6 and keeps any other value (including 0)', () => {
    expect(buildCloseSignal(1, 0.5, 1, ctx)).not.toHaveProperty('close_ratio');
    expect(buildCloseSignal(1, 0.5, 1 + 5e-7, ctx)).not.toHaveProperty('close_ratio');
    expect(buildCloseSignal(1, 0.5, 0.5, ctx).close_ratio).toBe(0.5);
    expect(buildCloseSignal(1, 0.5, 0, ctx).close_ratio).toBe(0);
    expect(Object.keys(buildCloseSignal(1, 0.5, 0.5, ctx))).toEqual([
      'action',
      'ticket',
      'lots',
      'timestamp',
      'source_account',
      'close_ratio',
    ]);
  });

  it('Modify omits SL/TP whose magnitude is below 1e-6', () => {
    expect(buildModifySignal(1, 0, 1.2, ctx)).toEqual({
      action: 'Modify',
      ticket: 1,
      take_profit: 1.2,
      timestamp: '2025-01-01T09:30:00.250Z',
      source_account: 'M1',
    });
    expect(buildModifySignal(1, 1.1, 5e-7, ctx)).not.toHaveProperty('take_profit');
  });

  it('stripAffixes strips each affix once and only where it matches', () => {
    expect(stripAffixes('pro.pro.EURUSD', 'pro.', null)).toBe('pro.EURUSD');
    expect(stripAffixes('EURUSD.m', 'pro.', '.m')).toBe('EURUSD');
    expect(stripAffixes('EURUSD', '', '')).toBe('EURUSD');
  });

  it('sends 64-bit tickets and magic numbers that reach the relay exactly', () => {
    const ticket = 2n ** 63n - 1n;
    const magic = -(2n ** 63n);
    const signals = [
      buildOpenSignal(
        { ticket, symbol: 'EURUSD', orderType: 'Buy', lots: 1, magicNumber: magic },
        { ...ctx, prefix: null, suffix: null },
      ),
      buildCloseSignal(ticket, 1, 1, ctx),
      buildModifySignal(ticket, 1.1, 0, ctx),
    ];
    for (const signal of signals) {
      const bytes = encodeInbound({ type: 'TradeSignal', message: signal });
      expect(bytes.toString('hex')).toContain('a67469636b6574cf7fffffffffffffff');
      expect(decodeInbound(bytes)).toStrictEqual({
        ok: true,
        value: { type: 'TradeSignal', message: signal },
      });
    }
    expect(signals[0]?.magic_number).toBe(magic);
  });

  it('PositionInfo omits zero SL/TP, magic 0 (as 0 or 0n) and an empty comment', () => {
    const base = {
      ticket: 3,
      symbol: 'EURUSD.m',
      orderType: 'Sell' as const,
      lots: 1,
      openPrice: 1.1,
      openTimeMs: NOW,
    };
    expect(
      toPositionInfo({ ...base, stopLoss: 0, takeProfit: 0, magicNumber: 0, comment: '' }, null, '.m'),
    ).toEqual({
      ticket: 3,
      symbol: 'EURUSD',
      order_type: 'Sell',
      lots: 1,
      open_price: 1.1,
      open_time: '2025-01-01T09:30:00+00:00',
    });
    expect(
      toPositionInfo({ ...base, stopLoss: 0, takeProfit: 0, magicNumber: 0n, comment: '' }, null, null),
    ).not.toHaveProperty('magic_number');
    expect(
      toPositionInfo({ ...base, stopLoss: 1.2, takeProfit: 1, magicNumber: 5, comment: 'x' }, null, null),
    ).toMatchObject({
      stop_loss: 1.2,
      take_profit: 1,
      magic_number: 5,
      comment: 'x',
    });
  });
});
