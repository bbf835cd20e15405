import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeRelayClient } from '../../testing/fake-relay';
import { FakeStore } from '../../testing/fake-store';
import { emptyHistory, fakeServices, TEST_API_TOKEN } from '../../testing/services';
import { createApiTokenHolder } from '../api-token';
import { createServices } from '../app';
import { silentLogger } from '../logger';
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

  it('refuses attempts over the limit without looking at the password, with a growing wait', async () => {
    const { services, store, clock } = fakeServices();
    await services.auth.ensureAdminPassword('the-password');
    let hashReads = 0;
    const read = store.admin.getPasswordHash;
    store.admin.getPasswordHash = () => {
      hashReads++;
      return read();
    };
    for (let i = 0; i < 5; i++) {
      await expect(services.auth.login('wrong', '10.0.0.1')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    }
    expect(hashReads).toBe(5);
    await expect(services.auth.login('the-password', '10.0.0.1')).rejects.toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      retryAfterS: 1,
    });
    expect(hashReads).toBe(5);
    // another client is not held up by this one
    await expect(services.auth.login('the-password', '10.0.0.2')).resolves.toBeTruthy();
    clock.t += 1000;
    await expect(services.auth.login('wrong', '10.0.0.1')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(services.auth.login('wrong', '10.0.0.1')).rejects.toMatchObject({ retryAfterS: 2 });
    clock.t += 2000;
    await expect(services.auth.login('the-password', '10.0.0.1')).resolves.toBeTruthy();
  });

  it('logout tells the relay to drop the session’s sockets', async () => {
    const { services, relay, store } = fakeServices();
    await services.auth.ensureAdminPassword('the-password');
    const { token } = await services.auth.login('the-password');
    const [id] = store.s.sessions.keys();
    await services.auth.logout(token);
    expect(relay.revoked).toEqual([[id]]);
    // with the relay down, logout still ends the session
    const second = await services.auth.login('the-password');
    relay.reachable = false;
    await services.auth.logout(second.token);
    expect(await services.auth.authenticate(null, second.token)).toBeNull();
  });

  it('changes the password with the current one, ending the other sessions (and their sockets)', async () => {
    const { services, relay, store } = fakeServices();
    // stored, not from SANKEY_ADMIN_PASSWORD
    await store.admin.setPasswordHash(await hashPassword('old-password'));
    await services.auth.ensureAdminPassword(undefined);
    const hash = store.s.passwordHash;
    const mine = await services.auth.login('old-password');
    const other = await services.auth.login('old-password');
    const me = await services.auth.authenticate(null, mine.token);
    const otherId = (await services.auth.authenticate(null, other.token)) as { sessionId: string };
    if (me?.kind !== 'session') throw new Error('expected a session');
    await expect(
      services.auth.changePassword(me, { currentPassword: 'wrong', newPassword: 'new-password' }, 'c'),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'currentPassword: wrong password' });
    await expect(
      services.auth.changePassword(me, { currentPassword: 'old-password', newPassword: 'new-password' }, 'c'),
    ).resolves.toEqual({ ok: true, sessionsEnded: 1 });
    expect(store.s.passwordHash).not.toBe(hash);
    expect(await services.auth.authenticate(null, mine.token)).toMatchObject({ kind: 'session' });
    expect(await services.auth.authenticate(null, other.token)).toBeNull();
    expect(relay.revoked).toEqual([[otherId.sessionId]]);
    await expect(services.auth.login('old-password')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(services.auth.login('new-password')).resolves.toBeTruthy();
  });

  it('refuses a password change while SANKEY_ADMIN_PASSWORD sets it', async () => {
    const { services } = fakeServices();
    await services.auth.ensureAdminPassword('env-password');
    await expect(
      services.auth.changePassword(
        { kind: 'token' },
        { currentPassword: 'env-password', newPassword: 'new-password' },
        'c',
      ),
    ).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/SANKEY_ADMIN_PASSWORD/) });
  });

  it('rotates the API token into secrets.json; refused when it comes from SANKEY_API_TOKEN', async () => {
    const { services } = fakeServices();
    await expect(services.auth.rotateApiToken()).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/SANKEY_API_TOKEN/),
    });
    const dir = mkdtempSync(join(tmpdir(), 'sankey-auth-'));
    try {
      const tokens = createApiTokenHolder({ initial: TEST_API_TOKEN, fromEnv: false, dataDir: dir });
      const store = new FakeStore();
      const rotating = createServices({
        store,
        history: emptyHistory(store),
        relay: new FakeRelayClient(),
        clock: { now: () => new Date() },
        log: silentLogger,
        apiToken: TEST_API_TOKEN,
        webPort: 3000,
        dataDir: dir,
        apiTokens: tokens,
      });
      const { apiToken } = await rotating.auth.rotateApiToken();
      expect(apiToken).not.toBe(TEST_API_TOKEN);
      expect(JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8'))).toEqual({ apiToken });
      expect(await rotating.auth.authenticate(`Bearer ${TEST_API_TOKEN}`, undefined)).toBeNull();
      expect(await rotating.auth.authenticate(`Bearer ${apiToken}`, undefined)).toEqual({ kind: 'token' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
