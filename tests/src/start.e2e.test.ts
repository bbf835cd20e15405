// `npm start` as a newcomer runs it: migrations, secrets, the relay (and the web app when built) on the SQLite
// default, everything stopped cleanly by SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'sankey-start-'));
let running: ChildProcess | undefined;
afterAll(() => {
  // A failed test must not leave the relay and web app running.
  if (running?.pid && running.exitCode === null) process.kill(-running.pid, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
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

describe('npm start', () => {
  it('migrates the SQLite default, starts the processes, prints the generated token once and stops on SIGTERM', async () => {
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
    running = child;
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    await expect
      .poll(() => /relay ready (\{.*\})/.exec(out)?.[1], { timeout: 60_000, interval: 200 })
      .toBeDefined();
    const ports = JSON.parse(/relay ready (\{.*\})/.exec(out)![1]!) as { relayHttp: number };

    expect(existsSync(join(dataDir, 'sankey.db'))).toBe(true);
    const secrets = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as { apiToken: string };
    expect(out.split(secrets.apiToken).length - 1).toBe(1);
    const health = await fetch(`http://127.0.0.1:${ports.relayHttp}/healthz`);
    expect(health.status).toBe(200);
    const status = await fetch(`http://127.0.0.1:${ports.relayHttp}/internal/v1/status`, {
      headers: { authorization: `Bearer ${secrets.apiToken}` },
    });
    expect(status.status).toBe(200);

    if (existsSync(join(root, 'apps/web/.next/BUILD_ID'))) {
      await expect
        .poll(async () => (await fetch(`http://127.0.0.1:${webPort}/login`).catch(() => null))?.status, {
          timeout: 30_000,
          interval: 250,
        })
        .toBe(200);
      // The web app reaches the relay on the port the relay actually bound.
      const sys = await fetch(`http://127.0.0.1:${webPort}/api/trpc/system.status`, {
        headers: { authorization: `Bearer ${secrets.apiToken}` },
      });
      expect(
        ((await sys.json()) as { result: { data: { relayReachable: boolean } } }).result.data.relayReachable,
      ).toBe(true);
    }

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
