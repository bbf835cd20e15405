// Short-lived browser tokens for the socket.io handshake (README §5): `<expiresAtMs>.<hmac>` where the HMAC-SHA256
// key is the API token. Server-side only (node:crypto).
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SOCKET_TOKEN_TTL_MS = 5 * 60 * 1000;

const sign = (apiToken: string, expiresAtMs: number) =>
  createHmac('sha256', apiToken).update(`socket:${expiresAtMs}`).digest('base64url');

export function issueSocketToken(apiToken: string, nowMs: number): { token: string; expiresAt: string } {
  const expiresAtMs = nowMs + SOCKET_TOKEN_TTL_MS;
  return {
    token: `${expiresAtMs}.${sign(apiToken, expiresAtMs)}`,
    expiresAt: new Date(expiresAtMs).toISOString(),
  };
}

const equal = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Accepts the API token itself or an unexpired browser token signed with it. */
export function verifySocketToken(apiToken: string, token: unknown, nowMs: number): boolean {
  if (typeof token !== 'string' || token.length === 0) return false;
  if (equal(token, apiToken)) return true;
  const dot = token.indexOf('.');
  if (dot <= 0) return false;
  const expiresAtMs = Number(token.slice(0, dot));
  if (!Number.isSafeInteger(expiresAtMs) || expiresAtMs < nowMs) return false;
  return equal(token.slice(dot + 1), sign(apiToken, expiresAtMs));
}

/** Constant-time comparison of a `Authorization: Bearer` header against the API token. */
export function bearerMatches(header: string | undefined | null, apiToken: string): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  return equal(header.slice(7).trim(), apiToken);
}
