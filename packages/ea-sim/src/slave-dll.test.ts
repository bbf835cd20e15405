import type { SlaveConfigMessage, TradeSignal } from '@sankey/shared/protocol/messages';
import { rfc3339UtcMillis } from '@sankey/shared/time';
import { describe, expect, it } from 'vitest';
import { processTradeSignal, SlaveBrain, transformLots } from './slave-dll';
import { makeSlaveConfig } from './test-helpers';

const NOW = Date.UTC(2025, 0, 1, 9, 30, 0, 0);
const M = 'MASTER_1';
const S = 'SLAVE_1';
const TOPIC = `trade/${M}/${S}`;

const cfg = (o: Partial<SlaveConfigMessage> = {}): SlaveConfigMessage =>
  makeSlaveConfig({ account_id: S, master_account: M, ...o });

function open(o: Partial<TradeSignal> = {}): TradeSignal {
  return {
    action: 'Open',
    ticket: 1001,
    symbol: 'EURUSD',
    order_type: 'Buy',
    lots: 0.5,
    open_price: 1.1,
    stop_loss: 1.09,
    take_profit: 1.12,
    magic_number: 7,
    comment: 'c',
    timestamp: rfc3339UtcMillis(new Date(NOW - 100)),
    source_account: M,
    ...o,
  };
}

const ctx = { nowMs: NOW, slaveEquity: 20_000, topic: TOPIC };
const reason = (signal: TradeSignal, config: SlaveConfigMessage | undefined) => {
  const r = processTradeSignal(signal, config, ctx);
  return r.ok ? 'ok' : r.ignored.reason;
};

describe('processTradeSignal: lookup and Open gating', () => {
  it('ignores a signal without a config for its source_account', () => {
    expect(reason(open(), undefined)).toBe('no_config');
  });

  it('accepts an Open when allow_new_orders and status > 0', () => {
    expect(reason(open(), cfg({ status: 2 }))).toBe('ok');
    expect(reason(open(), cfg({ status: 1 }))).toBe('ok');
  });

  it('ignores an Open when allow_new_orders is false or status ≤ 0', () => {
    expect(reason(open(), cfg({ allow_new_orders: false }))).toBe('new_orders_not_allowed');
    expect(reason(open(), cfg({ status: 0 }))).toBe('new_orders_not_allowed');
  });

  it('lets Close and Modify through even when new orders are not allowed', () => {
    const close: TradeSignal = {
      action: 'Close',
      ticket: 1,
      lots: 1,
      timestamp: open().timestamp,
      source_account: M,
    };
    const modify: TradeSignal = {
      action: 'Modify',
      ticket: 1,
      timestamp: open().timestamp,
      source_account: M,
    };
    const c = cfg({ status: 0, allow_new_orders: false });
    expect(reason(close, c)).toBe('ok');
    expect(reason(modify, c)).toBe('ok');
  });
});

describe('processTradeSignal: symbol and magic filters', () => {
  const filters = (f: Partial<SlaveConfigMessage['filters']>) =>
    cfg({
      filters: {
        allowed_symbols: null,
        blocked_symbols: null,
        allowed_magic_numbers: null,
        blocked_magic_numbers: null,
        ...f,
      },
    });

  it('treats empty allowed lists as "no filter"', () => {
    expect(reason(open(), filters({ allowed_symbols: [], allowed_magic_numbers: [] }))).toBe('ok');
  });

  it('applies allowed/blocked symbols to the converted symbol as received', () => {
    expect(reason(open({ symbol: 'GOLD' }), filters({ allowed_symbols: ['XAUUSD'] }))).toBe(
      'symbol_not_allowed',
    );
    expect(reason(open({ symbol: 'GOLD' }), filters({ allowed_symbols: ['GOLD'] }))).toBe('ok');
    expect(reason(open({ symbol: 'GOLD' }), filters({ blocked_symbols: ['GOLD'] }))).toBe('symbol_blocked');
    expect(reason(open({ symbol: 'GOLD' }), filters({ blocked_symbols: [] }))).toBe('ok');
  });

  it('applies allowed/blocked magic numbers (magic 0 is a value like any other)', () => {
    expect(reason(open({ magic_number: 7 }), filters({ allowed_magic_numbers: [8] }))).toBe(
      'magic_not_allowed',
    );
    expect(reason(open({ magic_number: 8 }), filters({ allowed_magic_numbers: [8] }))).toBe('ok');
    expect(reason(open({ magic_number: 0 }), filters({ blocked_magic_numbers: [0] }))).toBe('magic_blocked');
  });

  it('compares 64-bit magic numbers exactly, not as rounded doubles (docs/protocol.md D18)', () => {
    // 2^53 and 2^53+1 are the same double: a float comparison would let the blocked one through.
    const blocked = filters({ blocked_magic_numbers: [2n ** 53n] });
    expect(reason(open({ magic_number: 2n ** 53n + 1n }), blocked)).toBe('ok');
    expect(reason(open({ magic_number: 2n ** 53n }), blocked)).toBe('magic_blocked');
    const allowed = filters({ allowed_magic_numbers: [2n ** 63n - 1n, -(2n ** 63n)] });
    expect(reason(open({ magic_number: 2n ** 63n - 1n }), allowed)).toBe('ok');
    expect(reason(open({ magic_number: -(2n ** 63n) }), allowed)).toBe('ok');
    expect(reason(open({ magic_number: 2n ** 63n - 2n }), allowed)).toBe('magic_not_allowed');
    // The same value in either JS form is one magic number.
    expect(reason(open({ magic_number: 7n }), filters({ blocked_magic_numbers: [7] }))).toBe('magic_blocked');
  });

  it('does not filter Close/Modify by symbol or magic', () => {
    const close: TradeSignal = {
      action: 'Close',
      ticket: 1,
      lots: 1,
      timestamp: open().timestamp,
      source_account: M,
    };
    expect(reason(close, filters({ allowed_symbols: ['NONE'], allowed_magic_numbers: [1] }))).toBe('ok');
  });
});

describe('processTradeSignal: latency', () => {
  const aged = (ageMs: number) => open({ timestamp: rfc3339UtcMillis(new Date(NOW - ageMs)) });

  it('accepts a signal exactly at max_signal_delay_ms and drops one older', () => {
    expect(reason(aged(5000), cfg())).toBe('ok');
    expect(reason(aged(5001), cfg())).toBe('signal_too_old');
  });

  it('flags an old signal as delayed with use_pending_order_for_delayed', () => {
    const r = processTradeSignal(aged(6000), cfg({ use_pending_order_for_delayed: true }), ctx);
    expect(r.ok && r.command.delayed).toBe(true);
    expect(r.ok && r.command.latencyMs).toBe(6000);
    const fresh = processTradeSignal(aged(10), cfg({ use_pending_order_for_delayed: true }), ctx);
    expect(fresh.ok && fresh.command.delayed).toBe(false);
  });

  it('uses the raw max_signal_delay_ms (0 makes practically every signal stale)', () => {
    expect(reason(aged(1), cfg({ max_signal_delay_ms: 0 }))).toBe('signal_too_old');
  });

  it('applies the latency check to Close as well', () => {
    const close: TradeSignal = {
      action: 'Close',
      ticket: 1,
      lots: 1,
      timestamp: rfc3339UtcMillis(new Date(NOW - 9000)),
      source_account: M,
    };
    expect(reason(close, cfg())).toBe('signal_too_old');
  });

  it('accepts +hh:mm offsets and drops unparsable timestamps', () => {
    expect(reason(open({ timestamp: '2025-01-01T09:29:59+00:00' }), cfg())).toBe('ok');
    expect(reason(open({ timestamp: 'yesterday' }), cfg())).toBe('bad_timestamp');
  });
});

describe('processTradeSignal: transformation', () => {
  it('reverses every order type when reverse_trade', () => {
    const pairs = [
      ['Buy', 'Sell'],
      ['Sell', 'Buy'],
      ['BuyLimit', 'SellLimit'],
      ['SellLimit', 'BuyLimit'],
      ['BuyStop', 'SellStop'],
      ['SellStop', 'BuyStop'],
    ] as const;
    for (const [from, to] of pairs) {
      const r = processTradeSignal(open({ order_type: from }), cfg({ reverse_trade: true }), ctx);
      expect(r.ok && r.command.orderType).toBe(to);
    }
    const plain = processTradeSignal(open({ order_type: 'BuyStop' }), cfg(), ctx);
    expect(plain.ok && plain.command.orderType).toBe('BuyStop');
  });

  it('multiplier mode multiplies when lot_multiplier is set, else leaves lots unchanged', () => {
    expect(transformLots(0.5, cfg({ lot_multiplier: 2 }), 1)).toBe(1);
    expect(transformLots(0.5, cfg({ lot_multiplier: null }), 1)).toBe(0.5);
  });

  it('margin_ratio mode scales by slave/master equity, unchanged without a positive master equity', () => {
    const c = (master_equity: number | null) =>
      cfg({ lot_calculation_mode: 'margin_ratio', master_equity, lot_multiplier: 3 });
    expect(transformLots(1, c(10_000), 20_000)).toBe(2);
    expect(transformLots(1, c(0), 20_000)).toBe(1);
    expect(transformLots(1, c(null), 20_000)).toBe(1);
  });

  it('transforms Close lots too and passes close_ratio, SL/TP, magic, comment, price through', () => {
    const close = processTradeSignal(
      {
        action: 'Close',
        ticket: 9,
        lots: 1,
        close_ratio: 0.25,
        timestamp: open().timestamp,
        source_account: M,
      },
      cfg({ lot_multiplier: 0.5 }),
      ctx,
    );
    expect(close.ok && close.command).toMatchObject({
      kind: 'close',
      ticket: 9,
      lots: 0.5,
      closeRatio: 0.25,
    });
    const o = processTradeSignal(open(), cfg(), ctx);
    expect(o.ok && o.command).toMatchObject({
      kind: 'open',
      masterAccount: M,
      symbol: 'EURUSD',
      orderType: 'Buy',
      lots: 0.5,
      openPrice: 1.1,
      stopLoss: 1.09,
      takeProfit: 1.12,
      magicNumber: 7,
      comment: 'c',
      delayed: false,
      topic: TOPIC,
    });
  });
});

describe('SlaveBrain: config store and subscriptions', () => {
  it('subscribes trade prefix, sync topic and the exact trade topic for a new entry', () => {
    const brain = new SlaveBrain({ accountId: S });
    const effect = brain.applyConfig(cfg({ status: 1 }));
    expect(effect).toMatchObject({ isNew: true, removed: false, sendSyncRequest: false });
    expect(effect.subscribe.sort()).toEqual([`sync/${M}/${S}`, `trade/${M}/`, `trade/${M}/${S}`].sort());
    expect(brain.configFor(M)?.status).toBe(1);
    // An update is not new and subscribes nothing again.
    expect(brain.applyConfig(cfg({ status: 2, sync_mode: 'limit_order' }))).toMatchObject({
      isNew: false,
      subscribe: [],
      sendSyncRequest: false,
    });
  });

  it('a DISABLED new entry gets only the MQL subscriptions', () => {
    const brain = new SlaveBrain({ accountId: S });
    const effect = brain.applyConfig(cfg({ status: 0 }));
    expect(effect.subscribe.sort()).toEqual([`sync/${M}/${S}`, `trade/${M}/${S}`].sort());
  });

  it('sends a SyncRequest only for a new CONNECTED entry whose sync_mode is not skip', () => {
    expect(
      new SlaveBrain({ accountId: S }).applyConfig(cfg({ status: 2, sync_mode: 'market_order' }))
        .sendSyncRequest,
    ).toBe(true);
    expect(
      new SlaveBrain({ accountId: S }).applyConfig(cfg({ status: 2, sync_mode: 'skip' })).sendSyncRequest,
    ).toBe(false);
    expect(
      new SlaveBrain({ accountId: S }).applyConfig(cfg({ status: 1, sync_mode: 'limit_order' }))
        .sendSyncRequest,
    ).toBe(false);
  });

  it('status -1 removes the entry; a later config is new again (and may sync again)', () => {
    const brain = new SlaveBrain({ accountId: S });
    brain.applyConfig(cfg({ status: 2, sync_mode: 'limit_order' }));
    expect(brain.applyConfig(cfg({ status: -1 }))).toMatchObject({ removed: true, isNew: false });
    expect(brain.configFor(M)).toBeUndefined();
    expect(brain.handleSignal(open(), ctx)).toMatchObject({ ok: false, ignored: { reason: 'no_config' } });
    expect(brain.applyConfig(cfg({ status: 2, sync_mode: 'limit_order' }))).toMatchObject({
      isNew: true,
      sendSyncRequest: true,
    });
  });

  it('a -1 for an unknown master is neither new nor a removal', () => {
    const brain = new SlaveBrain({ accountId: S });
    expect(brain.applyConfig(cfg({ status: -1 }))).toMatchObject({
      isNew: false,
      removed: false,
      sendSyncRequest: false,
    });
    expect(brain.configStore.size).toBe(0);
  });

  it('keeps one entry per master', () => {
    const brain = new SlaveBrain({ accountId: S });
    brain.applyConfig(cfg());
    brain.applyConfig(makeSlaveConfig({ account_id: S, master_account: 'M2', lot_multiplier: 2 }));
    expect([...brain.configStore.keys()].sort()).toEqual(['M2', M]);
  });
});

describe('SlaveBrain: ticket mapping (MQL layer)', () => {
  it('opens once per master ticket: cross-talk copies on other slaves’ topics are ignored', () => {
    const brain = new SlaveBrain({ accountId: S });
    brain.applyConfig(cfg());
    const first = brain.handleSignal(open({ symbol: 'GOLD' }), { ...ctx, topic: `trade/${M}/OTHER_SLAVE` });
    const second = brain.handleSignal(open({ symbol: 'XAUUSD' }), ctx);
    expect(first.ok && first.command.symbol).toBe('GOLD');
    expect(second).toMatchObject({ ok: false, ignored: { reason: 'already_mapped', topic: TOPIC } });
    expect(brain.positions()).toHaveLength(1);
  });

  it('partial closes keep the mapping, full closes remove it; unmapped Close/Modify are ignored', () => {
    const brain = new SlaveBrain({ accountId: S });
    brain.applyConfig(cfg());
    brain.handleSignal(open({ ticket: 5, lots: 1 }), ctx);
    const ts = open().timestamp;
    const partial = brain.handleSignal(
      { action: 'Close', ticket: 5, lots: 1, close_ratio: 0.5, timestamp: ts, source_account: M },
      ctx,
    );
    expect(partial.ok).toBe(true);
    expect(brain.positions()[0]?.lots).toBeCloseTo(0.5);
    const modify = brain.handleSignal(
      { action: 'Modify', ticket: 5, stop_loss: 1.05, timestamp: ts, source_account: M },
      ctx,
    );
    expect(modify.ok && modify.command.stopLoss).toBe(1.05);
    expect(brain.positions()[0]?.stopLoss).toBe(1.05);
    expect(
      brain.handleSignal({ action: 'Close', ticket: 5, lots: 1, timestamp: ts, source_account: M }, ctx).ok,
    ).toBe(true);
    expect(brain.positions()).toHaveLength(0);
    expect(
      brain.handleSignal({ action: 'Close', ticket: 5, lots: 1, timestamp: ts, source_account: M }, ctx),
    ).toMatchObject({ ok: false, ignored: { reason: 'not_mapped' } });
    expect(
      brain.handleSignal({ action: 'Modify', ticket: 6, timestamp: ts, source_account: M }, ctx),
    ).toMatchObject({
      ok: false,
      ignored: { reason: 'not_mapped' },
    });
  });

  it('maps 64-bit master tickets exactly: neighbours beyond 2^53 stay apart', () => {
    const brain = new SlaveBrain({ accountId: S });
    brain.applyConfig(cfg());
    const ts = open().timestamp;
    const big = 2n ** 63n - 1n;
    expect(brain.handleSignal(open({ ticket: big }), ctx).ok).toBe(true);
    expect(brain.handleSignal(open({ ticket: big - 1n }), ctx).ok).toBe(true);
    expect(brain.isMapped(M, big)).toBe(true);
    expect(brain.positions().map((p) => p.masterTicket)).toEqual([big, big - 1n]);
    const close = brain.handleSignal(
      { action: 'Close', ticket: big, lots: 1, timestamp: ts, source_account: M },
      ctx,
    );
    expect(close.ok && close.command.ticket).toBe(big);
    expect(brain.positions().map((p) => p.masterTicket)).toEqual([big - 1n]);
    // A ticket within ±(2^53−1) names the same position as a number or a bigint.
    brain.handleSignal(open({ ticket: 42 }), ctx);
    expect(brain.handleSignal(open({ ticket: 42n }), ctx)).toMatchObject({
      ok: false,
      ignored: { reason: 'already_mapped' },
    });
  });

  it('maps by master ticket only by default (like the EA); master+ticket scope separates masters', () => {
    const both = (scope: 'ticket' | 'master+ticket') => {
      const brain = new SlaveBrain({ accountId: S, ticketMappingScope: scope });
      brain.applyConfig(cfg());
      brain.applyConfig(makeSlaveConfig({ account_id: S, master_account: 'M2' }));
      brain.handleSignal(open({ ticket: 1 }), ctx);
      return brain.handleSignal(open({ ticket: 1, source_account: 'M2' }), ctx).ok;
    };
    expect(both('ticket')).toBe(false);
    expect(both('master+ticket')).toBe(true);
  });
});

describe('SlaveBrain: position snapshots', () => {
  const snapshot = {
    message_type: 'PositionSnapshot' as const,
    source_account: M,
    timestamp: '2025-01-01T09:30:00+00:00',
    positions: [
      { ticket: 1, symbol: 'EURUSD', order_type: 'Buy' as const, lots: 1, open_price: 1.1, open_time: '' },
      {
        ticket: 2,
        symbol: 'XAUUSD',
        order_type: 'Sell' as const,
        lots: 0.2,
        open_price: 2000,
        open_time: '',
      },
    ],
  };
  const sctx = { slaveEquity: 5000, topic: `sync/${M}/${S}`, receivedAtMs: NOW };

  it('is ignored without a config or with sync_mode skip', () => {
    expect(new SlaveBrain({ accountId: S }).handleSnapshot(snapshot, sctx)).toMatchObject({
      ok: false,
      ignored: { reason: 'no_config' },
    });
    const brain = new SlaveBrain({ accountId: S });
    brain.applyConfig(cfg({ sync_mode: 'skip' }));
    expect(brain.handleSnapshot(snapshot, sctx)).toMatchObject({
      ok: false,
      ignored: { reason: 'sync_skip' },
    });
  });

  it('syncs unmapped positions with lots and order type transformed', () => {
    const brain = new SlaveBrain({ accountId: S });
    brain.applyConfig(
      cfg({
        sync_mode: 'limit_order',
        reverse_trade: true,
        lot_calculation_mode: 'margin_ratio',
        master_equity: 10_000,
      }),
    );
    brain.handleSignal(open({ ticket: 1 }), ctx);
    const r = brain.handleSnapshot(snapshot, sctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.skippedMapped).toEqual([1]);
    expect(r.synced).toHaveLength(1);
    expect(r.synced[0]).toMatchObject({ ticket: 2, orderType: 'Buy', lots: 0.1, syncMode: 'limit_order' });
    expect(brain.isMapped(M, 2)).toBe(true);
  });
});

describe('SlaveBrain: what isolated delivery relies on (docs/protocol.md D23)', () => {
  const A = 'MASTER_1~0123abcd';

  it('a position opened under the master closes through its alias: tickets are mapped by master ticket only', () => {
    const brain = new SlaveBrain({ accountId: S });
    brain.applyConfig(cfg());
    brain.handleSignal(open({ ticket: 9 }), ctx);
    brain.applyConfig(cfg({ master_account: A, trade_group_id: A }));
    brain.applyConfig(cfg({ master_account: M, status: -1 }));
    const close = brain.handleSignal(
      { action: 'Close', ticket: 9, timestamp: open().timestamp, source_account: A },
      { ...ctx, topic: `trade/${A}/${S}` },
    );
    expect(close.ok).toBe(true);
    expect(brain.positions()).toEqual([]);
  });

  it('keeps the old prefix subscribed after -1 but drops frames under the removed id', () => {
    const brain = new SlaveBrain({ accountId: S });
    brain.applyConfig(cfg());
    brain.applyConfig(cfg({ master_account: M, status: -1 }));
    expect(brain.subscribedTopics()).toContain(`trade/${M}/`);
    const stray = brain.handleSignal(open(), { ...ctx, topic: `trade/${M}/OTHER_SLAVE` });
    expect(stray).toMatchObject({ ok: false, ignored: { reason: 'no_config' } });
  });

  it('keys configs and matches trades by the first 63 bytes of an id (64-byte FFI fields)', () => {
    const long = 'L'.repeat(70);
    const brain = new SlaveBrain({ accountId: S });
    brain.applyConfig(cfg({ master_account: long }));
    expect([...brain.configStore.keys()]).toEqual(['L'.repeat(63)]);
    const other = `${'L'.repeat(63)}XYZ`;
    expect(brain.handleSignal(open({ source_account: other }), ctx).ok).toBe(true);
  });
});
