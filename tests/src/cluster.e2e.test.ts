// Cluster mode end to end (docs/cluster.md): relay processes on one PostgreSQL schema and the machine's
// nats-server, each test under a cluster name of its own. Runs when TEST_POSTGRES_URL is set.
import { testPostgresUrl } from '@sankey/db/env';
import type { TradeSignal } from '@sankey/shared/protocol/messages';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { API_TOKEN, type ClusterWorld, clusterWorld, NATS_URL, runRelay } from './cluster-world';

const base = testPostgresUrl();
if (!base)
  process.stdout.write('cluster e2e skipped: TEST_POSTGRES_URL is not set (cluster mode needs PostgreSQL)\n');

// Relay processes start in seconds each; on a loaded 2-core machine a test with three of them and
// a restart needs more than the default 30 s.
vi.setConfig({ testTimeout: 120_000 });

let w: ClusterWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const trades = (
  s: { received(): { topic: string; message: { message: unknown } | null }[] },
  topic: string,
) =>
  s
    .received()
    .filter((f) => f.topic === topic)
    .map((f) => f.message!.message as TradeSignal);

describe.skipIf(!base)('cluster mode', () => {
  it('copies a master on relay A to slaves on A and B, in order, with each member’s settings', async () => {
    w = await clusterWorld();
    const a = await w.relay('relay-a');
    const b = await w.relay('relay-b');
    await w.admin(a).createGroup('M1', {
      enabled: true,
      symbolPrefix: 'pro.',
      members: [
        { slaveAccount: 'SA', enabled: true, slaveSettings: { lotMultiplier: 2 } },
        {
          slaveAccount: 'SB',
          enabled: true,
          slaveSettings: { lotMultiplier: 3, symbolSuffix: '.b', reverseTrade: true },
        },
        {
          slaveAccount: 'SF',
          enabled: true,
          slaveSettings: { filters: { allowedSymbols: ['GBPUSD'] } },
        },
      ],
    });
    const sa = await w.slave(a, 'SA');
    const sb = await w.slave(b, 'SB');
    const sf = await w.slave(b, 'SF');
    const m1 = await w.master(a, 'M1');
    // B learns the master's state from the KV bucket: its slaves go CONNECTED (status 2) like A's.
    for (const s of [sa, sb, sf])
      await s.waitForConfig((c) => c.master_account === 'M1' && c.status === 2, 20_000);

    await m1.open({ ticket: 1, symbol: 'pro.EURUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
    expect(await sa.waitForCommand((c) => c.ticket === 1)).toMatchObject({
      kind: 'open',
      symbol: 'EURUSD',
      orderType: 'Buy',
      lots: expect.closeTo(0.2, 10),
    });
    expect(await sb.waitForCommand((c) => c.ticket === 1, 10_000)).toMatchObject({
      kind: 'open',
      symbol: 'EURUSD.b',
      orderType: 'Sell',
      lots: expect.closeTo(0.3, 10),
    });

    // A burst: every Open, Modify and Close arrives at B in the master's order, the Close after its Open.
    for (let t = 10; t < 40; t++) {
      await m1.open({ ticket: t, symbol: 'pro.GBPUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.2 });
      if (t % 3 === 0) await m1.modify(t, { stopLoss: 1.1 });
      await m1.close(t);
    }
    await sf.waitForCommand((c) => c.kind === 'close' && c.ticket === 39, 15_000);
    await sb.waitForCommand((c) => c.kind === 'close' && c.ticket === 39, 15_000);
    for (const s of [sa, sb]) {
      const seen = trades(s, `trade/M1/${s.accountId}`)
        .filter((x) => Number(x.ticket) >= 10)
        .map((x) => `${x.action}:${x.ticket}`);
      const expected: string[] = [];
      for (let t = 10; t < 40; t++) {
        expected.push(`Open:${t}`);
        if (t % 3 === 0) expected.push(`Modify:${t}`);
        expected.push(`Close:${t}`);
      }
      expect(seen).toEqual(expected);
    }
    // The filter of SF (GBPUSD only) held across the relays: it never got the EURUSD Open.
    expect(trades(sf, 'trade/M1/SF').some((x) => Number(x.ticket) === 1)).toBe(false);
    // The signal is journalled once, by the master's relay.
    const journalled = async () => {
      const rows = await w!.db.$queryRawUnsafe<{ n: bigint }[]>(
        `SELECT count(*) AS n FROM trade_signal_journal WHERE "masterAccount" = 'M1'`,
      );
      return Number(rows[0]!.n);
    };
    await expect.poll(journalled, { timeout: 10_000 }).toBe(1 + 30 + 10 + 30);

    // Either relay lists the whole cluster: both relays, and every EA with the relay it is on.
    const view = (await (
      await fetch(`${b.endpoints.http}/internal/v1/cluster`, {
        headers: { authorization: `Bearer ${API_TOKEN}` },
      })
    ).json()) as {
      mode: string;
      relayId: string;
      relays: { relayId: string }[];
      eas: { accountId: string; eaType: string; relayId: string; status: string }[];
    };
    expect(view).toMatchObject({ mode: 'cluster', relayId: 'relay-b', natsConnected: true });
    expect(view.relays.map((r) => r.relayId)).toEqual(['relay-a', 'relay-b']);
    const where = Object.fromEntries(
      view.eas.map((e) => [`${e.accountId}.${e.eaType}`, [e.relayId, e.status]]),
    );
    expect(where).toMatchObject({
      'M1.Master': ['relay-a', 'Online'],
      'SA.Slave': ['relay-a', 'Online'],
      'SB.Slave': ['relay-b', 'Online'],
      'SF.Slave': ['relay-b', 'Online'],
    });
  });

  it('applies an admin change at every relay: a toggle reaches slaves on A and on B', async () => {
    w = await clusterWorld();
    const a = await w.relay('relay-a');
    const b = await w.relay('relay-b');
    await w.admin(a).createGroup('M2', {
      enabled: true,
      members: [
        { slaveAccount: 'SA', enabled: true },
        { slaveAccount: 'SB', enabled: true },
      ],
    });
    const sa = await w.slave(a, 'SA');
    const sb = await w.slave(b, 'SB');
    await w.master(a, 'M2');
    for (const s of [sa, sb])
      await s.waitForConfig((c) => c.master_account === 'M2' && c.status === 2, 20_000);
    const ma = sa.mark();
    const mb = sb.mark();
    // The change goes through relay B's nudge; relay A finds it on its own cursor.
    await w.admin(b).toggleGroup('M2', false);
    // A group switched off: its members go to ENABLED (1) with the master's warning, on both relays.
    const off = (c: { master_account: string; status: number; warning_codes: string[] }) =>
      c.master_account === 'M2' && c.status === 1 && c.warning_codes.includes('master_web_ui_disabled');
    await sa.waitForConfig(off, 10_000, { since: ma });
    await sb.waitForConfig(off, 10_000, { since: mb });
  });

  it('routes a sync request from a slave on B to its master on A, and the snapshot back', async () => {
    w = await clusterWorld();
    const a = await w.relay('relay-a');
    const b = await w.relay('relay-b');
    await w.admin(a).createGroup('M3', { enabled: true, members: [{ slaveAccount: 'S0', enabled: true }] });
    const positions = Array.from({ length: 8 }, (_, i) => ({
      ticket: 7000 + i,
      symbol: i % 2 === 0 ? 'GBPUSD' : 'EURUSD',
      orderType: 'Buy' as const,
      lots: 0.1,
      openPrice: 1.1,
    }));
    const m3 = await w.master(a, 'M3', { initialPositions: positions });
    const sb = await w.slave(b, 'SB');
    await m3.waitForMessage('MasterConfig', (c) => c.status === 2);
    await expect
      .poll(
        async () => {
          const res = await fetch(`${b.endpoints.http}/internal/v1/connections`, {
            headers: { authorization: `Bearer ${API_TOKEN}` },
          });
          const list = (await res.json()) as { accountId: string; status: string }[];
          return list.find((c) => c.accountId === 'SB')?.status;
        },
        { timeout: 10_000 },
      )
      .toBe('Online');
    // Linking the running slave on B: it asks for a sync; the request reaches the master on A, the snapshot comes
    // back to B, which filters and converts it for its member.
    await w.admin(b).addMember('M3', 'SB', {
      syncMode: 'limit_order',
      symbolSuffix: '.m',
      filters: { blockedSymbols: ['GBPUSD'] },
    });
    await m3.waitForMessage('SyncRequest', (r) => r.slave_account === 'SB', 20_000);
    await expect.poll(() => sb.synced().length, { timeout: 10_000 }).toBe(4);
    expect(new Set(sb.synced().map((p) => p.symbol))).toEqual(new Set(['EURUSD.m']));
  });

  it('keeps a master’s sequence numbers increasing when its EA moves from relay A to relay C', async () => {
    w = await clusterWorld();
    const a = await w.relay('relay-a');
    const b = await w.relay('relay-b');
    const c = await w.relay('relay-c');
    await w.admin(a).createGroup('M4', { enabled: true, members: [{ slaveAccount: 'SB', enabled: true }] });
    const sb = await w.slave(b, 'SB');
    const onA = await w.master(a, 'M4');
    await sb.waitForConfig((cfg) => cfg.master_account === 'M4' && cfg.status === 2, 20_000);
    for (let t = 1; t <= 5; t++) await onA.open({ ticket: t, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
    await sb.waitForCommand((cmd) => cmd.ticket === 5, 10_000);
    await onA.stop({ unregister: true });
    const onC = await w.master(c, 'M4');
    await onC.waitForMessage('MasterConfig', (cfg) => cfg.status === 2, 10_000);
    const mark = sb.mark();
    await sb.waitForConfig((cfg) => cfg.master_account === 'M4' && cfg.status === 2, 20_000, { since: mark });
    for (let t = 6; t <= 10; t++)
      await onC.open({ ticket: t, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
    await sb.waitForCommand((cmd) => cmd.ticket === 10, 10_000);
    expect(
      trades(sb, 'trade/M4/SB').map((x) => Number(x.ticket)),
      'every signal once, in order, across the move',
    ).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const journal = async () =>
      (
        await w!.db.$queryRawUnsafe<{ ticket: string; seq: bigint }[]>(
          `SELECT ticket, seq FROM trade_signal_journal WHERE "masterAccount" = 'M4' ORDER BY "receivedAt", id`,
        )
      ).map((r) => ({ ticket: Number(r.ticket), seq: Number(r.seq) }));
    await expect.poll(async () => (await journal()).length, { timeout: 10_000 }).toBe(10);
    const rows = await journal();
    expect(rows.map((r) => r.ticket)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.seq).toBeGreaterThan(rows[i - 1]!.seq);
  });

  it('refuses SQLite in cluster mode with a clear error and exit code 2', async () => {
    const run = runRelay({
      SANKEY_NATS_URL: NATS_URL,
      DATABASE_URL: 'file:/tmp/never-created-cluster.db',
      SANKEY_RELAY_HTTP_PORT: '0',
    });
    expect(await run.exited).toBe(2);
    expect(run.output()).toMatch(/DATABASE_URL: cluster mode \(SANKEY_NATS_URL\) needs a shared PostgreSQL/);
  });

  it('refuses a second relay with the id of a live one (exit code 2)', async () => {
    w = await clusterWorld();
    const a = await w.relay('relay-a');
    const dup = runRelay(w.relayEnv('relay-a'));
    expect(await dup.exited).toBe(2);
    expect(dup.output()).toMatch(/relay id "relay-a" is in use by a live relay/);
    // The first relay is unaffected.
    expect((await fetch(`${a.endpoints.http}/healthz`)).status).toBe(200);
  });
});
