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
  it('copies a master on relay A to slaves on A, B and C, in order, with each member’s settings', async () => {
    w = await clusterWorld();
    const [a, b, c] = await w.relays(['relay-a', 'relay-b', 'relay-c']);
    await w.admin(a!).createGroup('M1', {
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
          slaveAccount: 'SC',
          enabled: true,
          slaveSettings: {
            lotMultiplier: 0.5,
            symbolMappings: [{ sourceSymbol: 'EURUSD', targetSymbol: 'EURUSDc' }],
          },
        },
        {
          slaveAccount: 'SF',
          enabled: true,
          slaveSettings: { filters: { allowedSymbols: ['GBPUSD'] } },
        },
      ],
    });
    const sa = await w.slave(a!, 'SA');
    const sb = await w.slave(b!, 'SB');
    const sc = await w.slave(c!, 'SC');
    const sf = await w.slave(c!, 'SF');
    const m1 = await w.master(a!, 'M1');
    // B and C learn the master's state from the KV bucket: their slaves go CONNECTED (status 2) like A's.
    for (const s of [sa, sb, sc, sf])
      await s.waitForConfig((cfg) => cfg.master_account === 'M1' && cfg.status === 2, 20_000);

    await m1.open({ ticket: 1, symbol: 'pro.EURUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
    expect(await sa.waitForCommand((cmd) => cmd.ticket === 1)).toMatchObject({
      kind: 'open',
      symbol: 'EURUSD',
      orderType: 'Buy',
      lots: expect.closeTo(0.2, 10),
    });
    expect(await sb.waitForCommand((cmd) => cmd.ticket === 1, 10_000)).toMatchObject({
      kind: 'open',
      symbol: 'EURUSD.b',
      orderType: 'Sell',
      lots: expect.closeTo(0.3, 10),
    });
    expect(await sc.waitForCommand((cmd) => cmd.ticket === 1, 10_000)).toMatchObject({
      kind: 'open',
      symbol: 'EURUSDc',
      orderType: 'Buy',
      lots: expect.closeTo(0.05, 10),
    });

    // A burst: every Open, Modify and Close arrives at every slave in the master's order, each Close after its Open.
    for (let t = 10; t < 40; t++) {
      await m1.open({ ticket: t, symbol: 'pro.GBPUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.2 });
      if (t % 3 === 0) await m1.modify(t, { stopLoss: 1.1 });
      await m1.close(t);
    }
    // Each slave's last Close on its own topic (the simulated DLL subscribes the master's prefix, so it also reads,
    // and may act on, the other slaves' copies first).
    for (const s of [sa, sb, sc, sf])
      await expect
        .poll(
          () =>
            trades(s, `trade/M1/${s.accountId}`).some((x) => x.action === 'Close' && Number(x.ticket) === 39),
          {
            timeout: 15_000,
          },
        )
        .toBe(true);
    const expected: string[] = [];
    for (let t = 10; t < 40; t++) {
      expected.push(`Open:${t}`);
      if (t % 3 === 0) expected.push(`Modify:${t}`);
      expected.push(`Close:${t}`);
    }
    for (const s of [sa, sb, sc, sf]) {
      const seen = trades(s, `trade/M1/${s.accountId}`)
        .filter((x) => Number(x.ticket) >= 10)
        .map((x) => `${x.action}:${x.ticket}`);
      expect(seen, s.accountId).toEqual(expected);
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
    // Members whose slave is on another relay are that relay's to copy or filter: relay A reports none of them as
    // filtered (journal, metrics); its journal counts them as elsewhere.
    const opened = await w.db.$queryRawUnsafe<{ payload: Record<string, unknown> }[]>(
      `SELECT payload FROM trade_signal_journal WHERE "masterAccount" = 'M1' AND action = 'Open' AND ticket = '1'`,
    );
    expect(opened[0]!.payload).toMatchObject({ accepted: 1, filtered: {}, elsewhere: 3 });
    expect(opened[0]!.payload.filteredBy).toBeUndefined();
    const metricsA = await (
      await fetch(`${a!.endpoints.http}/metrics`, { headers: { authorization: `Bearer ${API_TOKEN}` } })
    ).text();
    expect(metricsA).not.toMatch(/^sankey_signals_filtered_total\{reason="member_not_connected"\} [1-9]/m);
    // Relay A, the master's, consumes no signal of the stream, so it is delivered none of its own (it may hold a
    // paused consumer of M1, made while SA was here before M1: docs/cluster.md, Signal consumers); B and C hold one
    // each, M1's, and copy from it.
    expect(metricsA).not.toMatch(/^sankey_cluster_consumed_total\{/m);
    for (const r of [b!, c!]) {
      const auth = { headers: { authorization: `Bearer ${API_TOKEN}` } };
      const metrics = await (await fetch(`${r.endpoints.http}/metrics`, auth)).text();
      expect(metrics).toMatch(/^sankey_cluster_consumers 1$/m);
      expect(metrics).toMatch(/^sankey_cluster_consumed_total\{outcome="copied"\} [1-9]/m);
    }

    // Any relay lists the whole cluster: every relay, and every EA with the relay it is on.
    const view = (await (
      await fetch(`${b!.endpoints.http}/internal/v1/cluster`, {
        headers: { authorization: `Bearer ${API_TOKEN}` },
      })
    ).json()) as {
      mode: string;
      relayId: string;
      relays: { relayId: string }[];
      eas: { accountId: string; eaType: string; relayId: string; status: string }[];
    };
    expect(view).toMatchObject({ mode: 'cluster', relayId: 'relay-b', natsConnected: true });
    expect(view.relays.map((r) => r.relayId)).toEqual(['relay-a', 'relay-b', 'relay-c']);
    const where = Object.fromEntries(
      view.eas.map((e) => [`${e.accountId}.${e.eaType}`, [e.relayId, e.status]]),
    );
    expect(where).toMatchObject({
      'M1.Master': ['relay-a', 'Online'],
      'SA.Slave': ['relay-a', 'Online'],
      'SB.Slave': ['relay-b', 'Online'],
      'SC.Slave': ['relay-c', 'Online'],
      'SF.Slave': ['relay-c', 'Online'],
    });
  });

  it('applies an admin change at every relay: a toggle reaches slaves on A, B and C', async () => {
    w = await clusterWorld();
    const [a, b, c] = await w.relays(['relay-a', 'relay-b', 'relay-c']);
    await w.admin(a!).createGroup('M2', {
      enabled: true,
      members: [
        { slaveAccount: 'SA', enabled: true },
        { slaveAccount: 'SB', enabled: true },
        { slaveAccount: 'SC', enabled: true },
      ],
    });
    const slaves = [await w.slave(a!, 'SA'), await w.slave(b!, 'SB'), await w.slave(c!, 'SC')];
    await w.master(a!, 'M2');
    for (const s of slaves)
      await s.waitForConfig((cfg) => cfg.master_account === 'M2' && cfg.status === 2, 20_000);
    const marks = slaves.map((s) => s.mark());
    // The change goes through relay B's nudge; relays A and C find it on their own cursors.
    await w.admin(b!).toggleGroup('M2', false);
    // A group switched off: its members go to ENABLED (1) with the master's warning, on every relay.
    const off = (cfg: { master_account: string; status: number; warning_codes: string[] }) =>
      cfg.master_account === 'M2' && cfg.status === 1 && cfg.warning_codes.includes('master_web_ui_disabled');
    await Promise.all(slaves.map((s, i) => s.waitForConfig(off, 10_000, { since: marks[i]! })));
    // And back on, through relay C this time.
    const again = slaves.map((s) => s.mark());
    await w.admin(c!).toggleGroup('M2', true);
    await Promise.all(
      slaves.map((s, i) =>
        s.waitForConfig((cfg) => cfg.master_account === 'M2' && cfg.status === 2, 10_000, {
          since: again[i]!,
        }),
      ),
    );
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

  it('routes an isolated member’s sync under its alias (D23) from a slave on C to its master on A, and back', async () => {
    w = await clusterWorld();
    const [a, , c] = await w.relays(['relay-a', 'relay-b', 'relay-c']);
    await w.admin(a!).createGroup('M5', {
      enabled: true,
      delivery: 'isolated',
      members: [
        { slaveAccount: 'SC', enabled: true, slaveSettings: { syncMode: 'limit_order', symbolSuffix: '.c' } },
      ],
    });
    const positions = Array.from({ length: 4 }, (_, i) => ({
      ticket: 8000 + i,
      symbol: 'EURUSD',
      orderType: 'Buy' as const,
      lots: 0.1,
      openPrice: 1.1,
    }));
    const m5 = await w.master(a!, 'M5', { initialPositions: positions });
    await m5.waitForMessage('MasterConfig', (cfg) => cfg.status === 2);
    // The slave knows its master only by its alias; its sync request names the alias.
    const sc = await w.slave(c!, 'SC');
    const cfg = await sc.waitForConfig((x) => x.master_account.startsWith('M5~') && x.status === 2, 20_000);
    const alias = cfg.master_account;
    // Its EA asks for a sync under the alias (as after a restart of its terminal).
    await sc.sendSyncRequest({ masterAccount: alias });
    const req = await m5.waitForMessage('SyncRequest', (r) => r.slave_account === 'SC', 20_000);
    expect(req.master_account, 'the master hears its own id').toBe('M5');
    await expect.poll(() => sc.synced().length, { timeout: 10_000 }).toBe(4);
    expect(new Set(sc.synced().map((p) => p.symbol))).toEqual(new Set(['EURUSD.c']));
    // Copies cross the relays under the alias too.
    await m5.open({ ticket: 1, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
    await sc.waitForCommand((cmd) => cmd.ticket === 1, 10_000);
    const frames = sc.received().filter((f) => f.message?.type === 'TradeSignal');
    expect(new Set(frames.map((f) => f.topic))).toEqual(new Set([`trade/${alias}/SC`]));
  });

  it('keeps a master’s sequence numbers increasing when its EA moves from relay A to relay C', async () => {
    w = await clusterWorld();
    const [a, b, c] = await w.relays(['relay-a', 'relay-b', 'relay-c']);
    await w.admin(a!).createGroup('M4', {
      enabled: true,
      members: [
        { slaveAccount: 'SA', enabled: true },
        { slaveAccount: 'SB', enabled: true },
        { slaveAccount: 'SC', enabled: true },
      ],
    });
    // SA stays on relay A: copied there directly before the move, from the stream after it.
    const sa = await w.slave(a!, 'SA');
    const sb = await w.slave(b!, 'SB');
    const sc = await w.slave(c!, 'SC');
    const onA = await w.master(a!, 'M4');
    for (const s of [sa, sb, sc])
      await s.waitForConfig((cfg) => cfg.master_account === 'M4' && cfg.status === 2, 20_000);
    for (let t = 1; t <= 5; t++) await onA.open({ ticket: t, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
    for (const s of [sa, sb, sc]) await s.waitForCommand((cmd) => cmd.ticket === 5, 10_000);
    await onA.stop({ unregister: true });
    const onC = await w.master(c!, 'M4');
    await onC.waitForMessage('MasterConfig', (cfg) => cfg.status === 2, 10_000);
    // Relay B learns from the bucket that the master is on C now; both slaves' latest config says CONNECTED (a
    // slave's EA takes Opens only then).
    await expect
      .poll(
        async () => {
          const view = (await (
            await fetch(`${b!.endpoints.http}/internal/v1/cluster`, {
              headers: { authorization: `Bearer ${API_TOKEN}` },
            })
          ).json()) as { eas: { accountId: string; eaType: string; relayId: string; status: string }[] };
          const m = view.eas.find((e) => e.accountId === 'M4' && e.eaType === 'Master');
          return `${m?.relayId}:${m?.status}:${sb.configFor('M4')?.status}:${sc.configFor('M4')?.status}`;
        },
        { timeout: 20_000 },
      )
      .toBe('relay-c:Online:2:2');
    for (let t = 6; t <= 10; t++)
      await onC.open({ ticket: t, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
    // SA (relay A) and SB (relay B) get them from the stream, SC (now on the master's relay) directly.
    for (const s of [sa, sb, sc]) {
      await s.waitForCommand((cmd) => cmd.ticket === 10, 10_000);
      expect(
        trades(s, `trade/M4/${s.accountId}`).map((x) => Number(x.ticket)),
        `${s.accountId}: every signal once, in order, across the move`,
      ).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    }
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

  it('purges processed outbox rows only once every live relay has applied them', async () => {
    w = await clusterWorld();
    const env = { SANKEY_OUTBOX_RETENTION_S: '1' };
    const [a, b] = await w.relays(['relay-a', 'relay-b'], env);
    const rows = async () =>
      Number((await w!.db.$queryRawUnsafe<{ n: bigint }[]>('SELECT count(*) AS n FROM outbox'))[0]!.n);
    await w.admin(a!).createGroup('M6', { enabled: true, members: [{ slaveAccount: 'S1', enabled: true }] });
    await expect.poll(rows, { timeout: 10_000 }).toBe(0);
    // Relay B freezes: relay A applies the next changes (and marks them processed), but B's cursor, published with
    // its relay id, stays behind them until its id expires: A keeps the rows.
    b!.child.kill('SIGSTOP');
    try {
      for (let i = 0; i < 3; i++) await w.admin(a!).toggleGroup('M6', i % 2 === 1);
      await expect
        .poll(
          async () =>
            Number(
              (
                await w!.db.$queryRawUnsafe<{ n: bigint }[]>(
                  'SELECT count(*) AS n FROM outbox WHERE "processedAt" IS NOT NULL',
                )
              )[0]!.n,
            ),
          { timeout: 5000 },
        )
        .toBe(3);
      await new Promise((r) => setTimeout(r, 3000));
      expect(await rows(), 'kept while relay B has not applied them').toBe(3);
    } finally {
      b!.child.kill('SIGCONT');
    }
    // B applies them: now every live relay has, and they go.
    await expect.poll(rows, { timeout: 10_000 }).toBe(0);
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
