// Serves the web app's fetch handlers (the same ones the Next routes call) from a plain node:http server on
// port 0, over a real SQLite copy of the migrated template, so HTTP tests need no `next build`.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb } from '@sankey/db/client';
import { writeStoredApiToken } from '@sankey/db/data-dir';
import { createAdminRepository } from '@sankey/db/repositories/admin';
import { createOutboxRepository } from '@sankey/db/repositories/outbox';
import { inject } from 'vitest';
import { createWebApp } from '../server/app';
import { parseEnv } from '../server/env';
import { handleIni, handleLogin, handleLogout, handleMetrics, handleTrpc } from '../server/http/handlers';
import { silentLogger } from '../server/logger';
import { allowedHostnames, refuseForeignHost } from '../server/request-guard';
import { hashPassword } from '../server/services/auth';
import { startFakeRelayServer } from './fake-relay';

export const API_TOKEN = 'integration-api-token-0123456789';
export const ADMIN_PASSWORD = 'integration-admin-password';

async function toRequest(req: IncomingMessage, base: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) for (const x of v) headers.append(k, x);
    else if (v !== undefined) headers.set(k, v);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(new URL(req.url ?? '/', base), {
    method: req.method ?? 'GET',
    headers,
    ...(hasBody && { body: Buffer.concat(chunks) }),
  });
}

async function send(res: ServerResponse, response: Response) {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((v, k) => {
    if (k !== 'set-cookie') headers[k] = v;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);
  res.end(Buffer.from(await response.arrayBuffer()));
}

export interface TestWebOptions {
  /**
   * false: the API token and password are stored (secrets.json, the DB) rather than set by SANKEY_API_TOKEN and
   * SANKEY_ADMIN_PASSWORD, so they can be rotated and changed.
   */
  secretsFromEnv?: boolean;
  /** The app's clock in ms (the login limits read it); wall time by default. */
  now?: () => number;
  publicOrigin?: string;
}

export async function startTestWeb(opts: TestWebOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sankey-web-http-'));
  const dbFile = join(dir, 'sankey.db');
  copyFileSync(inject('sqliteTemplate'), dbFile);
  const relay = await startFakeRelayServer(API_TOKEN);
  // A second client on the same file, to look at what the API wrote.
  const db = await createDb({ url: `file:${dbFile}` });
  const fromEnv = opts.secretsFromEnv ?? true;
  if (!fromEnv) {
    writeStoredApiToken(dir, API_TOKEN);
    await createAdminRepository(db).setPasswordHash(await hashPassword(ADMIN_PASSWORD));
  }
  const env = parseEnv({
    SANKEY_DATA_DIR: dir,
    DATABASE_URL: `file:${dbFile}`,
    SANKEY_RELAY_URL: relay.url,
    ...(fromEnv && { SANKEY_API_TOKEN: API_TOKEN, SANKEY_ADMIN_PASSWORD: ADMIN_PASSWORD }),
    ...(opts.publicOrigin && { SANKEY_PUBLIC_ORIGIN: opts.publicOrigin }),
    SANKEY_SKIP_MIGRATE: '1',
    LOG_LEVEL: 'silent',
  });
  const now = opts.now;
  const app = await createWebApp(env, {
    log: silentLogger,
    ...(now && { clock: { now: () => new Date(now()) } }),
  });
  const allowed = allowedHostnames(env.publicOrigin);
  const server = createServer((req, res) => {
    const base = `http://${req.headers.host ?? '127.0.0.1'}`;
    // As Next does (base-server.js): X-Forwarded-For defaults to the socket's address.
    req.headers['x-forwarded-for'] ??= req.socket.remoteAddress;
    toRequest(req, base)
      .then((request) => {
        // What proxy.ts does before every Next route.
        const refused = refuseForeignHost(request, allowed);
        if (refused) return refused;
        const path = new URL(request.url).pathname;
        if (path.startsWith('/api/trpc/')) return handleTrpc(request, app);
        if (path === '/api/auth/login' && request.method === 'POST') return handleLogin(request, app);
        if (path === '/api/auth/logout' && request.method === 'POST') return handleLogout(request, app);
        if (path === '/api/ea/sankey_copier.ini' && request.method === 'GET') return handleIni(request, app);
        if (path === '/api/metrics' && request.method === 'GET') return handleMetrics();
        return new Response('not found', { status: 404 });
      })
      .then((response) => send(res, response))
      .catch((err: unknown) => {
        res.writeHead(500);
        res.end(String(err));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const outbox = createOutboxRepository(db);

  return {
    url,
    dir,
    relay,
    /** The web app's database, for tests that write rows as an operator would by hand. */
    db,
    outboxRows: () => outbox.pending({ limit: 10_000 }),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await relay.close();
      await app.close();
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type TestWeb = Awaited<ReturnType<typeof startTestWeb>>;

export interface CallResult {
  status: number;
  /** `result.data` on success. */
  data: unknown;
  error: { message: string; data: { code: string; httpStatus: number; reason?: string | null } } | null;
}

/** A tRPC call as any HTTP client makes it: GET ?input= for queries, POST JSON for mutations. */
export async function call(
  web: TestWeb,
  kind: 'query' | 'mutation',
  path: string,
  input?: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${API_TOKEN}` },
): Promise<CallResult> {
  const url = new URL(`/api/trpc/${path}`, web.url);
  let res: Response;
  if (kind === 'query') {
    if (input !== undefined) url.searchParams.set('input', JSON.stringify(input));
    res = await fetch(url, { headers });
  } else {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      ...(input !== undefined && { body: JSON.stringify(input) }),
    });
  }
  const body = (await res.json()) as { result?: { data: unknown }; error?: CallResult['error'] };
  return { status: res.status, data: body.result?.data, error: body.error ?? null };
}
