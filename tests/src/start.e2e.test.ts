// `npm start` as a newcomer runs it: migrations, secrets, the relay (and the web app when built) on the SQLite
// default under a supervisor that brings a killed process back, everything stopped cleanly by SIGTERM to the
// process group.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDb } from '@sankey/db/client';
import { migrate } from '@sankey/db/migrate';
import { withRepositoriesTransaction } from '@sankey/db/repositories/index';
import { SimMaster, SimSlave } from '@sankey/ea-sim/index';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const webBuilt = existsSync(join(root, 'apps/web/.next/BUILD_ID'));
const dirs: string[] = [];
const running: ChildProcess[] = [];
afterAll(() => {
  // A failed test must not leave the relay and web app running.
  for (const c of running) if (c.pid && c.exitCode === null) process.kill(-c.pid, 'SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const freePort = () =>
  new Promise<number>((r) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => r(port));
    });
  });

const withoutKeys = (env: NodeJS.ProcessEnv, keys: string[]) =>
  Object.fromEntries(Object.entries(env).filter(([k]) => !keys.includes(k)));

type Ports = { receiver: number; publisher: number; relayHttp: number };

/** Runs `npm start`'s script as its own process group on a fresh data directory and free ports. */
async function npmStart(dataDir: string) {
  const webPort = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: root,
    env: {
      ...withoutKeys(process.env, ['DATABASE_URL', 'SANKEY_API_TOKEN', 'SANKEY_ADMIN_PASSWORD']),
      SANKEY_DATA_DIR: dataDir,
      SANKEY_ZMQ_RECEIVER_PORT: '0',
      SANKEY_ZMQ_PUBLISHER_PORT: '0',
      SANKEY_RELAY_HTTP_PORT: '0',
      PORT: String(webPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const all = (re: RegExp) => [...out.matchAll(new RegExp(re, 'g'))];
  /** The ports of each relay run that got ready, in order. */
  const readies = () => all(/relay ready (\{.*\})/).map((m) => JSON.parse(m[1]!) as Ports);
  /** The pid of run `run` of `name`, once the supervisor started it. */
  const pidOf = (name: string, run: number) =>
    all(new RegExp(`${name} started \\(pid (\\d+), run ${run}\\)`)).map((m) => Number(m[1]))[0];
  const webLogin = async () => (await fetch(`http://127.0.0.1:${webPort}/login`).catch(() => null))?.status;
  await expect.poll(() => readies().length, { timeout: 60_000, interval: 200 }).toBe(1);
  return { child, out: () => out, exited, readies, pidOf, webPort, webLogin, ports: readies()[0]! };
}

describe('npm start', () => {
  it('migrates the SQLite default, starts the processes, prints the generated token once and stops once on SIGTERM to the process group', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sankey-start-'));
    dirs.push(dataDir);
    const s = await npmStart(dataDir);

    expect(existsSync(join(dataDir, 'sankey.db'))).toBe(true);
    const secrets = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as { apiToken: string };
    expect(s.out().split(secrets.apiToken).length - 1).toBe(1);
    const health = await fetch(`http://127.0.0.1:${s.ports.relayHttp}/healthz`);
    expect(health.status).toBe(200);
    const status = await fetch(`http://127.0.0.1:${s.ports.relayHttp}/internal/v1/status`, {
      headers: { authorization: `Bearer ${secrets.apiToken}` },
    });
    expect(status.status).toBe(200);

    if (webBuilt) {
      await expect.poll(s.webLogin, { timeout: 30_000, interval: 250 }).toBe(200);
      // The web app reaches the relay on the port the relay actually bound.
      const sys = await fetch(`http://127.0.0.1:${s.webPort}/api/trpc/system.status`, {
        headers: { authorization: `Bearer ${secrets.apiToken}` },
      });
      expect(
        ((await sys.json()) as { result: { data: { relayReachable: boolean } } }).result.data.relayReachable,
      ).toBe(true);
    }

    // As a terminal's Ctrl-C or a service manager does it: every process of the group gets the signal, the
    // relay once from the terminal and once from the supervisor. It still shuts down exactly once.
    process.kill(-s.child.pid!, 'SIGTERM');
    expect(await s.exited).toBe(0);
    expect(s.out().match(/"msg":"relay shutting down"/g)).toHaveLength(1);
    expect(s.out().match(/"msg":"relay stopped"/g)).toHaveLength(1);
    expect(s.out()).not.toMatch(/restart \d+ in/);
  }, 120_000);

  it('keeps copying while the web app is down, and brings a killed web app or relay back within 10 s', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sankey-start-'));
    dirs.push(dataDir);
    const url = `file:${join(dataDir, 'sankey.db')}`;
    await migrate({ url });
    const db = await createDb({ url });
    await withRepositoriesTransaction(db, (tx) =>
      tx.tradeGroups.create({ id: 'M1', enabled: true, members: [{ slaveAccount: 'S1', enabled: true }] }),
    );
    await db.$disconnect();
    const s = await npmStart(dataDir);
    const endpoints = {
      receiverEndpoint: `tcp://127.0.0.1:${s.ports.receiver}`,
      publisherEndpoint: `tcp://127.0.0.1:${s.ports.publisher}`,
    };
    const slave = new SimSlave({ accountId: 'S1', ...endpoints, heartbeatIntervalMs: 200 });
    const master = new SimMaster({ accountId: 'M1', ...endpoints, heartbeatIntervalMs: 200 });
    try {
      await slave.start();
      await master.start();
      await slave.waitForConfig((c) => c.master_account === 'M1' && c.status === 2, 15_000);

      if (webBuilt) {
        await expect.poll(s.webLogin, { timeout: 30_000, interval: 250 }).toBe(200);
        const killedAt = Date.now();
        process.kill(s.pidOf('web', 1)!, 'SIGKILL');
        // Copying does not need the web app.
        await master.open({ ticket: 1, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
        expect(await slave.waitForCommand((c) => c.ticket === 1)).toMatchObject({ kind: 'open' });
        await expect.poll(() => s.pidOf('web', 2), { timeout: 10_000, interval: 100 }).toBeDefined();
        await expect.poll(s.webLogin, { timeout: 10_000, interval: 100 }).toBe(200);
        expect(Date.now() - killedAt).toBeLessThan(10_000);
      }

      const killedAt = Date.now();
      process.kill(s.pidOf('relay', 1)!, 'SIGKILL');
      await expect.poll(() => s.readies().length, { timeout: 10_000, interval: 100 }).toBe(2);
      expect(Date.now() - killedAt).toBeLessThan(10_000);
      // Back on the ports the EAs and the web app know.
      expect(s.readies()[1]).toEqual(s.ports);
      expect(s.out()).toMatch(/relay exited \(SIGKILL\) after \d+ ms; restart 1 in \d+ ms/);
      // The EAs reconnect by themselves and copying resumes.
      let ticket = 100;
      await expect
        .poll(
          async () => {
            await master.open({
              ticket: ++ticket,
              symbol: 'EURUSD',
              orderType: 'Buy',
              lots: 0.1,
              openPrice: 1.1,
            });
            await new Promise((r) => setTimeout(r, 200));
            return slave.commands().some((c) => c.ticket >= 101);
          },
          { timeout: 15_000, interval: 100 },
        )
        .toBe(true);
      expect(s.child.exitCode).toBeNull();
    } finally {
      await Promise.all([slave, master].map((e) => e.stop({ unregister: false }).catch(() => {})));
    }
    process.kill(-s.child.pid!, 'SIGTERM');
    expect(await s.exited).toBe(0);
  }, 120_000);
});
