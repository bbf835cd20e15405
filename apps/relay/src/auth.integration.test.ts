// The relay side of the admin-surface protections (docs/api.md): socket.io connections of a revoked session are
// closed and its tokens refused, foreign Host values are refused, and a rotated API token is picked up from
// secrets.json without a restart.
import { request as httpRequest } from 'node:http';
import { writeStoredApiToken } from '@sankey/db/data-dir';
import type { ServerToClientEvents } from '@sankey/shared/api/events';
import { issueSocketToken } from '@sankey/shared/api/socket-token';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from './testing/start-relay';

let t: TestRelay;
const sockets: Socket[] = [];
const SESSION_A = 'a1'.repeat(32);
const SESSION_B = 'b2'.repeat(32);

beforeAll(async () => {
  t = await startTestRelay();
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t?.stop();
});

const connect = (token: string): Socket<ServerToClientEvents> => {
  const s = io(t.endpoints.http, { transports: ['websocket'], auth: { token }, reconnection: false });
  sockets.push(s);
  return s;
};

/** Resolves when connected (with the first snapshot), rejects with the refusal. */
const connected = (s: Socket<ServerToClientEvents>) =>
  new Promise<void>((resolve, reject) => {
    s.once('system_snapshot', () => resolve());
    s.once('connect_error', reject);
  });

const disconnected = (s: Socket) => new Promise<string>((resolve) => s.once('disconnect', resolve));

function http(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(new URL(path, t.endpoints.http), { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const revoke = (sessionIds: unknown, token = t.apiToken) =>
  http(
    'POST',
    '/internal/v1/sessions/revoke',
    { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    { sessionIds },
  );

describe('session revocation', () => {
  it('closes the revoked session’s sockets and refuses its tokens; other sessions stay', async () => {
    const a = connect(issueSocketToken(t.apiToken, Date.now(), SESSION_A).token);
    const b = connect(issueSocketToken(t.apiToken, Date.now(), SESSION_B).token);
    await Promise.all([connected(a), connected(b)]);
    const closed = disconnected(a);

    const r = await revoke([SESSION_A]);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ ok: true, disconnected: 1 });
    expect(await closed).toBe('io server disconnect');
    expect(b.connected).toBe(true);

    // a token of that session issued before the logout is refused from now on
    const again = connect(issueSocketToken(t.apiToken, Date.now(), SESSION_A).token);
    await expect(connected(again)).rejects.toThrow('unauthorized');
  });

  it('needs the bearer token and valid session ids', async () => {
    expect((await revoke([SESSION_A], 'wrong-token-0123456789')).status).toBe(401);
    const bad = await revoke(['not-hex']);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatch(/sessionIds/);
  });
});

describe('Host allow-list', () => {
  it('refuses a foreign Host on the control API, /metrics and socket.io; /healthz stays open', async () => {
    const bearer = { authorization: `Bearer ${t.apiToken}` };
    expect((await http('GET', '/internal/v1/status', { ...bearer, host: 'evil.example:3001' })).status).toBe(
      403,
    );
    expect((await http('GET', '/metrics', { host: 'evil.example' })).status).toBe(403);
    expect((await http('GET', '/socket.io/?EIO=4&transport=polling', { host: 'evil.example' })).status).toBe(
      403,
    );
    expect((await http('GET', '/healthz', { host: 'evil.example' })).status).toBe(200);
    expect((await http('GET', '/internal/v1/status', { ...bearer, host: 'localhost:3001' })).status).toBe(
      200,
    );
    expect((await http('GET', '/metrics', { host: '[::1]:3001' })).status).toBe(200);
  });
});

describe('API-token rotation', () => {
  it('accepts the token written to secrets.json without a restart and closes sockets of the old one', async () => {
    const old = connect(t.apiToken);
    await connected(old);
    const closed = disconnected(old);
    const rotated = 'rotated-token-0123456789abcdef';
    writeStoredApiToken(t.dataDir, rotated);

    const withNew = await http('GET', '/internal/v1/status', { authorization: `Bearer ${rotated}` });
    expect(withNew.status).toBe(200);
    expect(await closed).toBe('io server disconnect');
    expect((await http('GET', '/internal/v1/status', { authorization: `Bearer ${t.apiToken}` })).status).toBe(
      401,
    );
    await connected(connect(issueSocketToken(rotated, Date.now(), SESSION_B).token));
    await expect(connected(connect(issueSocketToken(t.apiToken, Date.now()).token))).rejects.toThrow(
      'unauthorized',
    );
  });
});
