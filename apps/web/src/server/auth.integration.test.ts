// Login limits, the Host allow-list, password change, logout and API-token rotation over HTTP (docs/api.md),
// against the same handlers and request guard Next serves, a real SQLite file and a fake relay control API.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, API_TOKEN, call, startTestWeb, type TestWeb } from '../testing/http-server';

let web: TestWeb | undefined;
afterEach(async () => {
  await web?.close();
  web = undefined;
});

async function login(w: TestWeb, password: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${w.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ password }),
  });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { status: res.status, retryAfter: res.headers.get('retry-after'), cookie };
}

/** The session id the server keeps for a cookie (a SHA-256 of its token). */
const sessionIdOf = (cookie: string) =>
  createHash('sha256')
    .update(decodeURIComponent(cookie.split('=')[1] ?? ''))
    .digest('hex');

/** A GET with an explicit Host header (fetch does not let a page or a test choose it). */
function getWithHost(url: string, path: string, headers: Record<string, string>) {
  return new Promise<number>((resolve, reject) => {
    const req = httpRequest(new URL(path, url), { headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('login limits', () => {
  it('30 wrong passwords: 429 with a growing Retry-After; the right password works after the wait', async () => {
    const clock = { t: Date.parse('2026-06-01T12:00:00Z') };
    web = await startTestWeb({ now: () => clock.t });
    const statuses: number[] = [];
    const waits: number[] = [];
    for (let i = 0; i < 30; i++) {
      let r = await login(web, `wrong-${i}`);
      if (r.status === 429) {
        waits.push(Number(r.retryAfter));
        // still refused for the right password while the wait lasts
        expect((await login(web, ADMIN_PASSWORD)).status).toBe(429);
        clock.t += Number(r.retryAfter) * 1000;
        r = await login(web, `wrong-${i}`);
      }
      statuses.push(r.status);
    }
    expect(statuses).toEqual(Array(30).fill(401));
    // five free failures, then 1 s doubling per failure up to 15 minutes
    expect(waits.slice(0, 11)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900]);
    expect(waits.slice(11)).toEqual(Array(14).fill(900));
    const last = await login(web, 'wrong-again');
    expect(last.status).toBe(429);
    expect(Number(last.retryAfter)).toBe(900);
    clock.t += 900_000;
    const ok = await login(web, ADMIN_PASSWORD);
    expect(ok.status).toBe(200);
    expect((await call(web, 'query', 'tradeGroups.list', undefined, { cookie: ok.cookie })).status).toBe(200);
  });

  it('refuses an oversized password before hashing it', async () => {
    web = await startTestWeb();
    const r = await login(web, 'x'.repeat(2000));
    expect(r.status).toBe(400);
  });

  it('limits password-change attempts the same way (tRPC TOO_MANY_REQUESTS, 429, Retry-After)', async () => {
    web = await startTestWeb({ secretsFromEnv: false });
    const { cookie } = await login(web, ADMIN_PASSWORD);
    const change = (currentPassword: string) =>
      fetch(`${web?.url}/api/trpc/auth.changePassword`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({ currentPassword, newPassword: 'a-new-password' }),
      });
    for (let i = 0; i < 5; i++) expect((await change('wrong')).status).toBe(400);
    const limited = await change(ADMIN_PASSWORD);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(((await limited.json()) as { error: { data: { code: string } } }).error.data.code).toBe(
      'TOO_MANY_REQUESTS',
    );
  });
});

describe('Host allow-list', () => {
  it('refuses a foreign Host with 403 on every route; loopback names and the public origin pass', async () => {
    web = await startTestWeb({ publicOrigin: 'https://copier.example.com' });
    const bearer = { authorization: `Bearer ${API_TOKEN}` };
    for (const path of ['/api/trpc/system.status', '/api/ea/sankey_copier.ini', '/', '/login']) {
      expect(await getWithHost(web.url, path, { ...bearer, host: 'evil.example' })).toBe(403);
      expect(await getWithHost(web.url, path, { ...bearer, host: 'evil.example:3000' })).toBe(403);
    }
    const ok = '/api/trpc/system.status';
    for (const host of ['localhost:3000', '127.0.0.1', '[::1]:3000', 'copier.example.com']) {
      expect(await getWithHost(web.url, ok, { ...bearer, host })).toBe(200);
    }
    // a rebinding page can add X-Forwarded-Host itself, so it is checked, not trusted
    expect(
      await getWithHost(web.url, ok, { ...bearer, host: 'evil.example', 'x-forwarded-host': 'localhost' }),
    ).toBe(403);
    expect(
      await getWithHost(web.url, ok, { ...bearer, host: 'localhost', 'x-forwarded-host': 'evil.example' }),
    ).toBe(403);
  });
});

describe('sessions', () => {
  it('logout tells the relay to drop the session’s sockets', async () => {
    web = await startTestWeb();
    const { cookie } = await login(web, ADMIN_PASSWORD);
    await fetch(`${web.url}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie, accept: 'application/json' },
    });
    expect(web.relay.state.revoked).toEqual([{ sessionIds: [sessionIdOf(cookie)] }]);
  });

  it('auth.changePassword: needs the current password, keeps this session, ends the others', async () => {
    web = await startTestWeb({ secretsFromEnv: false });
    const mine = await login(web, ADMIN_PASSWORD);
    const other = await login(web, ADMIN_PASSWORD);
    const change = (input: unknown, cookie = mine.cookie) =>
      call(web as TestWeb, 'mutation', 'auth.changePassword', input, { cookie });

    const wrong = await change({ currentPassword: 'nope', newPassword: 'brand-new-password' });
    expect(wrong.error?.data.code).toBe('BAD_REQUEST');
    expect(wrong.error?.message).toBe('currentPassword: wrong password');
    const short = await change({ currentPassword: ADMIN_PASSWORD, newPassword: 'short' });
    expect(short.error?.data.code).toBe('BAD_REQUEST');
    expect(short.error?.message).toMatch(/newPassword/);

    const ok = await change({ currentPassword: ADMIN_PASSWORD, newPassword: 'brand-new-password' });
    expect(ok.data).toEqual({ ok: true, sessionsEnded: 1 });
    expect((await call(web, 'query', 'tradeGroups.list', undefined, { cookie: mine.cookie })).status).toBe(
      200,
    );
    const ended = await call(web, 'query', 'tradeGroups.list', undefined, { cookie: other.cookie });
    expect(ended.error?.data.code).toBe('UNAUTHORIZED');
    expect(web.relay.state.revoked).toEqual([{ sessionIds: [sessionIdOf(other.cookie)] }]);
    expect((await login(web, ADMIN_PASSWORD)).status).toBe(401);
    expect((await login(web, 'brand-new-password')).status).toBe(200);
  });

  it('auth.changePassword is refused while SANKEY_ADMIN_PASSWORD sets the password', async () => {
    web = await startTestWeb();
    const r = await call(web, 'mutation', 'auth.changePassword', {
      currentPassword: ADMIN_PASSWORD,
      newPassword: 'brand-new-password',
    });
    expect(r.error?.data.code).toBe('CONFLICT');
    expect(r.error?.message).toMatch(/SANKEY_ADMIN_PASSWORD/);
  });
});

describe('system.rotateApiToken', () => {
  it('writes a new token to secrets.json and returns it once; the old one stops working', async () => {
    web = await startTestWeb({ secretsFromEnv: false });
    const r = await call(web, 'mutation', 'system.rotateApiToken');
    const { apiToken } = r.data as { apiToken: string };
    expect(apiToken).toMatch(/^[\w-]{32}$/);
    expect(JSON.parse(readFileSync(join(web.dir, 'secrets.json'), 'utf8'))).toEqual({ apiToken });
    const old = await call(web, 'query', 'tradeGroups.list');
    expect(old.error?.data.code).toBe('UNAUTHORIZED');
    const fresh = await call(web, 'query', 'tradeGroups.list', undefined, {
      authorization: `Bearer ${apiToken}`,
    });
    expect(fresh.status).toBe(200);
  });

  it('is refused while SANKEY_API_TOKEN sets the token', async () => {
    web = await startTestWeb();
    const r = await call(web, 'mutation', 'system.rotateApiToken');
    expect(r.error?.data.code).toBe('CONFLICT');
    expect(r.error?.message).toMatch(/SANKEY_API_TOKEN/);
    expect((await call(web, 'query', 'tradeGroups.list')).status).toBe(200);
  });
});
