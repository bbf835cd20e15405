import { describe, expect, it } from 'vitest';
import { fakeServices, TEST_API_TOKEN } from '../../testing/services';
import { hashPassword, SESSION_TTL_MS, verifyPassword } from './auth';

describe('auth service', () => {
  it('hashes with scrypt and verifies only the right password', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(hash).not.toContain('correct horse');
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('wrong horse', hash)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });

  it('generates a password once when none is configured, storing only its hash', async () => {
    const { services, store } = fakeServices();
    const first = await services.auth.ensureAdminPassword(undefined);
    expect(first.generated).toMatch(/^[\w-]{16,}$/);
    expect(store.s.passwordHash).not.toContain(first.generated);
    expect(await verifyPassword(first.generated ?? '', store.s.passwordHash ?? '')).toBe(true);
    expect((await services.auth.ensureAdminPassword(undefined)).generated).toBeNull();
  });

  it('follows SANKEY_ADMIN_PASSWORD: re-hashes when it changed and ends existing sessions', async () => {
    const { services, store } = fakeServices();
    await services.auth.ensureAdminPassword('first-password');
    const hash = store.s.passwordHash;
    await services.auth.ensureAdminPassword('first-password');
    expect(store.s.passwordHash).toBe(hash);
    const { token } = await services.auth.login('first-password');
    await services.auth.ensureAdminPassword('second-password');
    expect(store.s.passwordHash).not.toBe(hash);
    expect(await services.auth.authenticate(null, token)).toBeNull();
    await expect(services.auth.login('first-password')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(services.auth.login('second-password')).resolves.toBeTruthy();
  });

  it('sessions are random tokens stored as hashes, valid until they expire, ended by logout', async () => {
    const { services, store, clock } = fakeServices();
    await services.auth.ensureAdminPassword('the-password');
    const { token, expiresAt } = await services.auth.login('the-password');
    expect(expiresAt.getTime()).toBe(clock.t + SESSION_TTL_MS);
    expect([...store.s.sessions.keys()]).not.toContain(token);
    expect(await services.auth.authenticate(null, token)).toMatchObject({ kind: 'session' });
    clock.t += SESSION_TTL_MS + 1;
    expect(await services.auth.authenticate(null, token)).toBeNull();
    clock.t -= SESSION_TTL_MS + 1;
    await services.auth.logout(token);
    expect(await services.auth.authenticate(null, token)).toBeNull();
  });

  it('accepts the bearer token; a wrong or malformed Authorization header is refused even with a session', async () => {
    const { services } = fakeServices();
    await services.auth.ensureAdminPassword('the-password');
    const { token } = await services.auth.login('the-password');
    expect(await services.auth.authenticate(`Bearer ${TEST_API_TOKEN}`, undefined)).toEqual({
      kind: 'token',
    });
    expect(await services.auth.authenticate('Bearer nope', token)).toBeNull();
    expect(await services.auth.authenticate(TEST_API_TOKEN, undefined)).toBeNull();
    expect(await services.auth.authenticate(null, undefined)).toBeNull();
    expect(await services.auth.authenticate(null, 'not-a-session')).toBeNull();
  });
});
