// The Trades page across relays (docs/cluster.md, Trades page across relays): a master on relay A, a slave on
// relay A that copies and one on relay B whose symbol filter excludes the Open. Relay B journals its reason in the
// journal annex, so the web app served with relay A names it (not "unknown"). Two relay processes in one cluster
// on the machine's nats-server and PostgreSQL, the built web app (`next start`) talking to relay A only.
// Runs when TEST_POSTGRES_URL is set and the web app is built.
import type { TradeView } from '@sankey/shared/api/views';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type ClusterWorld, clusterWebRuns, clusterWorld } from './cluster-world';

const runs = clusterWebRuns('cluster trades e2e');

vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

let w: ClusterWorld | undefined;
afterAll(() => w?.close());

describe.skipIf(!runs)('the Trades page in cluster mode', () => {
  it('names the filter reason of a slave on another relay', async () => {
    w = await clusterWorld();
    const [a, b] = await w.relays(['relay-a', 'relay-b']);
    await w.admin(a!).createGroup('M1', {
      enabled: true,
      members: [
        { slaveAccount: 'SA', enabled: true, slaveSettings: {} },
        { slaveAccount: 'SB', enabled: true, slaveSettings: { filters: { allowedSymbols: ['GBPUSD'] } } },
        { slaveAccount: 'SC', enabled: true, slaveSettings: { filters: { blockedSymbols: ['EURUSD'] } } },
      ],
    });
    const sa = await w.slave(a!, 'SA');
    const sb = await w.slave(b!, 'SB');
    const sc = await w.slave(b!, 'SC');
    const m1 = await w.master(a!, 'M1');
    for (const s of [sa, sb, sc])
      await s.waitForConfig((cfg) => cfg.master_account === 'M1' && cfg.status === 2, 20_000);

    await m1.open({ ticket: 1, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
    expect(await sa.waitForCommand((cmd) => cmd.ticket === 1)).toMatchObject({ kind: 'open' });
    // A GBPUSD Open reaches SB (so relay B handled the stream this far) and is blocked nowhere.
    await m1.open({ ticket: 2, symbol: 'GBPUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.2 });
    expect(await sb.waitForCommand((cmd) => cmd.ticket === 2, 10_000)).toMatchObject({ kind: 'open' });
    expect(sb.commands().some((c) => c.ticket === 1)).toBe(false);

    const web = await w.web(a!);
    const outcomes = async (ticket: string) => {
      const r = await web.call('trades.get', { masterAccount: 'M1', ticket });
      const t = r.data as TradeView | undefined;
      return t?.slaves.map((s) => [s.slaveAccount, s.outcome, s.reason]);
    };
    await expect
      .poll(() => outcomes('1'), { timeout: 20_000, interval: 250 })
      .toEqual([
        ['SA', 'copied', null],
        ['SB', 'filtered', 'symbol_not_allowed'],
        ['SC', 'filtered', 'symbol_blocked'],
      ]);
    await expect
      .poll(() => outcomes('2'), { timeout: 20_000, interval: 250 })
      .toEqual([
        ['SA', 'copied', null],
        ['SB', 'copied', null],
        ['SC', 'copied', null],
      ]);
    // The list says the same, and filters on it.
    const page = (await web.call('trades.list', { outcome: 'filtered' })).data as { trades: TradeView[] };
    expect(page.trades.map((t) => t.ticket)).toEqual(['1']);
    expect(page.trades[0]).toMatchObject({ copied: 1, filtered: 2 });
  });
});
