// The admin surface as a browser meets it (docs/api.md): the built Next.js app under `next start` with the real
// relay. A foreign Host is refused on pages and API alike; logging out closes the browser's socket.io connection
// and its token no longer opens a new one.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { startTestRelay, type TestRelay } from '@sankey/relay/testing/start-relay';
import type { ServerToClientEvents } from '@sankey/shared/api/events';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './until';

const root = resolve(import.meta.dirname, '../..');
const webDir = join(root, 'apps/web');
const built = existsSync(join(webDir, '.next/BUILD_ID'));
const PASSWORD = 'e2e-admin-password';

let relay: TestRelay;
let web: ChildProcess;
let base = '';
const sockets: Socket[] = [];

const freePort = () =>
  new Promise<number>((r) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => r(port));
    });
  });

beforeAll(async () => {
  if (!built) return;
  relay = await startTestRelay();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  web = spawn(
    process.execPath,
    [join(root, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'],
    {
      cwd: webDir,
      env: {
        ...process.env,
        SANKEY_DATA_DIR: relay.dataDir,
        DATABASE_URL: relay.url,
        SANKEY_RELAY_URL: relay.endpoints.http,
        SANKEY_API_TOKEN: relay.apiToken,
        SANKEY_ADMIN_PASSWORD: PASSWORD,
        SANKEY_SKIP_MIGRATE: '1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    },
  );
  await until(async () => (await fetch(`${base}/login`)).status, 200, 60_000, 'web /login');
}, 90_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  if (web && web.exitCode === null) {
    const exited = new Promise((r) => web.once('exit', r));
    web.kill('SIGTERM');
    await exited;
  }
  await relay?.stop();
});

/** A request with a chosen Host header, as a DNS-rebinding page's browser would send it. */
function statusWithHost(path: string, host: string) {
  return new Promise<number>((resolve, reject) => {
    const req = httpRequest(new URL(path, base), { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!built)('admin surface (next start + relay)', () => {
  it('refuses a foreign Host on pages and on the API with 403', async () => {
    for (const path of ['/login', '/', '/api/trpc/system.status']) {
      expect(await statusWithHost(path, 'evil.example')).toBe(403);
    }
    expect(await statusWithHost('/login', `localhost:${new URL(base).port}`)).toBe(200);
  });

  it('logout closes the browser’s socket.io connection and its token is refused afterwards', async () => {
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const tokenRes = await fetch(`${base}/api/trpc/system.socketToken`, { headers: { cookie } });
    const { token } = ((await tokenRes.json()) as { result: { data: { token: string } } }).result.data;

    const connect = () => {
      const s: Socket<ServerToClientEvents> = io(relay.endpoints.http, {
        transports: ['websocket'],
        auth: { token },
        reconnection: false,
      });
      sockets.push(s);
      return s;
    };
    const socket = connect();
    await new Promise<void>((resolve, reject) => {
      socket.once('system_snapshot', () => resolve());
      socket.once('connect_error', reject);
    });
    const closed = new Promise<string>((r) => socket.once('disconnect', r));

    const out = await fetch(`${base}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie, accept: 'application/json' },
    });
    expect(out.status).toBe(200);
    expect(await closed).toBe('io server disconnect');

    const again = connect();
    const refused = await new Promise<Error>((r) => again.once('connect_error', r));
    expect(refused.message).toBe('unauthorized');
  });
});
