// Short-lived browser tokens for the socket.io handshake (docs/api.md, Realtime events): `<session>.<issuedAtMs>.<expiresAtMs>.<hmac>`
// where the HMAC-SHA256 key is the API token. The session part (the login session's id, `-` for a token issued to
// a bearer-token client) and the issue time let the relay refuse and disconnect the tokens of a session that
// logged out or lost its password (docs/api.md, Relay control API). Server-side only (node:crypto).
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SOCKET_TOKEN_TTL_MS = 5 * 60 * 1000;

/** What a verified handshake token proves. */
export type SocketTokenClaims =
  | { kind: 'apiToken' }
  | { kind: 'browser'; sessionId: string | null; issuedAtMs: number; expiresAtMs: number };

const NO_SESSION = '-';
/** Session ids are lowercase hex (a SHA-256 of the session cookie); anything else cannot be told apart from `.`. */
const SESSION_ID = /^[0-9a-f]{1,128}$/;

const sign = (apiToken: string, session: string, issuedAtMs: number, expiresAtMs: number) =>
  createHmac('sha256', apiToken).update(`socket:${session}:${issuedAtMs}:${expiresAtMs}`).digest('base64url');

export function issueSocketToken(
  apiToken: string,
  nowMs: number,
  sessionId: string | null = null,
): { token: string; expiresAt: string } {
  if (sessionId !== null && !SESSION_ID.test(sessionId)) throw new Error('session id must be lowercase hex');
  const session = sessionId ?? NO_SESSION;
  const expiresAtMs = nowMs + SOCKET_TOKEN_TTL_MS;
  return {
    token: `${session}.${nowMs}.${expiresAtMs}.${sign(apiToken, session, nowMs, expiresAtMs)}`,
    expiresAt: new Date(expiresAtMs).toISOString(),
  };
}

const equal = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The API token itself, or an unexpired browser token signed with it; null for anything else. */
export function verifySocketToken(apiToken: string, token: unknown, nowMs: number): SocketTokenClaims | null {
  if (typeof token !== 'string' || token.length === 0) return null;
  if (equal(token, apiToken)) return { kind: 'apiToken' };
  const parts = token.split('.');
  if (parts.length !== 4) return null;
  const [session = '', issued = '', expires = '', mac = ''] = parts;
  if (session !== NO_SESSION && !SESSION_ID.test(session)) return null;
  const issuedAtMs = Number(issued);
  const expiresAtMs = Number(expires);
  if (!Number.isSafeInteger(issuedAtMs) || !Number.isSafeInteger(expiresAtMs)) return null;
  // A token is never valid for longer than the TTL, whatever its fields say.
  if (expiresAtMs < nowMs || expiresAtMs - issuedAtMs !== SOCKET_TOKEN_TTL_MS) return null;
  if (!equal(mac, sign(apiToken, session, issuedAtMs, expiresAtMs))) return null;
  return { kind: 'browser', sessionId: session === NO_SESSION ? null : session, issuedAtMs, expiresAtMs };
}

/** Constant-time comparison of a `Authorization: Bearer` header against the API token. */
export function bearerMatches(header: string | undefined | null, apiToken: string): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  return equal(header.slice(7).trim(), apiToken);
}
