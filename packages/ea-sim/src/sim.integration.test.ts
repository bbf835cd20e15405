// The simulator over real ZeroMQ on 127.0.0.1 against a tiny stand-in relay (one PULL, one PUB).
import { decodeInbound, encodeOutbound } from '@sankey/shared/protocol/codec';
import type { DecodedInbound, OutboundMessage, TradeSignal } from '@sankey/shared/protocol/messages';
import { configTopic, syncTopic, tradeTopic } from '@sankey/shared/protocol/topics';
import { parseRfc3339Ms, rfc3339Offset, rfc3339UtcMillis } from '@sankey/shared/time';
import { afterEach, describe, expect, it } from 'vitest';
import { Publisher, Pull } from 'zeromq';
import type { InboundOf, SimEa } from './sim-ea';
import { SimMaster } from './sim-master';
import { SimSlave } from './sim-slave';
import { makeMasterConfig, makeSlaveConfig } from './test-helpers';

interface Inbound {
  msg: DecodedInbound;
  atMs: number;
}

class StandInRelay {
  readonly pull = new Pull({ linger: 0 });
  readonly pub = new Publisher({ linger: 0 });
  readonly inbound: Inbound[] = [];
  readonly garbage: Buffer[] = [];
  receiverEndpoint = '';
  publisherEndpoint = '';
  private loop: Promise<void> | null = null;

  async start(): Promise<void> {
    await this.pull.bind('tcp://127.0.0.1:*');
    await this.pub.bind('tcp://127.0.0.1:*');
    this.receiverEndpoint = this.pull.lastEndpoint!;
    this.publisherEndpoint = this.pub.lastEndpoint!;
    this.loop = (async () => {
      try {
        for await (const [frame] of this.pull) {
          if (!frame) continue;
          const d = decodeInbound(frame);
          if (d.ok) this.inbound.push({ msg: d.value, atMs: Date.now() });
          else this.garbage.push(frame);
        }
      } catch {
        // closed
      }
    })();
  }

  of<K extends DecodedInbound['type']>(type: K, accountId?: string): InboundOf<K>[] {
    const out: InboundOf<K>[] = [];
    for (const i of this.inbound) {
      if (i.msg.type !== type) continue;
      const m = i.msg.message as unknown as InboundOf<K>;
      const id = (m as { account_id?: string }).account_id;
      if (accountId === undefined || id === undefined || id === accountId) out.push(m);
    }
    return out;
  }

  async waitInbound(pred: (i: Inbound) => boolean, timeoutMs = 4000): Promise<Inbound> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const hit = this.inbound.find(pred);
      if (hit) return hit;
      await sleep(20);
    }
    throw new Error(`stand-in relay: no matching inbound within ${timeoutMs} ms`);
  }

  publish(topic: string, msg: OutboundMessage): Promise<void> {
    return this.pub.send(encodeOutbound(topic, msg));
  }

  /** Re-publishes every 100 ms until `done()` (slow-joiner safe); the EA accepts duplicates. */
  async publishUntil(
    topic: string,
    msg: OutboundMessage,
    done: () => boolean,
    timeoutMs = 4000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`publishUntil(${topic}) timed out`);
      await this.publish(topic, msg);
      await sleep(100);
    }
  }

  async close(): Promise<void> {
    this.pull.close();
    this.pub.close();
    await this.loop;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup<T extends SimEa>(
  make: (relay: StandInRelay) => T,
): Promise<{ relay: StandInRelay; ea: T }> {
  const relay = new StandInRelay();
  await relay.start();
  cleanups.push(() => relay.close());
  const ea = make(relay);
  cleanups.push(() => ea.crash());
  return { relay, ea };
}

const endpoints = (relay: StandInRelay) => ({
  receiverEndpoint: relay.receiverEndpoint,
  publisherEndpoint: relay.publisherEndpoint,
});

describe('EA lifecycle on the wire', () => {
  it('sends Register first, then heartbeats about once per second with the current account state', async () => {
    const { relay, ea } = await setup(
      (r) =>
        new SimMaster({
          accountId: 'IC_Markets_1001',
          ...endpoints(r),
          platform: 'MT4',
          accountNumber: 1001,
          broker: 'IC Markets',
          accountName: 'Jane',
          server: 'ICMarkets-Demo',
          currency: 'EUR',
          leverage: 500,
          balance: 5000,
          equity: 4900,
          symbolContext: {
            detected_prefix: '',
            detected_suffix: '.m',
            available_special_symbols: ['XAUUSD.m'],
          },
        }),
    );
    await ea.start();
    await relay.waitInbound((i) => i.msg.type === 'Heartbeat');
    ea.setEquity(4800);
    ea.setBalance(5100);
    await relay.waitInbound((i) => i.msg.type === 'Heartbeat' && i.msg.message.equity === 4800);

    const first = relay.inbound[0]!;
    expect(first.msg.type).toBe('Register');
    const reg = relay.of('Register')[0]!;
    expect(Object.keys(reg)).toEqual([
      'message_type',
      'account_id',
      'ea_type',
      'platform',
      'account_number',
      'broker',
      'account_name',
      'server',
      'currency',
      'leverage',
      'timestamp',
      'symbol_context',
      'is_trade_allowed',
    ]);
    expect(reg).toMatchObject({
      account_id: 'IC_Markets_1001',
      ea_type: 'Master',
      platform: 'MT4',
      account_number: 1001,
      broker: 'IC Markets',
      leverage: 500,
      is_trade_allowed: true,
      symbol_context: { detected_prefix: '', detected_suffix: '.m', available_special_symbols: ['XAUUSD.m'] },
    });
    expect(reg.timestamp).toMatch(/\+00:00$/);

    const beats = relay.inbound.filter((i) => i.msg.type === 'Heartbeat');
    expect(beats.length).toBeGreaterThanOrEqual(2);
    const gap = beats[1]!.atMs - beats[0]!.atMs;
    expect(gap).toBeGreaterThan(700);
    expect(gap).toBeLessThan(1400);
    const hb = relay.of('Heartbeat');
    expect(hb[0]).toMatchObject({
      balance: 5000,
      equity: 4900,
      open_positions: 0,
      version: '2.0.0',
      ea_type: 'Master',
      platform: 'MT4',
      currency: 'EUR',
      is_trade_allowed: true,
      symbol_prefix: null,
      symbol_suffix: null,
      symbol_map: null,
    });
    expect(hb.at(-1)).toMatchObject({ balance: 5100, equity: 4800 });
    expect(Number.isNaN(parseRfc3339Ms(hb[0]!.timestamp))).toBe(false);
    // Auto-trading was on from the start: no RequestConfig.
    expect(relay.of('RequestConfig')).toHaveLength(0);
  });

  it('sends RequestConfig only right after a heartbeat on a false→true auto-trading edge', async () => {
    const { relay, ea } = await setup(
      (r) =>
        new SimSlave({
          accountId: 'S_EDGE',
          ...endpoints(r),
          isTradeAllowed: false,
          heartbeatIntervalMs: 100,
        }),
    );
    await ea.start();
    const countBeats = () => relay.of('Heartbeat').length;
    await relay.waitInbound(() => countBeats() >= 3);
    expect(relay.of('RequestConfig')).toHaveLength(0);
    expect(relay.of('Register')[0]?.is_trade_allowed).toBe(false);

    ea.setAutoTrading(true);
    await relay.waitInbound((i) => i.msg.type === 'RequestConfig');
    const base = countBeats();
    await relay.waitInbound(() => countBeats() >= base + 3);
    ea.setAutoTrading(false);
    await sleep(250);
    ea.setAutoTrading(true);
    await relay.waitInbound(() => relay.of('RequestConfig').length >= 2);
    await sleep(250);

    const types = relay.inbound.map((i) => i.msg.type);
    expect(relay.of('RequestConfig')).toHaveLength(2);
    // Each RequestConfig directly follows a heartbeat that carried is_trade_allowed=true after one with false.
    types.forEach((t, idx) => {
      if (t !== 'RequestConfig') return;
      const hb = relay.inbound[idx - 1]!.msg;
      expect(hb.type).toBe('Heartbeat');
      expect(hb.type === 'Heartbeat' && hb.message.is_trade_allowed).toBe(true);
    });
    expect(relay.of('RequestConfig')[0]).toMatchObject({ account_id: 'S_EDGE', ea_type: 'Slave' });
  });

  it('pushes Unregister on stop and nothing on crash', async () => {
    const { relay, ea } = await setup((r) => new SimSlave({ accountId: 'S_BYE', ...endpoints(r) }));
    await ea.start();
    await relay.waitInbound((i) => i.msg.type === 'Register');
    const before = Date.now();
    await ea.stop();
    const un = await relay.waitInbound((i) => i.msg.type === 'Unregister');
    expect(un.msg.message).toEqual({
      message_type: 'Unregister',
      account_id: 'S_BYE',
      timestamp: expect.any(Number),
      ea_type: 'Slave',
    });
    expect((un.msg.message as { timestamp: number }).timestamp).toBeGreaterThanOrEqual(before - 5);

    const other = new SimMaster({ accountId: 'M_CRASH', ...endpoints(relay) });
    cleanups.push(() => other.crash());
    await other.start();
    await relay.waitInbound((i) => i.msg.type === 'Register' && i.msg.message.account_id === 'M_CRASH');
    await other.crash();
    await sleep(200);
    expect(relay.of('Unregister', 'M_CRASH')).toHaveLength(0);
  });
});

describe('master on the wire', () => {
  it('shapes Open/Close/Modify per §2.5, strips its configured affixes, answers SyncRequests', async () => {
    const { relay, ea } = await setup((r) => new SimMaster({ accountId: 'M1', ...endpoints(r) }));
    await ea.start();
    const cfg = makeMasterConfig({
      account_id: 'M1',
      symbol_prefix: 'pro.',
      symbol_suffix: '.m',
      config_version: 3,
    });
    await relay.publishUntil(
      configTopic('M1'),
      { type: 'MasterConfig', message: cfg },
      () => ea.configs().length > 0,
    );
    expect(ea.config).toEqual({ status: 2, symbolPrefix: 'pro.', symbolSuffix: '.m', configVersion: 3 });

    await ea.open({ ticket: 111, symbol: 'pro.EURUSD.m', orderType: 'BuyLimit', lots: 0.3, openPrice: 1.08 });
    await ea.modify(111, { stopLoss: 1.07, takeProfit: 0 });
    await ea.close(111, { closeRatio: 0.5 });
    await ea.close(111);
    await relay.waitInbound(() => relay.of('TradeSignal').length === 4);
    const [o, m, pc, c] = relay.of('TradeSignal') as TradeSignal[];
    expect(o).toEqual({
      action: 'Open',
      ticket: 111,
      symbol: 'EURUSD',
      order_type: 'BuyLimit',
      lots: 0.3,
      open_price: 1.08,
      stop_loss: 0,
      take_profit: 0,
      magic_number: 0,
      comment: '',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      source_account: 'M1',
    });
    expect(Object.keys(m!)).toEqual(['action', 'ticket', 'stop_loss', 'timestamp', 'source_account']);
    expect(pc).toMatchObject({ action: 'Close', ticket: 111, lots: 0.3, close_ratio: 0.5 });
    expect(Object.keys(c!)).toEqual(['action', 'ticket', 'lots', 'timestamp', 'source_account']);
    expect(c!.lots).toBeCloseTo(0.15);

    // No positions left: a SyncRequest gets no answer.
    const sync = {
      message_type: 'SyncRequest' as const,
      slave_account: 'S1',
      master_account: 'M1',
      timestamp: rfc3339Offset(),
    };
    await relay.publishUntil(
      syncTopic('M1', 'S1'),
      { type: 'SyncRequest', message: sync },
      () => ea.syncRequests().length > 0,
    );
    await sleep(150);
    expect(relay.of('PositionSnapshot')).toHaveLength(0);

    // With a position it answers with a snapshot of cleaned symbols; requests for other masters are ignored.
    await ea.open({
      ticket: 222,
      symbol: 'pro.XAUUSD.m',
      orderType: 'Sell',
      lots: 1,
      openPrice: 2000,
      magicNumber: 9,
    });
    const mark = ea.mark();
    await relay.publish(syncTopic('M1', 'S1'), {
      type: 'SyncRequest',
      message: { ...sync, master_account: 'M2' },
    });
    await relay.publish(syncTopic('M1', 'S1'), { type: 'SyncRequest', message: sync });
    await ea.waitFor(
      (f) => f.message?.type === 'SyncRequest' && f.message.message.master_account === 'M1',
      2000,
      {
        since: mark,
      },
    );
    const snap = await relay.waitInbound((i) => i.msg.type === 'PositionSnapshot');
    expect(snap.msg.message).toMatchObject({
      source_account: 'M1',
      positions: [
        { ticket: 222, symbol: 'XAUUSD', order_type: 'Sell', lots: 1, open_price: 2000, magic_number: 9 },
      ],
    });
    expect(relay.of('PositionSnapshot')).toHaveLength(1);

    // Status -1 clears the affixes.
    await relay.publishUntil(
      configTopic('M1'),
      {
        type: 'MasterConfig',
        message: makeMasterConfig({ account_id: 'M1', status: -1, config_version: 0 }),
      },
      () => ea.config.status === -1,
    );
    expect(ea.config.symbolPrefix).toBeNull();
    const sent = await ea.open({ ticket: 333, symbol: 'pro.GBPUSD.m', orderType: 'Buy', lots: 0.1 });
    expect(sent.symbol).toBe('pro.GBPUSD.m');
  });
});

describe('slave on the wire', () => {
  it('applies a SlaveConfig, requests a sync, and turns a published trade into a command', async () => {
    const { relay, ea } = await setup(
      (r) => new SimSlave({ accountId: 'S1', ...endpoints(r), equity: 20_000, heartbeatIntervalMs: 200 }),
    );
    await ea.start();
    await relay.waitInbound((i) => i.msg.type === 'Heartbeat');
    const cfg = makeSlaveConfig({
      account_id: 'S1',
      master_account: 'M1',
      lot_multiplier: 2,
      reverse_trade: true,
      sync_mode: 'limit_order',
    });
    await relay.publishUntil(
      configTopic('S1'),
      { type: 'SlaveConfig', message: cfg },
      () => !!ea.configFor('M1'),
    );
    expect(ea.subscriptions()).toEqual(
      expect.arrayContaining(['config/S1', 'config/global', 'trade/M1/', 'trade/M1/S1', 'sync/M1/S1']),
    );
    const sr = await relay.waitInbound((i) => i.msg.type === 'SyncRequest');
    expect(sr.msg.message).toMatchObject({ slave_account: 'S1', master_account: 'M1' });
    // Duplicate configs (from publishUntil) never send a second SyncRequest.
    await sleep(100);
    expect(relay.of('SyncRequest')).toHaveLength(1);

    const signal: TradeSignal = {
      action: 'Open',
      ticket: 42,
      symbol: 'GOLD',
      order_type: 'Buy',
      lots: 0.25,
      open_price: 2000,
      stop_loss: 1990,
      take_profit: 2020,
      magic_number: 0,
      comment: '',
      timestamp: rfc3339UtcMillis(),
      source_account: 'M1',
    };
    await relay.publishUntil(
      tradeTopic('M1', 'S1'),
      { type: 'TradeSignal', message: signal },
      () => ea.commands().length > 0,
    );
    const cmd = await ea.waitForCommand((c) => c.ticket === 42);
    expect(cmd).toMatchObject({
      kind: 'open',
      masterAccount: 'M1',
      symbol: 'GOLD',
      orderType: 'Sell',
      lots: 0.5,
      stopLoss: 1990,
      takeProfit: 2020,
      delayed: false,
      topic: 'trade/M1/S1',
    });

    // A cross-talk copy for another slave of M1 arrives too (prefix subscription) and is deduped by ticket.
    const mark = ea.mark();
    await relay.publish(tradeTopic('M1', 'S2'), {
      type: 'TradeSignal',
      message: { ...signal, symbol: 'XAUUSD' },
    });
    const ig = await ea.waitForIgnored((i) => i.topic === 'trade/M1/S2', 2000, { since: mark });
    expect(ig.reason).toBe('already_mapped');
    await ea.expectNoCommands(() => true, 150, { since: mark });

    // A close on its own topic closes the mapped position; the heartbeat then reports 0 positions.
    await relay.publish(tradeTopic('M1', 'S1'), {
      type: 'TradeSignal',
      message: {
        action: 'Close',
        ticket: 42,
        lots: 0.25,
        timestamp: rfc3339UtcMillis(),
        source_account: 'M1',
      },
    });
    const close = await ea.waitForCommand((c) => c.kind === 'close');
    expect(close).toMatchObject({ ticket: 42, lots: 0.5 });
    expect(ea.positions()).toHaveLength(0);

    // A -1 config removes the master: later trades are ignored for lack of config.
    await relay.publishUntil(
      configTopic('S1'),
      { type: 'SlaveConfig', message: { ...cfg, status: -1 } },
      () => !ea.configFor('M1'),
    );
    const m2 = ea.mark();
    await relay.publish(tradeTopic('M1', 'S1'), { type: 'TradeSignal', message: { ...signal, ticket: 43 } });
    expect((await ea.waitForIgnored(() => true, 2000, { since: m2 })).reason).toBe('no_config');
    // Exact config traffic is observable.
    expect(ea.configs().every((c) => c.master_account === 'M1')).toBe(true);
    await ea.expectNoFrames((f) => f.topic.startsWith('config/'), 100);
  });
});

describe('64-bit tickets and magic numbers on the wire (docs/protocol.md D18)', () => {
  it('a master sends them exactly and a slave maps and filters them exactly', async () => {
    const ticket = 2n ** 63n - 1n;
    const magic = 2n ** 53n + 1n;
    const { relay, ea: master } = await setup(
      (r) =>
        new SimMaster({ accountId: 'M1', ...endpoints(r), accountNumber: ticket, heartbeatIntervalMs: 200 }),
    );
    await master.start();
    await master.open({ ticket, symbol: 'EURUSD', orderType: 'Buy', lots: 1, magicNumber: magic });
    const open = await relay.waitInbound((i) => i.msg.type === 'TradeSignal');
    expect(open.msg.message).toMatchObject({ ticket, magic_number: magic });
    expect(relay.of('Register')[0]?.account_number).toBe(ticket);

    const slave = new SimSlave({ accountId: 'S1', ...endpoints(relay), heartbeatIntervalMs: 200 });
    cleanups.push(() => slave.crash());
    await slave.start();
    const cfg = makeSlaveConfig({ account_id: 'S1', master_account: 'M1' });
    cfg.filters.allowed_magic_numbers = [magic];
    await relay.publishUntil(
      configTopic('S1'),
      { type: 'SlaveConfig', message: cfg },
      () => !!slave.configFor('M1'),
    );
    const signal = open.msg.message as TradeSignal;
    const fresh = (s: TradeSignal): TradeSignal => ({ ...s, timestamp: rfc3339UtcMillis() });
    await relay.publishUntil(
      tradeTopic('M1', 'S1'),
      { type: 'TradeSignal', message: fresh(signal) },
      () => slave.commands().length > 0,
    );
    expect(await slave.waitForCommand(() => true)).toMatchObject({ ticket, magicNumber: magic });
    expect(slave.positions().map((p) => p.masterTicket)).toEqual([ticket]);

    // 2^53 is the same double as 2^53+1: only an exact comparison filters it.
    const mark = slave.mark();
    await relay.publish(tradeTopic('M1', 'S1'), {
      type: 'TradeSignal',
      message: fresh({ ...signal, ticket: ticket - 1n, magic_number: 2n ** 53n }),
    });
    expect((await slave.waitForIgnored(() => true, 2000, { since: mark })).reason).toBe('magic_not_allowed');
  });
});
