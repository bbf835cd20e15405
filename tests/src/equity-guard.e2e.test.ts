// D22 equity guard end to end, over real sockets, a real SQLite file and simulated EAs in shared delivery: slave
// A's equity falls 5.1 % with a 5 % daily limit → A gets a config with allow_new_orders = false for its master, an
// Open is executed by B and refused by A's own DLL (B's copy reaches A through the `trade/M1/` prefix), A's Close
// still executes; the trip survives a relay restart although the equity recovered; an operator reset allows Opens
// again. closeAll: refused in shared delivery (409), one Close per open copy in an isolated group.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SimMaster, SimSlave } from '@sankey/ea-sim/index';
import { startTestRelay, type TestRelay } from '@sankey/relay/testing/start-relay';
import { afterEach, describe, expect, it } from 'vitest';
import { admin } from './admin';
import { freePort } from './free-port';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c().catch(() => {});
});

// Every clock (relay and EAs) at noon UTC of one day, running at real speed: no day start during the test.
const shift = Date.parse('2025-01-01T12:00:00Z') - Date.now();
const wall = () => Date.now() + shift;
const clock = { nowMs: wall, monoMs: () => performance.now() };

const api = (t: TestRelay) => {
  const headers = { authorization: `Bearer ${t.apiToken}`, 'content-type': 'application/json' };
  return {
    post: async (path: string, body: unknown) => {
      const res = await fetch(`${t.endpoints.http}/internal/v1${path}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    account: async (id: string) => {
      const res = await fetch(`${t.endpoints.http}/internal/v1/risk/accounts?account=${id}`, { headers });
      return ((await res.json()) as { accounts: Record<string, unknown>[] }).accounts[0]!;
    },
    metric: async (name: string, labels = '') => {
      const text = await (await fetch(`${t.endpoints.http}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
      return line ? Number(line.split(' ')[1]) : 0;
    },
  };
};

const cliPath = fileURLToPath(new URL('../../apps/relay/src/cli.ts', import.meta.url));
async function cli(t: TestRelay, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    // One node process with tsx's loader, not npx → tsx → node: three processes' start-up took 6–8 s per call on a
    // loaded 2-core machine and ran the test past its time.
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', cliPath, ...args],
      {
        env: { ...process.env, SANKEY_DATA_DIR: t.dataDir, SANKEY_API_TOKEN: t.apiToken },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('equity guard (D22) with simulated EAs', () => {
  it('trips on a 5.1 % daily loss: close-only on the wire, Opens refused, Closes pass; survives a restart; reset allows again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sankey-guard-'));
    cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const ports = { receiverPort: await freePort(), publisherPort: await freePort() };
    const start = () => startTestRelay({ dataDir, clock, config: { ...ports, timeoutCheckMs: 100 } });
    let t = await start();
    cleanup.push(() => t.stop());
    const a = admin(t.db, t.endpoints.http, t.apiToken);
    await a.createGroup('M1', {
      enabled: true,
      members: [
        { slaveAccount: 'A', enabled: true, slaveSettings: {} },
        { slaveAccount: 'B', enabled: true, slaveSettings: {} },
      ],
    });
    const endpoints = { receiverEndpoint: t.endpoints.receiver, publisherEndpoint: t.endpoints.publisher };
    const [slaveA, slaveB] = ['A', 'B'].map(
      (id) =>
        new SimSlave({ accountId: id, ...endpoints, heartbeatIntervalMs: 200, clock: wall, equity: 10_000 }),
    ) as [SimSlave, SimSlave];
    const master = new SimMaster({ accountId: 'M1', ...endpoints, heartbeatIntervalMs: 200, clock: wall });
    for (const s of [slaveA, slaveB, master]) {
      await s.start();
      cleanup.push(() => s.stop({ unregister: false }));
    }
    for (const s of [slaveA, slaveB])
      await s.waitForConfig((c) => c.master_account === 'M1' && c.status === 2 && c.allow_new_orders);

    let r = api(t);
    // Bad settings are refused naming the field; they never reach the relay's state.
    const tooMuch = await r.post('/risk/guard', {
      accountId: 'A',
      guard: { dailyLoss: { kind: 'percent', value: 150 } },
    });
    expect(tooMuch).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(String(tooMuch.body.message)).toBe('guard.dailyLoss.value: a percent is at most 100');
    const zone = await r.post('/risk/guard', {
      accountId: 'A',
      guard: { minEquity: 1, timeZone: 'Mars/Base' },
    });
    expect(String(zone.body.message)).toContain('not an IANA time zone');
    expect(await r.account('A')).toMatchObject({ equityGuard: null });
    const set = await r.post('/risk/guard', {
      accountId: 'A',
      guard: { dailyLoss: { kind: 'percent', value: 5 } },
    });
    expect(set.status).toBe(200);
    await until('the day-start equity', async () => (await r.account('A')).dayStartEquity === 10_000);

    await master.open({ ticket: 1, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
    for (const s of [slaveA, slaveB]) await s.waitForCommand((c) => c.ticket === 1 && c.kind === 'open');

    const configsOfB = slaveB.configs().length;
    const beforeTrip = slaveA.mark();
    slaveA.setEquity(9_490); // −5.1 %
    await slaveA.waitForConfig((c) => c.master_account === 'M1' && !c.allow_new_orders, 5000, {
      since: beforeTrip,
    });
    expect(slaveB.configs()).toHaveLength(configsOfB);
    expect(await r.account('A')).toMatchObject({
      dayStartEquity: 10_000,
      tripped: { reason: 'daily_loss', equity: 9_490 },
    });
    expect(await r.metric('sankey_equity_guard_events_total', 'event="tripped"')).toBe(1);

    const markA = slaveA.mark();
    await master.open({ ticket: 2, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
    await slaveB.waitForCommand((c) => c.ticket === 2 && c.kind === 'open');
    const refused = await slaveA.waitForIgnored((i) => Number(i.signal.ticket) === 2, 5000, { since: markA });
    expect(refused.reason).toBe('new_orders_not_allowed');
    await slaveA.expectNoCommands((c) => c.ticket === 2, 300, { since: markA });
    await master.close(1);
    await slaveA.waitForCommand((c) => c.ticket === 1 && c.kind === 'close', 5000, { since: markA });
    const journal = await fetch(`${t.endpoints.http}/internal/v1/signals?master=M1&limit=10`, {
      headers: { authorization: `Bearer ${t.apiToken}` },
    });
    expect(JSON.stringify(await journal.json())).toContain('equity_guard');

    // closeAll in shared delivery would close B's copies too: refused.
    const shared = await r.post('/risk/close-all', { accountId: 'A' });
    expect(shared.status).toBe(409);
    expect(shared.body.error).toBe('shared_delivery');
    expect(String(shared.body.message)).toContain('isolated');
    expect(
      (await r.post('/risk/guard', { accountId: 'A', guard: { minEquity: 1, closeAll: true } })).status,
    ).toBe(409);

    // The equity recovers and the relay restarts: the trip holds (only a reset or the next day start clears it).
    slaveA.setEquity(10_000);
    await new Promise((res) => setTimeout(res, 400));
    const beforeRestart = slaveA.mark();
    await t.stop();
    t = await start();
    r = api(t);
    await slaveA.waitForConfig((c) => c.master_account === 'M1' && c.status === 2, 10_000, {
      since: beforeRestart,
    });
    const afterRestart = slaveA
      .configs()
      .filter((c) => c.master_account === 'M1')
      .at(-1);
    expect(afterRestart?.allow_new_orders).toBe(false);
    expect(await r.account('A')).toMatchObject({ dayStartEquity: 10_000, tripped: { reason: 'daily_loss' } });

    // The operator resets with the CLI (`npm run relay -- risk reset A`), which finds the relay in runtime.json.
    const beforeReset = slaveA.mark();
    const reset = await cli(t, ['risk', 'reset', 'A']);
    expect(reset.code).toBe(0);
    expect(JSON.parse(reset.stdout)).toMatchObject({ accountId: 'A', tripped: null });
    await slaveA.waitForConfig((c) => c.master_account === 'M1' && c.allow_new_orders, 5000, {
      since: beforeReset,
    });
    const again = await cli(t, ['risk', 'reset', 'A']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is not tripped');
    await master.open({ ticket: 3, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
    for (const s of [slaveA, slaveB]) await s.waitForCommand((c) => c.ticket === 3 && c.kind === 'open');
    expect(await r.metric('sankey_equity_guard_events_total', 'event="reset"')).toBe(1);
    // The reset is stored too: another restart does not bring the trip back.
    await t.stop();
    t = await start();
    expect((await api(t).account('A')).tripped).toBeNull();
  }, 60_000); // three relay starts and two CLI processes: 20–30 s on a loaded 2-core machine

  it('closeAll in an isolated group sends one Close per open copy of that slave, once, and none to the other', async () => {
    const t = await startTestRelay({ clock, config: { timeoutCheckMs: 100 } });
    cleanup.push(() => t.stop());
    const a = admin(t.db, t.endpoints.http, t.apiToken);
    await a.createGroup('M2', {
      enabled: true,
      delivery: 'isolated',
      members: [
        { slaveAccount: 'C', enabled: true, slaveSettings: {} },
        { slaveAccount: 'D', enabled: true, slaveSettings: {} },
      ],
    });
    const endpoints = { receiverEndpoint: t.endpoints.receiver, publisherEndpoint: t.endpoints.publisher };
    const [c, d] = ['C', 'D'].map(
      (id) => new SimSlave({ accountId: id, ...endpoints, heartbeatIntervalMs: 200, clock: wall }),
    ) as [SimSlave, SimSlave];
    const master = new SimMaster({ accountId: 'M2', ...endpoints, heartbeatIntervalMs: 200, clock: wall });
    for (const s of [c, d, master]) {
      await s.start();
      cleanup.push(() => s.stop({ unregister: false }));
    }
    for (const s of [c, d])
      await s.waitForConfig((cfg) => cfg.master_account.startsWith('M2~') && cfg.status === 2);
    for (const ticket of [21, 22])
      await master.open({ ticket, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
    for (const s of [c, d])
      for (const ticket of [21, 22])
        await s.waitForCommand((cmd) => cmd.ticket === ticket && cmd.kind === 'open');

    const r = api(t);
    const marks = [c.mark(), d.mark()];
    const first = await r.post('/risk/close-all', { accountId: 'C' });
    expect(first).toMatchObject({ status: 200, body: { ok: true, closes: 2 } });
    for (const ticket of [21, 22])
      await c.waitForCommand((cmd) => cmd.ticket === ticket && cmd.kind === 'close', 5000, {
        since: marks[0]!,
      });
    expect(c.brain.positions()).toEqual([]);
    await d.expectNoCommands((cmd) => cmd.kind === 'close', 500, { since: marks[1]! });
    expect(d.brain.positions()).toHaveLength(2);
    expect((await r.post('/risk/close-all', { accountId: 'C' })).body).toMatchObject({ closes: 0 });
    expect(await r.metric('sankey_close_all_closes_total')).toBe(2);

    // A guard with closeAll on D: its trip sends D's copies a Close each, once; C's are left alone.
    await master.open({ ticket: 23, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
    for (const s of [c, d]) await s.waitForCommand((cmd) => cmd.ticket === 23 && cmd.kind === 'open');
    const guard = { minEquity: 5_000, closeAll: true };
    expect((await r.post('/risk/guard', { accountId: 'D', guard })).status).toBe(200);
    const marks2 = [c.mark(), d.mark()];
    d.setEquity(4_000);
    for (const ticket of [21, 22, 23])
      await d.waitForCommand((cmd) => cmd.ticket === ticket && cmd.kind === 'close', 5000, {
        since: marks2[1]!,
      });
    await d.waitForConfig((cfg) => cfg.master_account.startsWith('M2~') && !cfg.allow_new_orders, 5000, {
      since: marks2[1]!,
    });
    expect(d.brain.positions()).toEqual([]);
    await c.expectNoCommands((cmd) => cmd.kind === 'close', 500, { since: marks2[0]! });
    expect(c.brain.positions()).toHaveLength(1);
    // Once: the guard stays tripped and sends nothing more.
    await new Promise((res) => setTimeout(res, 500));
    expect(d.commands().filter((cmd) => cmd.kind === 'close')).toHaveLength(3);
    expect(await r.metric('sankey_close_all_closes_total')).toBe(5);
    expect(await r.metric('sankey_equity_guard_events_total', 'event="tripped"')).toBe(1);
  });
});
