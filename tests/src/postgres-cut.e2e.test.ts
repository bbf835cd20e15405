// The network between the relay and PostgreSQL is cut for 10 s while the master trades (issue 14, Database
// trouble): a TCP proxy between them drops every connection and refuses new ones, then comes back. The relay stays
// up and copies everything, its control API answers 503 database_unavailable meanwhile, and afterwards the journal
// catches up and admin changes apply again, without a restart. The web app, reaching PostgreSQL through the same
// proxy, refuses an admin change with tRPC SERVICE_UNAVAILABLE "database unavailable (unreachable)" meanwhile and
// takes it once the network is back. The test's own admin client connects directly, so the database itself stays
// up. Runs when TEST_POSTGRES_URL is set.
import { randomBytes } from 'node:crypto';
import { testPostgresUrl } from '@sankey/db/env';
import { withPostgresSchema } from '@sankey/db/urls';
import type { SimMaster, SimSlave } from '@sankey/ea-sim/index';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';
import { startWeb, type WebProcess, webBuilt } from './web-process';
import { type World, world } from './world';

const base = testPostgresUrl();
const schema = `e2e_cut_${randomBytes(4).toString('hex')}`;
const CUT_MS = 10_000;
const TRADES = 100; // an Open and a Close each: 200 signals
let w: World | undefined;
let proxy: TcpProxy | undefined;
let web: WebProcess | undefined;

afterAll(async () => {
  await web?.stop();
  await w?.close();
  await proxy?.close();
  if (!base) return;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

describe.skipIf(!base)('PostgreSQL cut off from the relay for 10 s', () => {
  it('copies everything, answers 503 database_unavailable, then catches up by itself', async () => {
    const direct = new URL(base!);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const proxied = new URL(base!);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    w = await world(
      {},
      {
        databaseUrl: withPostgresSchema(base!, schema),
        relayDatabaseUrl: withPostgresSchema(proxied.toString(), schema),
      },
    );
    await w.admin.createGroup('M1', {
      enabled: true,
      members: [
        { slaveAccount: 'S1', enabled: true },
        { slaveAccount: 'S2', enabled: true },
      ],
    });
    if (!webBuilt) throw new Error('apps/web is not built (npx turbo run build --filter=@sankey/web)');
    web = await startWeb({ ...w.t, url: withPostgresSchema(proxied.toString(), schema) });
    const slaves: SimSlave[] = [await w.slave('S1'), await w.slave('S2')];
    const master: SimMaster = await w.master('M1');
    for (const s of slaves) await s.waitForConfig((c) => c.master_account === 'M1' && c.status === 2, 10_000);
    const journalled = () => w!.t.db.tradeSignalJournal.count({ where: { masterAccount: 'M1' } });
    const before = await journalled();

    await proxy.cut();
    const cutAt = Date.now();
    const trading = (async () => {
      for (let i = 0; i < TRADES; i++) {
        await master.open({ ticket: 7000 + i, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
        await new Promise((r) => setTimeout(r, 30));
        await master.close(7000 + i);
        await new Promise((r) => setTimeout(r, 30));
      }
    })();

    // The control API, asked for what needs the database, refuses clearly and quickly.
    await new Promise((r) => setTimeout(r, 1000));
    const asked = Date.now();
    const res = await fetch(`${w.t.endpoints.http}/internal/v1/dead-letters`, {
      headers: { authorization: `Bearer ${w.t.apiToken}` },
    });
    const refusedAfterMs = Date.now() - asked;
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'database_unavailable', reason: 'unreachable' });
    expect(refusedAfterMs).toBeLessThan(8000);

    // So does the web app: an operator's change is refused with a clear reason, not a hang or a generic 500.
    const webAsked = Date.now();
    const webRefused = await web.call('members.update', {
      tradeGroupId: 'M1',
      slaveAccount: 'S2',
      slaveSettings: { lotMultiplier: 2 },
    });
    const webRefusedAfterMs = Date.now() - webAsked;
    expect(webRefused.status).toBe(503);
    expect(webRefused.error?.data.code).toBe('SERVICE_UNAVAILABLE');
    expect(webRefused.error?.message).toBe('database unavailable (unreachable), retry');
    expect(webRefusedAfterMs).toBeLessThan(10_000);
    expect(Date.now()).toBeLessThan(cutAt + CUT_MS); // refused while the network was still cut
    const webMetrics = await (await fetch(`${web.base}/api/metrics`)).text();
    expect(webMetrics).toMatch(/^sankey_web_database_unavailable_total\{reason="unreachable"\} [1-9]/m);

    await trading;
    for (const s of slaves) {
      await expect.poll(() => s.commands().length, { timeout: 10_000 }).toBe(2 * TRADES);
    }
    // (All copied while cut off: the proxy is restored only below.)
    await expect.poll(() => w!.metric('sankey_persistence_unavailable'), { timeout: 5000 }).toBe(1);
    expect(await journalled()).toBe(before);
    const latencies = slaves.flatMap((s) => s.commands().map((c) => c.latencyMs));

    await new Promise((r) => setTimeout(r, Math.max(0, cutAt + CUT_MS - Date.now())));
    await proxy.restore();
    const restoredAt = Date.now();
    await expect.poll(journalled, { timeout: 15_000, interval: 100 }).toBe(before + 2 * TRADES);
    const caughtUpAfterMs = Date.now() - restoredAt;
    await expect.poll(() => w!.metric('sankey_persistence_unavailable'), { timeout: 5000 }).toBe(0);
    expect(
      await w.metric('sankey_persistence_failures_total', 'operation="journal",reason="unreachable"'),
    ).toBeGreaterThan(0);

    // Admin changes apply again (written directly, read by the relay through the restored proxy).
    const mark = slaves[0]!.mark();
    await w.admin.updateMember('M1', 'S1', { lotMultiplier: 3 });
    await slaves[0]!.waitForConfig((c) => c.lot_multiplier === 3, 10_000, { since: mark });
    const ok = await fetch(`${w.t.endpoints.http}/internal/v1/dead-letters`, {
      headers: { authorization: `Bearer ${w.t.apiToken}` },
    });
    expect(ok.status).toBe(200);
    // The web app takes the change it refused, without a restart, and it reaches the EA.
    const mark2 = slaves[1]!.mark();
    await expect
      .poll(
        async () =>
          (
            await web!.call('members.update', {
              tradeGroupId: 'M1',
              slaveAccount: 'S2',
              slaveSettings: { lotMultiplier: 2 },
            })
          ).status,
        { timeout: 15_000, interval: 500 },
      )
      .toBe(200);
    await slaves[1]!.waitForConfig((c) => c.lot_multiplier === 2, 10_000, { since: mark2 });

    console.info(
      `postgres cut ${CUT_MS} ms: ${2 * TRADES} signals, ${latencies.length}/${4 * TRADES} copies delivered, ` +
        `copy latency p50 ${percentile(latencies, 50)} ms p99 ${percentile(latencies, 99)} ms; control API ` +
        `refused after ${refusedAfterMs} ms, web app after ${webRefusedAfterMs} ms; journal complete ${caughtUpAfterMs} ms after the network returned`,
    );
  }, 120_000);
});
