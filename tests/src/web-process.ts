// The built web app (`next start`) as its own process against a test relay's database, and tRPC calls to it with
// the bearer token, as curl would make them. Its own process matters when the database is locked: the web's
// SQLite driver waits for a lock synchronously, which must not stall the test's relay or EAs.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from './free-port';
import { until } from './until';

const root = resolve(import.meta.dirname, '../..');
const webDir = join(root, 'apps/web');
export const webBuilt = existsSync(join(webDir, '.next/BUILD_ID'));

export interface TrpcAnswer {
  status: number;
  data: never;
  error?: { message: string; data: { code: string } };
}

export interface WebProcess {
  base: string;
  /** A tRPC call with the relay's bearer token, another `token`, or none (`null`). */
  call(path: string, input?: unknown, token?: string | null): Promise<TrpcAnswer>;
  stop(): Promise<void>;
}

export async function startWeb(
  relay: {
    dataDir: string;
    url: string;
    apiToken: string;
    endpoints: { http: string };
  },
  readyTimeoutMs = 90_000,
): Promise<WebProcess> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
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
        SANKEY_ADMIN_PASSWORD: 'e2e-admin-password',
        SANKEY_SKIP_MIGRATE: '1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    },
  );
  await until(async () => (await fetch(`${base}/login`)).status, 200, readyTimeoutMs, 'web /login');
  return {
    base,
    async call(path, input, token = relay.apiToken) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      const isQuery = /\.(list|get|status|socketToken|cluster)$/.test(path);
      const res = isQuery
        ? await fetch(
            `${base}/api/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`,
            { headers },
          )
        : await fetch(`${base}/api/trpc/${path}`, {
            method: 'POST',
            headers,
            body: JSON.stringify(input ?? {}),
          });
      const body = (await res.json()) as { result?: { data: unknown }; error?: TrpcAnswer['error'] };
      return {
        status: res.status,
        data: body.result?.data as never,
        ...(body.error && { error: body.error }),
      };
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
