import { SOCKET_TOKEN_TTL_MS } from '@sankey/shared/api/socket-token';
import { describe, expect, it } from 'vitest';
import { SessionRevocations } from './revocations';

describe('session revocations', () => {
  it('refuses a revoked session for as long as its tokens could be valid', () => {
    const clock = { t: 1000 };
    const r = new SessionRevocations(() => clock.t);
    r.revoke('a');
    expect(r.isRevoked('a')).toBe(true);
    expect(r.isRevoked('b')).toBe(false);
    clock.t += SOCKET_TOKEN_TTL_MS;
    expect(r.isRevoked('a')).toBe(true);
    clock.t += 1;
    expect(r.isRevoked('a')).toBe(false);
    r.revoke('b');
    expect(r.size).toBe(1);
  });

  it('keeps at most `max` entries, dropping the oldest', () => {
    const clock = { t: 0 };
    const r = new SessionRevocations(() => clock.t, 2);
    for (const id of ['a', 'b', 'c']) {
      r.revoke(id);
      clock.t += 1;
    }
    expect([r.isRevoked('a'), r.isRevoked('b'), r.isRevoked('c')]).toEqual([false, true, true]);
  });
});
