// trades.list / trades.get and latency.summary over HTTP against a real SQLite file written as the relay writes
// it (signal journal, delivery ledger, members) and a fake relay control API.
import { createRepositories } from '@sankey/db/repositories/index';
import type { TradesPage, TradeView } from '@sankey/shared/api/views';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relayData } from '../testing/fake-relay';
import { call, startTestWeb, type TestWeb } from '../testing/http-server';

let web: TestWeb;
const t0 = Date.parse('2026-06-01T12:00:00Z');
const at = (s: number) => new Date(t0 + s * 1000);

beforeAll(async () => {
  web = await startTestWeb();
  const repos = createRepositories(web.db);
  await repos.tradeGroups.create({ id: 'M1', enabled: true });
  for (const slave of ['S1', 'S2', 'S3'])
    await repos.members.add('M1', { slaveAccount: slave, enabled: true });
  const open = (seq: number, ticket: string, symbol: string, payload: object) => ({
    masterAccount: 'M1',
    seq,
    receivedAt: at(seq),
    action: 'Open',
    ticket,
    symbol,
    payload: { signal: { action: 'Open', ticket, symbol, orderType: 'Buy', lots: 0.4 }, ...payload },
  });
  await repos.signalJournal.appendBatch([
    open(1, '1030', 'EURUSD', {
      accepted: 1,
      filtered: { symbol_blocked: 1 },
      filteredBy: { S2: 'symbol_blocked' },
    }),
    { ...open(2, '1030', 'EURUSD', {}), action: 'Close', payload: { signal: {}, accepted: 1, filtered: {} } },
    // Copied in isolated delivery (D23): the journal names the alias each copy went out under.
    open(3, '1031', 'GBPUSD', { accepted: 2, filtered: {}, via: { S1: 'M1~0123abcd', S2: 'M1~89abcdef' } }),
    ...Array.from({ length: 120 }, (_, i) =>
      open(10 + i, String(2000 + i), 'XAUUSD', { accepted: 2, filtered: {} }),
    ),
  ]);
  await repos.deliveryLedger.upsertMany([
    {
      masterAccount: 'M1',
      slaveAccount: 'S1',
      ticket: '1030',
      state: 'closed',
      symbol: 'EURUSD.m',
      lots: 1,
      openedAt: at(1),
      updatedAt: at(2),
    },
    {
      masterAccount: 'M1',
      slaveAccount: 'S1',
      ticket: '1031',
      state: 'sent',
      symbol: 'GBPUSD',
      lots: 0.8,
      openedAt: at(3),
      updatedAt: at(3),
    },
    {
      masterAccount: 'M1',
      slaveAccount: 'S2',
      ticket: '1031',
      state: 'dead_lettered',
      symbol: 'GBPUSD',
      lots: 0.4,
      openedAt: at(3),
      updatedAt: at(3),
    },
  ]);
});
afterAll(() => web?.close());

const q = async <T>(path: string, input?: unknown) => {
  const r = await call(web, 'query', path, input);
  expect(r.error ?? null, JSON.stringify(r.error)).toBeNull();
  return r.data as T;
};

describe('trades', () => {
  it('shows a closed ticket with one copied, one filtered (with its reason) and one not-a-member slave', async () => {
    const trade = await q<TradeView>('trades.get', { masterAccount: 'M1', ticket: '1030' });
    expect(trade).toMatchObject({ state: 'closed', symbol: 'EURUSD', lots: 0.4, copied: 1, filtered: 1 });
    expect(trade.slaves).toEqual([
      expect.objectContaining({ slaveAccount: 'S1', outcome: 'copied', symbol: 'EURUSD.m', lots: 1 }),
      expect.objectContaining({ slaveAccount: 'S2', outcome: 'filtered', reason: 'symbol_blocked' }),
      expect.objectContaining({ slaveAccount: 'S3', outcome: 'not_member' }),
    ]);
  });

  it('pages newest first and filters by symbol, time range, outcome and (slave) account', async () => {
    const first = await q<TradesPage>('trades.list', { limit: 50 });
    expect(first.trades).toHaveLength(50);
    expect(first.trades[0]?.ticket).toBe('2119');
    const all: string[] = first.trades.map((t) => t.ticket);
    let cursor = first.nextCursor;
    while (cursor !== null) {
      const page: TradesPage = await q<TradesPage>('trades.list', { limit: 50, cursor });
      all.push(...page.trades.map((t) => t.ticket));
      cursor = page.nextCursor;
    }
    expect(all).toHaveLength(122);
    expect(new Set(all).size).toBe(122);
    expect((await q<TradesPage>('trades.list', { symbol: 'GBPUSD' })).trades.map((t) => t.ticket)).toEqual([
      '1031',
    ]);
    const range = { from: at(0).toISOString(), to: at(5).toISOString() };
    expect((await q<TradesPage>('trades.list', range)).trades.map((t) => t.ticket)).toEqual(['1031', '1030']);
    const dead = await q<TradesPage>('trades.list', { outcome: 'dead_lettered' });
    expect(dead).toMatchObject({ trades: [expect.objectContaining({ ticket: '1031' })], nextCursor: null });
    expect((await q<TradesPage>('trades.list', { account: 'S2', symbol: 'EURUSD' })).trades).toHaveLength(1);
    expect((await q<TradesPage>('trades.list', { account: 'NOBODY' })).trades).toEqual([]);
  });

  it('names the alias each copy went out under in isolated delivery, and none in shared delivery', async () => {
    const isolated = await q<TradeView>('trades.get', { masterAccount: 'M1', ticket: '1031' });
    expect(isolated.slaves.map((s) => [s.slaveAccount, s.outcome, s.via ?? null])).toEqual([
      ['S1', 'copied', 'M1~0123abcd'],
      ['S2', 'dead_lettered', 'M1~89abcdef'],
      ['S3', 'not_member', null],
    ]);
    const shared = await q<TradeView>('trades.get', { masterAccount: 'M1', ticket: '1030' });
    expect(shared.slaves.every((s) => s.via === undefined)).toBe(true);
  });

  it('answers NOT_FOUND for an unknown ticket', async () => {
    const r = await call(web, 'query', 'trades.get', { masterAccount: 'M1', ticket: '1' });
    expect(r.error?.data.code).toBe('NOT_FOUND');
  });
});

describe('latency.summary', () => {
  it("passes the relay's ring through, and null while the relay is unreachable", async () => {
    const figures = {
      windowS: 60,
      p50Ms: 0.08,
      p99Ms: 0.4,
      p99Overflow: false,
      signals: 50,
      copies: 100,
      signalsPerS: 0.833,
      copiesPerS: 1.667,
    };
    web.relay.state.data = {
      ...relayData(),
      latency: {
        sampleEveryS: 10,
        now: figures,
        lastHour: figures,
        last24h: figures,
        hourSeries: [],
        daySeries: [],
      },
    };
    expect(await q('latency.summary')).toMatchObject({ now: { p50Ms: 0.08, signals: 50 } });
    web.relay.state.down = true;
    expect(await q('latency.summary')).toBeNull();
    web.relay.state.down = false;
  });
});
