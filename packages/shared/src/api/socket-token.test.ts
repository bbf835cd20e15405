import { describe, expect, it } from 'vitest';
import { bearerMatches, issueSocketToken, SOCKET_TOKEN_TTL_MS, verifySocketToken } from './socket-token';

const API = 'api-token-123';

describe('socket tokens', () => {
  it('accepts a fresh browser token and the API token itself', () => {
    const { token } = issueSocketToken(API, 1_000);
    expect(verifySocketToken(API, token, 2_000)).toBe(true);
    expect(verifySocketToken(API, API, 2_000)).toBe(true);
  });

  it('refuses an expired token, a token signed with another key, and garbage', () => {
    const { token } = issueSocketToken(API, 1_000);
    expect(verifySocketToken(API, token, 1_000 + SOCKET_TOKEN_TTL_MS + 1)).toBe(false);
    expect(verifySocketToken('other', token, 2_000)).toBe(false);
    expect(verifySocketToken(API, `${Number.MAX_SAFE_INTEGER}.forged`, 2_000)).toBe(false);
    expect(verifySocketToken(API, undefined, 2_000)).toBe(false);
    expect(verifySocketToken(API, '', 2_000)).toBe(false);
  });

  it('matches only an exact bearer header', () => {
    expect(bearerMatches(`Bearer ${API}`, API)).toBe(true);
    expect(bearerMatches(`Bearer ${API}x`, API)).toBe(false);
    expect(bearerMatches(API, API)).toBe(false);
    expect(bearerMatches(undefined, API)).toBe(false);
  });
});
