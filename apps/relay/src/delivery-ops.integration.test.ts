// Delivery an operator can run (docs/protocol.md D19, D20; docs/api.md: dead letters, endpoints, blocklist), over a
// real relay, real ZeroMQ, a real SQLite file and simulated EAs: a slave that was away gets its config and then the
// Closes it missed, in order; a short restart gets the Open; a long one leaves a dead letter that the operator CLI
// re-publishes with --force; blocked EAs' frames are dropped and counted and they get nothing.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { withRepositoriesTransaction } from '@sankey/db/repositories/index';
import { SimMaster, SimSlave } from '@sankey/ea-sim/index';
import type { ServerToClientEvents } from '@sankey/shared/api/events';
import type { EndpointStatsView } from '@sankey/shared/api/ops-views';
import { issueSocketToken } from '@sankey/shared/api/socket-token';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from './testing/start-relay';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function relay(config: { parkedHighWater?: number } = {}): Promise<TestRelay> {
  // A 3 s heartbeat timeout, so "away past the timeout" takes seconds.
  const t = await startTestRelay({ config: { heartbeatTimeoutS: 3, ...config } });
  cleanup.push(() => t.stop());
  return t;
}

function endpointsOf(t: TestRelay) {
  return { receiverEndpoint: t.endpoints.receiver, publisherEndpoint: t.endpoints.publisher };
}

async function master(t: TestRelay, id: string): Promise<SimMaster> {
  const m = new SimMaster({ accountId: id, ...endpointsOf(t), heartbeatIntervalMs: 200 });
  await m.start();
  cleanup.push(() => m.stop());
  return m;
}

/** A slave EA; `after` is the run before a restart on the same terminal (its positions survive). */
async function slave(t: TestRelay, id: string, after?: SimSlave): Promise<SimSlave> {
  const s = new SimSlave({ accountId: id, ...endpointsOf(t), heartbeatIntervalMs: 200 });
  if (after) s.brain.adoptPositions(after.brain);
  await s.start();
  cleanup.push(() => s.stop());
  return s;
}

async function link(t: TestRelay, masterId: string, slaves: string[]): Promise<void> {
  await withRepositoriesTransaction(t.db, async (tx) => {
    await tx.tradeGroups.create({
      id: masterId,
      enabled: true,
      members: slaves.map((slaveAccount) => ({ slaveAccount, enabled: true })),
    });
    await tx.outbox.append({ kind: 'group.created', tradeGroupId: masterId, payload: {} });
  });
}

async function api(t: TestRelay, method: 'GET' | 'POST', path: string, body?: unknown) {
  const res = await fetch(`${t.endpoints.http}/internal/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${t.apiToken}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const cliPath = fileURLToPath(new URL('./cli.ts', import.meta.url));
/** `npm run relay -- <args>` against this relay (runtime.json and the token as an operator has them). */
async function cli(t: TestRelay, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    // One node process with tsx's loader, not npx → tsx → node (three start-ups per call on a loaded machine).
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

/** What the EA received since it started: `config` (for any master) or `<action> #<ticket>`, in order. */
const tradeKinds = (s: SimSlave) =>
  s
    .received()
    .filter((f) => f.message?.type === 'SlaveConfig' || f.message?.type === 'TradeSignal')
    .map((f) =>
      f.message?.type === 'TradeSignal'
        ? `${f.message.message.action} #${String(f.message.message.ticket)}`
        : 'config',
    );

describe('delivery to slaves that were away', () => {
  it('gives a slave back after the heartbeat timeout its config, then the 3 Closes it missed, in order', async () => {
    const t = await relay();
    await link(t, 'M1', ['S1']);
    const m = await master(t, 'M1');
    const s1 = await slave(t, 'S1');
    await s1.waitForConfig((c) => c.master_account === 'M1' && c.status === 2);
    for (const ticket of [101, 102, 103]) {
      await m.open({ ticket, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
    }
    await expect.poll(() => s1.positions().length, { timeout: 5000 }).toBe(3);

    await s1.stop({ unregister: false });
    // Past the 3 s timeout: the relay has marked the slave offline, and it is not listening.
    await expect
      .poll(() => t.relay.core.connection('S1', 'Slave')?.status, { timeout: 8000, interval: 200 })
      .toBe('Timeout');
    for (const ticket of [101, 102, 103]) await m.close(ticket);
    await expect.poll(() => t.relay.core.delivery.parking.countFor('S1'), { timeout: 3000 }).toBe(3);

    const back = await slave(t, 'S1', s1);
    await expect.poll(() => back.positions().length, { timeout: 5000 }).toBe(0);
    const seen = tradeKinds(back);
    const firstClose = seen.indexOf('Close #101');
    expect(seen.slice(0, firstClose)).toContain('config');
    expect(seen.filter((k) => k.startsWith('Close'))).toEqual(['Close #101', 'Close #102', 'Close #103']);
    expect(back.commands().map((c) => `${c.kind} #${String(c.ticket)}`)).toEqual([
      'close #101',
      'close #102',
      'close #103',
    ]);
    expect(back.ignored()).toEqual([]);
  }, 30_000);

  it('holds a parked Open for a slave back after its heartbeat timeout until its first heartbeat, then delivers it', async () => {
    const t = await relay();
    await withRepositoriesTransaction(t.db, async (tx) => {
      await tx.tradeGroups.create({
        id: 'M1',
        enabled: true,
        members: [{ slaveAccount: 'S1', enabled: true, slaveSettings: { maxSignalDelayMs: 60_000 } }],
      });
      await tx.outbox.append({ kind: 'group.created', tradeGroupId: 'M1', payload: {} });
    });
    const m = await master(t, 'M1');
    const s1 = await slave(t, 'S1');
    await s1.waitForConfig((c) => c.master_account === 'M1' && c.status === 2);
    await s1.stop({ unregister: false });
    await expect.poll(() => t.relay.core.delivery.listeners.isListening('M1', 'S1')).toBe(false);
    await m.open({ ticket: 601, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
    await expect.poll(() => t.relay.core.delivery.parking.countFor('S1'), { timeout: 5000 }).toBe(1);
    await expect
      .poll(() => t.relay.core.connection('S1', 'Slave')?.status, { timeout: 8000, interval: 200 })
      .toBe('Timeout');

    // Registered (status 0) until its first heartbeat: the Open waits for the config that lets it trade.
    const back = await slave(t, 'S1', s1);
    const opened = await back.waitForCommand((c) => c.kind === 'open', 8000);
    expect(String(opened.ticket)).toBe('601');
    expect(back.ignored()).toEqual([]);
    expect(t.relay.core.delivery.parking.countFor('S1')).toBe(0);
  }, 30_000);

  it('lists what waits for an away slave (GET /parked and `npm run relay -- parked`), empty once it is back', async () => {
    const t = await relay();
    await link(t, 'M1', ['S1']);
    const m = await master(t, 'M1');
    const s1 = await slave(t, 'S1');
    await s1.waitForConfig((c) => c.master_account === 'M1' && c.status === 2);
    await m.open({ ticket: 501, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
    await s1.waitForCommand((c) => c.kind === 'open');

    // Gone without Unregister: still Online (not listening) until the 3 s heartbeat timeout, then offline.
    await s1.stop({ unregister: false });
    await expect.poll(() => t.relay.core.delivery.listeners.isListening('M1', 'S1')).toBe(false);
    await m.close(501);
    await m.open({ ticket: 502, symbol: 'GBPUSD', orderType: 'Sell', lots: 0.3 });
    await expect.poll(() => t.relay.core.delivery.parking.countFor('S1'), { timeout: 5000 }).toBe(2);
    const { status, body } = await api(t, 'GET', '/parked?account=S1');
    expect(status).toBe(200);
    expect(body.slaves).toEqual([expect.objectContaining({ slaveAccount: 'S1', count: 2 })]);
    expect(body.copies).toEqual([
      expect.objectContaining({ masterAccount: 'M1', action: 'Close', ticket: '501' }),
      expect.objectContaining({ action: 'Open', ticket: '502', symbol: 'GBPUSD', lots: 0.3 }),
    ]);
    await expect
      .poll(async () => ((await api(t, 'GET', '/parked')).body.slaves as { reason: string }[])[0]?.reason, {
        timeout: 8000,
        interval: 200,
      })
      .toBe('offline');
    expect((await api(t, 'GET', '/parked?limit=0')).status).toBe(400);

    // The Close waits up to 24 h; the Open (5 s) may have become a dead letter by the time the CLI answers.
    const listed = await cli(t, ['parked', '--account', 'S1']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).copies).toEqual(
      expect.arrayContaining([expect.objectContaining({ action: 'Close', ticket: '501' })]),
    );

    const back = await slave(t, 'S1', s1);
    await back.waitForCommand((c) => c.kind === 'close' && String(c.ticket) === '501', 5000);
    // The stale Open waits for the slave's first heartbeat (it came back Registered), then it is a dead letter.
    await expect
      .poll(async () => (await api(t, 'GET', '/parked')).body, { timeout: 5000, interval: 200 })
      .toEqual({ slaves: [], copies: [], total: 0 });
  }, 30_000);

  it('delivers an Open to a slave back within 3 s; after a longer absence the Open is a dead letter that retry --force re-publishes', async () => {
    const t = await relay();
    await link(t, 'M1', ['S1']);
    const m = await master(t, 'M1');
    const s1 = await slave(t, 'S1');
    await s1.waitForConfig((c) => c.master_account === 'M1' && c.status === 2);

    // Back within 3 s: the Open (5 s max signal delay) is still fresh.
    await s1.stop({ unregister: false });
    await expect.poll(() => t.relay.core.delivery.listeners.isListening('M1', 'S1')).toBe(false);
    await m.open({ ticket: 201, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
    const quick = await slave(t, 'S1', s1);
    const opened = await quick.waitForCommand((c) => c.kind === 'open', 5000);
    expect(String(opened.ticket)).toBe('201');
    const seen = tradeKinds(quick);
    expect(seen.indexOf('config')).toBeLessThan(seen.indexOf('Open #201'));

    // Away longer than the Open's 5 s: it expires while parked.
    await quick.stop({ unregister: false });
    await expect.poll(() => t.relay.core.delivery.listeners.isListening('M1', 'S1')).toBe(false);
    await m.open({ ticket: 202, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
    await expect
      .poll(
        async () =>
          ((await api(t, 'GET', '/dead-letters?reason=expired_while_offline')).body.deadLetters as unknown[])
            .length,
        { timeout: 10_000, interval: 500 },
      )
      .toBe(1);
    const late = await slave(t, 'S1', quick);
    await late.waitForConfig((c) => c.master_account === 'M1');
    await late.expectNoCommands(() => true, 500);

    const listed = await cli(t, [
      'dead-letters',
      'list',
      '--reason',
      'expired_while_offline',
      '--account',
      'S1',
    ]);
    expect(listed.code).toBe(0);
    const [letter] = (JSON.parse(listed.stdout) as { deadLetters: { id: number; ticket: string }[] })
      .deadLetters;
    expect(letter?.ticket).toBe('202');

    const refused = await cli(t, ['dead-letters', 'retry', String(letter?.id)]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/HTTP 409: the Open is \d+ s old.*--force/);
    await late.expectNoCommands(() => true, 300);

    const forced = await cli(t, ['dead-letters', 'retry', String(letter?.id), '--force']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ ok: true, outcome: 'sent' });
    const reopened = await late.waitForCommand((c) => c.kind === 'open', 5000);
    expect(String(reopened.ticket)).toBe('202');
    expect((await api(t, 'GET', '/dead-letters')).body.deadLetters).toEqual([]);

    const metrics = await cli(t, ['metrics']);
    expect(JSON.parse(metrics.stdout)).toMatchObject({ signals: 2, copies: 2 });
  }, 60_000); // a relay, three slave starts and four CLI processes: 40 s on a loaded 2-core machine

  it('refuses to retry an Open whose ticket the master has closed since, even with --force', async () => {
    const t = await relay();
    await link(t, 'M1', ['S1']);
    const m = await master(t, 'M1');
    const s1 = await slave(t, 'S1');
    await s1.waitForConfig((c) => c.master_account === 'M1' && c.status === 2);
    await s1.stop({ unregister: false });
    await expect.poll(() => t.relay.core.delivery.listeners.isListening('M1', 'S1')).toBe(false);
    await m.open({ ticket: 301, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
    // The Close of a still-parked Open cancels both: a dead letter `closed_while_offline`.
    await m.close(301);
    await expect
      .poll(async () => (await api(t, 'GET', '/dead-letters')).body.deadLetters as { id: number }[], {
        timeout: 3000,
      })
      .toHaveLength(1);
    const [letter] = (await api(t, 'GET', '/dead-letters')).body.deadLetters as {
      id: number;
      reason: string;
    }[];
    expect(letter?.reason).toBe('closed_while_offline');
    const r = await api(t, 'POST', '/dead-letters/retry', { id: letter?.id, force: true });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ error: 'ticket_closed' });
    await api(t, 'POST', '/blocklist/block', { accountId: 'S1' });
    const blocked = await api(t, 'POST', '/dead-letters/retry', { id: letter?.id, force: true });
    expect(blocked).toMatchObject({ status: 409, body: { error: 'destination_blocked' } });
    await api(t, 'POST', '/blocklist/unblock', { accountId: 'S1' });

    const purged = await cli(t, ['dead-letters', 'purge', '--older-than', '0']);
    expect(JSON.parse(purged.stdout)).toEqual({ purged: 1 });
  }, 30_000);
});

describe('endpoints and the blocklist', () => {
  it('drops and counts a blocked EA’s frames, sends it no configs or copies, and shows it in the endpoint stats', async () => {
    const t = await relay();
    const blocked = await cli(t, ['blocklist', 'block', 'S2', '--reason', 'misbehaving terminal']);
    expect(blocked.code).toBe(0);
    await link(t, 'M1', ['S1', 'S2']);
    const m = await master(t, 'M1');
    const s1 = await slave(t, 'S1');
    const s2 = await slave(t, 'S2');
    await s1.waitForConfig((c) => c.master_account === 'M1' && c.status === 2);
    await m.open({ ticket: 401, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
    await s1.waitForCommand((c) => c.kind === 'open');
    await s2.expectNoCommands(() => true, 500);
    expect(s2.configs()).toEqual([]);
    expect(t.relay.core.connection('S2', 'Slave')).toBeUndefined();

    const { body } = await api(t, 'GET', '/endpoints');
    const byId = new Map((body.endpoints as EndpointStatsView[]).map((e) => [e.accountId, e]));
    expect(byId.get('S2')).toMatchObject({ blocked: true, framesIn: 0, framesOut: 0 });
    expect(byId.get('S2')?.dropped).toBeGreaterThan(0);
    expect(byId.get('S1')).toMatchObject({ blocked: false, listening: true, parked: 0, deadLetters: 0 });
    expect(byId.get('S1')?.framesIn).toBeGreaterThan(0);
    expect(byId.get('S1')?.framesOut).toBeGreaterThanOrEqual(2);
    const metrics = await (await fetch(`${t.endpoints.http}/metrics`)).text();
    expect(metrics).toMatch(/^sankey_blocked_frames_total [1-9]/m);

    const listed = await cli(t, ['blocklist', 'list']);
    expect(JSON.parse(listed.stdout)).toMatchObject({
      blocked: [{ accountId: 'S2', reason: 'misbehaving terminal' }],
    });
    expect((await api(t, 'POST', '/blocklist/unblock', { accountId: 'S2' })).status).toBe(200);
    expect((await api(t, 'POST', '/blocklist/unblock', { accountId: 'S2' })).status).toBe(404);
    await s2.heartbeatNow();
    await expect.poll(() => t.relay.core.connection('S2', 'Slave')).toBeDefined();
  }, 30_000);

  it('tells the browser ea_throttled when a slave’s parked copies pass the high-water mark, ea_recovered when they drain', async () => {
    const t = await relay({ parkedHighWater: 2 });
    const events: string[] = [];
    const browser: Socket<ServerToClientEvents> = io(t.endpoints.http, {
      path: '/socket.io',
      transports: ['websocket'],
      auth: { token: issueSocketToken(t.apiToken, Date.now()).token },
      reconnection: false,
    });
    cleanup.push(async () => {
      browser.close();
    });
    browser.on('ea_throttled', (p) => events.push(`throttled ${p.accountId} ${p.parked}/${p.highWater}`));
    browser.on('ea_recovered', (p) => events.push(`recovered ${p.accountId} ${p.parked}`));
    await new Promise<void>((r) => browser.once('system_snapshot', () => r()));
    await link(t, 'M1', ['S1']);
    const m = await master(t, 'M1');
    const s1 = await slave(t, 'S1');
    await s1.waitForConfig((c) => c.master_account === 'M1' && c.status === 2);
    await s1.stop({ unregister: false });
    await expect.poll(() => t.relay.core.delivery.listeners.isListening('M1', 'S1')).toBe(false);
    for (const ticket of [501, 502, 503]) {
      await m.open({ ticket, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
    }
    await expect.poll(() => events, { timeout: 3000 }).toEqual(['throttled S1 3/2']);
    const back = await slave(t, 'S1', s1);
    await expect.poll(() => back.positions().length, { timeout: 5000 }).toBe(3);
    await expect.poll(() => events, { timeout: 3000 }).toEqual(['throttled S1 3/2', 'recovered S1 0']);
    const metrics = await (await fetch(`${t.endpoints.http}/metrics`)).text();
    expect(metrics).toMatch(/^sankey_ea_throttle_events_total\{event="throttled"\} 1$/m);
  }, 30_000);

  it('keeps the blocklist across a restart', async () => {
    const t = await relay();
    expect((await api(t, 'POST', '/blocklist/block', { accountId: 'X1' })).status).toBe(200);
    expect((await api(t, 'POST', '/blocklist/block', { accountId: 'bad id' })).status).toBe(400);
    await t.relay.close();
    const again = await startTestRelay({ dataDir: t.dataDir });
    cleanup.push(() => again.stop());
    expect((await api(again, 'GET', '/blocklist')).body).toMatchObject({ blocked: [{ accountId: 'X1' }] });
  }, 30_000);
});
