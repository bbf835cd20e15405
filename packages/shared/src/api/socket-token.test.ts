import { describe, expect, it } from 'vitest';
import { bearerMatches, issueSocketToken, SOCKET_TOKEN_TTL_MS, verifySocketToken } from './socket-token';

const API = 'api-token-123';
const SESSION = 'ab'.repeat(32);

describe('socket tokens', () => {
  it('accepts a fresh browser token and the API token itself', () => {
    const { token } = issueSocketToken(API, 1_000);
    expect(verifySocketToken(API, token, 2_000)).toEqual({
      kind: 'browser',
      sessionId: null,
      issuedAtMs: 1_000,
      expiresAtMs: 1_000 + SOCKET_TOKEN_TTL_MS,
    });
    expect(verifySocketToken(API, API, 2_000)).toEqual({ kind: 'apiToken' });
  });

  it('carries the session it was issued to, so the relay can revoke it', () => {
    const { token } = issueSocketToken(API, 1_000, SESSION);
    expect(verifySocketToken(API, token, 2_000)).toMatchObject({ kind: 'browser', sessionId: SESSION });
    expect(() => issueSocketToken(API, 1_000, 'not.hex')).toThrow();
  });

  it('refuses an expired token, a token signed with another key, edited fields, and garbage', () => {
    const { token } = issueSocketToken(API, 1_000, SESSION);
    expect(verifySocketToken(API, token, 1_000 + SOCKET_TOKEN_TTL_MS + 1)).toBeNull();
    expect(verifySocketToken('other', token, 2_000)).toBeNull();
    const [, iat, exp, mac] = token.split('.');
    // another session, or a later expiry, under the same signature
    expect(verifySocketToken(API, `${'cd'.repeat(32)}.${iat}.${exp}.${mac}`, 2_000)).toBeNull();
    expect(verifySocketToken(API, `-.${iat}.${exp}.${mac}`, 2_000)).toBeNull();
    expect(
      verifySocketToken(API, `${SESSION}.${Number(iat) + 1}.${Number(exp) + 1}.${mac}`, 2_000),
    ).toBeNull();
    expect(verifySocketToken(API, `${Number.MAX_SAFE_INTEGER}.forged`, 2_000)).toBeNull();
    expect(verifySocketToken(API, undefined, 2_000)).toBeNull();
    expect(verifySocketToken(API, '', 2_000)).toBeNull();
  });

  it('matches only an exact bearer header', () => {
    expect(bearerMatches(`Bearer ${API}`, API)).toBe(true);
    expect(bearerMatches(`Bearer ${API}x`, API)).toBe(false);
    expect(bearerMatches(API, API)).toBe(false);
    expect(bearerMatches(undefined, API)).toBe(false);
  });
});
