// End to end: simulated master and slave EAs over real ZeroMQ through the relay, settings through the outbox.
import type { PositionSnapshotMessage, TradeSignal } from '@sankey/shared/protocol/messages';
import { afterEach, describe, expect, it } from 'vitest';
import { Push } from 'zeromq';
import { type World, world } from './world';

let w: World;
afterEach(async () => {
  await w?.close();
});

/** Group M1 (enabled) with the given members, all EAs online and the members CONNECTED. */
async function connected(
  members: { slave: string; settings?: Parameters<World['admin']['addMember']>[2]; symbolContext?: object }[],
  group: { symbolPrefix?: string; symbolSuffix?: string } = {},
) {
  w = await world();
  await w.admin.createGroup('M1', {
    enabled: true,
    ...group,
    members: members.map((m) => ({ slaveAccount: m.slave, enabled: true, slaveSettings: m.settings ?? {} })),
  });
  const slaves = [];
  for (const m of members)
    slaves.push(await w.slave(m.slave, { symbolContext: (m.symbolContext as never) ?? null }));
  const master = await w.master('M1');
  for (const s of slaves) await s.waitForConfig((c) => c.master_account === 'M1' && c.status === 2);
  return { master, slaves };
}

const ownTopic = (slave: string) => (f: { topic: string }) => f.topic === `trade/M1/${slave}`;
const tradesOn = (
  s: { received(): { topic: string; message: { message: unknown } | null }[] },
  topic: string,
) =>
  s
    .received()
    .filter((f) => f.topic === topic)
    .map((f) => f.message!.message as TradeSignal);

describe('copying through the relay', () => {
  it('delivers an Open with the transformed symbol and the slave-side reverse and lot multiplier applied', async () => {
    const { master, slaves } = await connected(
      [
        {
          slave: 'S1',
          settings: { symbolPrefix: 'fx.', symbolSuffix: '.micro', reverseTrade: true, lotMultiplier: 2 },
        },
      ],
      { symbolPrefix: 'pro.', symbolSuffix: '.m' },
    );
    // The master EA strips its own affixes (from its config) before sending: the relay sees EURUSD.
    await master.waitFor((f) => f.message?.type === 'MasterConfig');
    await master.open({ ticket: 101, symbol: 'pro.EURUSD.m', orderType: 'Buy', lots: 0.5, openPrice: 1.1 });
    const cmd = await slaves[0]!.waitForCommand((c) => c.ticket === 101);
    expect(cmd).toMatchObject({
      kind: 'open',
      symbol: 'fx.EURUSD.micro',
      orderType: 'Sell',
      lots: 1,
      delayed: false,
    });

    // An older EA build that did not strip: the relay strips the master affixes once.
    await master.send({
      type: 'TradeSignal',
      message: {
        ...(cmd.signal as TradeSignal),
        ticket: 102,
        symbol: 'pro.GBPUSD.m',
        timestamp: new Date().toISOString(),
      },
    });
    expect(await slaves[0]!.waitForCommand((c) => c.ticket === 102)).toMatchObject({
      symbol: 'fx.GBPUSD.micro',
    });
  });

  it('maps symbols: explicit mapping, synonym auto-mapping from detected specials, detected affixes', async () => {
    const { master, slaves } = await connected([
      {
        slave: 'S1',
        settings: {
          symbolMappings: [{ sourceSymbol: 'XAUUSD', targetSymbol: 'GOLD' }],
          symbolSuffix: '-ECN',
        },
      },
      {
        slave: 'S2',
        symbolContext: {
          detected_prefix: 'x',
          detected_suffix: '.r',
          available_special_symbols: ['GOLD', 'NAS100'],
        },
      },
    ]);
    await master.open({ ticket: 1, symbol: 'XAUUSD', orderType: 'Buy', lots: 1 });
    await master.open({ ticket: 2, symbol: 'US100', orderType: 'Buy', lots: 1 });
    await master.open({ ticket: 3, symbol: 'EURUSD', orderType: 'Buy', lots: 1 });
    await slaves[1]!.waitFor(
      (f) => f.topic === 'trade/M1/S2' && (f.message?.message as TradeSignal | undefined)?.ticket === 3,
    );
    await slaves[0]!.waitFor(
      (f) => f.topic === 'trade/M1/S1' && (f.message?.message as TradeSignal | undefined)?.ticket === 3,
    );
    expect(tradesOn(slaves[0]!, 'trade/M1/S1').map((s) => s.symbol)).toEqual([
      'GOLD-ECN',
      'US100-ECN',
      'EURUSD-ECN',
    ]);
    expect(tradesOn(slaves[1]!, 'trade/M1/S2').map((s) => s.symbol)).toEqual([
      'xGOLD.r',
      'xNAS100.r',
      'xEURUSD.r',
    ]);
  });

  it('auto-maps to the special as the broker reports it, affixes included: GOLD.m for XAUUSD', async () => {
    const { master, slaves } = await connected([
      {
        slave: 'S1',
        symbolContext: {
          detected_prefix: '',
          detected_suffix: '.m',
          available_special_symbols: ['GOLD.m', 'NAS100.m'],
        },
      },
    ]);
    await master.open({ ticket: 21, symbol: 'XAUUSD', orderType: 'Buy', lots: 1 });
    await master.open({ ticket: 22, symbol: 'EURUSD', orderType: 'Buy', lots: 1 });
    await slaves[0]!.waitFor(
      (f) => f.topic === 'trade/M1/S1' && (f.message?.message as TradeSignal | undefined)?.ticket === 22,
    );
    expect(tradesOn(slaves[0]!, 'trade/M1/S1').map((s) => s.symbol)).toEqual(['GOLD.m', 'EURUSD.m']);
  });

  it('filters per member by symbol, magic, pending type and lot range, and counts the reasons', async () => {
    const { master, slaves } = await connected([
      { slave: 'S1', settings: { copyPendingOrders: true, filters: { blockedSymbols: ['GBPUSD'] } } },
      { slave: 'S2', settings: { copyPendingOrders: true, filters: { allowedMagicNumbers: [7] } } },
      { slave: 'S3', settings: { copyPendingOrders: false } },
      { slave: 'S4', settings: { copyPendingOrders: true, sourceLotMin: 0.1, sourceLotMax: 1 } },
    ]);
    await master.open({ ticket: 1, symbol: 'GBPUSD', orderType: 'Buy', lots: 0.5, magicNumber: 7 });
    await master.open({ ticket: 2, symbol: 'EURUSD', orderType: 'Buy', lots: 0.5, magicNumber: 8 });
    await master.open({ ticket: 3, symbol: 'EURUSD', orderType: 'BuyLimit', lots: 0.5, magicNumber: 7 });
    await master.open({ ticket: 4, symbol: 'EURUSD', orderType: 'Buy', lots: 2, magicNumber: 7 });
    await master.open({ ticket: 5, symbol: 'EURUSD', orderType: 'Buy', lots: 0.5, magicNumber: 7 });
    for (const s of slaves)
      await s.waitFor(
        (f) => ownTopic(s.accountId)(f) && (f.message?.message as TradeSignal | undefined)?.ticket === 5,
      );
    const tickets = (s: string, i: number) => tradesOn(slaves[i]!, `trade/M1/${s}`).map((t) => t.ticket);
    expect(tickets('S1', 0)).toEqual([2, 3, 4, 5]);
    expect(tickets('S2', 1)).toEqual([1, 3, 4, 5]);
    expect(tickets('S3', 2)).toEqual([1, 2, 4, 5]);
    expect(tickets('S4', 3)).toEqual([1, 2, 3, 5]);
    expect(await w.metric('sankey_signals_filtered_total', 'reason="symbol_blocked"')).toBe(1);
    expect(await w.metric('sankey_signals_filtered_total', 'reason="magic_not_allowed"')).toBe(1);
    expect(await w.metric('sankey_signals_filtered_total', 'reason="pending_orders_disabled"')).toBe(1);
    expect(await w.metric('sankey_signals_filtered_total', 'reason="lots_above_max"')).toBe(1);
  });

  it('passes partial closes and modifies through unchanged', async () => {
    const { master, slaves } = await connected([{ slave: 'S1' }]);
    await master.open({ ticket: 9, symbol: 'EURUSD', orderType: 'Buy', lots: 1 });
    await slaves[0]!.waitForCommand((c) => c.ticket === 9 && c.kind === 'open');
    await master.modify(9, { stopLoss: 1.05, takeProfit: 1.2 });
    await master.close(9, { lots: 0.5, closeRatio: 0.5 });
    expect(await slaves[0]!.waitForCommand((c) => c.kind === 'modify')).toMatchObject({
      stopLoss: 1.05,
      takeProfit: 1.2,
    });
    expect(await slaves[0]!.waitForCommand((c) => c.kind === 'close')).toMatchObject({
      ticket: 9,
      closeRatio: 0.5,
    });
  });

  it('keeps masters isolated from each other', async () => {
    w = await world();
    await w.admin.createGroup('M1', { enabled: true, members: [{ slaveAccount: 'S1', enabled: true }] });
    await w.admin.createGroup('M2', { enabled: true, members: [{ slaveAccount: 'S2', enabled: true }] });
    const s1 = await w.slave('S1');
    const s2 = await w.slave('S2');
    const m1 = await w.master('M1');
    await w.master('M2');
    await s1.waitForConfig((c) => c.status === 2);
    await s2.waitForConfig((c) => c.status === 2);
    const mark = s2.mark();
    await m1.open({ ticket: 1, symbol: 'EURUSD', orderType: 'Buy', lots: 1 });
    await s1.waitForCommand((c) => c.ticket === 1);
    await s2.expectNoFrames((f) => f.topic.startsWith('trade/'), 300, { since: mark });
  });

  it('answers a slave sync request with a filtered, converted snapshot split under 4096 bytes', async () => {
    w = await world();
    await w.admin.createGroup('M1', { enabled: true, members: [{ slaveAccount: 'S0', enabled: true }] });
    const positions = Array.from({ length: 40 }, (_, i) => ({
      ticket: 5000 + i,
      symbol: i % 4 === 0 ? 'GBPUSD' : 'EURUSD',
      orderType: 'Buy' as const,
      lots: 0.1,
      openPrice: 1.1,
      comment: 'position opened before the copier started',
    }));
    const master = await w.master('M1', { initialPositions: positions });
    const slave = await w.slave('S1');
    await master.waitForMessage('MasterConfig', (c) => c.status === 2);
    await expect.poll(() => w.relay.core.connection('S1', 'Slave')?.status).toBe('Online');
    // Linking the running slave gives it a NEW master entry with status 2: it asks for a sync, the master answers,
    // and the relay filters and converts the snapshot for that member.
    await w.admin.addMember('M1', 'S1', {
      syncMode: 'limit_order',
      symbolSuffix: '.m',
      filters: { blockedSymbols: ['GBPUSD'] },
    });
    await master.waitForMessage('SyncRequest', (r) => r.slave_account === 'S1', 10_000);
    await expect.poll(() => slave.synced().length, { timeout: 5000 }).toBe(30);
    const frames = slave
      .received()
      .filter((f) => f.topic === 'sync/M1/S1' && f.message?.type === 'PositionSnapshot');
    expect(frames.length).toBeGreaterThan(1);
    for (const f of frames) expect(f.raw.length).toBeLessThanOrEqual(4096);
    const synced = frames.flatMap((f) => (f.message!.message as PositionSnapshotMessage).positions);
    expect(new Set(synced.map((p) => p.symbol))).toEqual(new Set(['EURUSD.m']));
  });

  it('drops bad input, counts it by reason and keeps copying', async () => {
    const { master, slaves } = await connected([{ slave: 'S1' }]);
    await master.sendRaw(Buffer.from('definitely not msgpack'));
    await master.sendRaw(
      Buffer.from([0x81, 0xac, ...Buffer.from('message_type'), 0xa3, ...Buffer.from('Foo')]),
    );
    await master.sendRaw(
      Buffer.from([
        0x82,
        0xa6,
        ...Buffer.from('action'),
        0xa4,
        ...Buffer.from('Open'),
        0xa6,
        ...Buffer.from('ticket'),
        0xcb,
        0x40,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
      ]),
    );
    // Over 1 MiB from another sender: refused by libzmq before it is buffered, and that peer is dropped (D18).
    const hostile = new Push({ linger: 0 });
    hostile.connect(w.t.endpoints.receiver);
    await hostile.send(Buffer.alloc(1_100_000, 0xc0));
    await expect
      .poll(() => w.metric('sankey_receiver_disconnects_total'), { timeout: 5000 })
      .toBeGreaterThan(0);
    hostile.close();
    await master.open({ ticket: 77, symbol: 'EURUSD', orderType: 'Buy', lots: 1 });
    await slaves[0]!.waitForCommand((c) => c.ticket === 77);
    expect(await w.metric('sankey_decode_errors_total', 'reason="unknown_message_type"')).toBe(1);
    expect(await w.metric('sankey_decode_errors_total', 'reason="wrong_type:ticket"')).toBe(1);
    expect(await w.metric('sankey_decode_errors_total', 'reason="too_large"')).toBe(0);
    expect(
      (await w.metric('sankey_decode_errors_total', 'reason="malformed"')) +
        (await w.metric('sankey_decode_errors_total', 'reason="not_a_map"')),
    ).toBe(1);
  });

  it('handles a dual-role account: unregistering its slave EA leaves its master EA copying', async () => {
    w = await world();
    await w.admin.createGroup('X', { enabled: true, members: [{ slaveAccount: 'S1', enabled: true }] });
    await w.admin.createGroup('M1', { enabled: true, members: [{ slaveAccount: 'X', enabled: true }] });
    const s1 = await w.slave('S1');
    const xMaster = await w.master('X');
    const xSlave = await w.slave('X');
    await s1.waitForConfig((c) => c.master_account === 'X' && c.status === 2);
    await xSlave.stop({ unregister: true });
    await expect.poll(() => w.relay.core.connection('X', 'Slave')?.status).toBe('Offline');
    expect(w.relay.core.connection('X', 'Master')?.status).toBe('Online');
    await xMaster.open({ ticket: 3, symbol: 'EURUSD', orderType: 'Buy', lots: 1 });
    await s1.waitForCommand((c) => c.ticket === 3);
  });
});
