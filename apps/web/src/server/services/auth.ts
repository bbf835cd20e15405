// Who may call the API (README §4, D10): API clients with the bearer token, the browser with a session cookie
// obtained by logging in with the admin password. Only a scrypt hash of the password and SHA-256 hashes of
// session tokens are stored.
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { bearerMatches } from '@sankey/shared/api/socket-token';
import { AppError } from '../errors';
import type { Clock, Logger } from '../logger';
import type { Store } from '../store';

export const SESSION_COOKIE = 'sankey_session';
export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

const SCRYPT = { N: 16_384, r: 8, p: 1, keylen: 32 } as const;

function scryptAsync(
  password: string,
  salt: Buffer,
  keylen: number,
  opts: { N: number; r: number; p: number },
) {
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, keylen, { ...opts, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** `scrypt$N$r$p$<salt b64url>$<hash b64url>`: the parameters travel with the hash so they can change later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT.keylen, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  );
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

const sessionId = (token: string) => createHash('sha256').update(token).digest('hex');

export type Principal = { kind: 'token' } | { kind: 'session'; sessionId: string };

export interface AuthDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  apiToken: string;
}

export function createAuthService(deps: AuthDeps) {
  const { store, clock } = deps;
  return {
    /**
     * Start-up: make sure a password hash exists. With `fromEnv` the stored hash follows it (re-hashed and all
     * sessions dropped when it changed); without, a password is generated once and returned so it can be
     * printed once.
     */
    async ensureAdminPassword(fromEnv: string | undefined): Promise<{ generated: string | null }> {
      const stored = await store.admin.getPasswordHash();
      if (fromEnv !== undefined) {
        if (stored === null || !(await verifyPassword(fromEnv, stored))) {
          await store.transaction(async (repos) => {
            await repos.admin.setPasswordHash(await hashPassword(fromEnv));
            if (stored !== null) await repos.admin.deleteAllSessions();
          });
          deps.log.info(
            {},
            stored === null ? 'admin password set from SANKEY_ADMIN_PASSWORD' : 'admin password changed',
          );
        }
        return { generated: null };
      }
      if (stored !== null) return { generated: null };
      const generated = randomBytes(15).toString('base64url');
      await store.admin.setPasswordHash(await hashPassword(generated));
      return { generated };
    },

    /** A new session for the right password; UNAUTHORIZED otherwise. */
    async login(password: string): Promise<{ token: string; expiresAt: Date; maxAgeS: number }> {
      const stored = await store.admin.getPasswordHash();
      if (stored === null || !(await verifyPassword(password, stored))) {
        deps.log.info({}, 'admin login failed');
        throw new AppError('UNAUTHORIZED', 'wrong password');
      }
      const now = clock.now();
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
      await store.admin.deleteExpiredSessions(now);
      await store.admin.createSession({ id: sessionId(token), expiresAt, createdAt: now });
      return { token, expiresAt, maxAgeS: SESSION_TTL_MS / 1000 };
    },

    async logout(token: string | undefined): Promise<void> {
      if (token) await store.admin.deleteSession(sessionId(token));
    },

    /** The caller behind a request's Authorization header or session cookie, or null. */
    async authenticate(
      authorization: string | null,
      sessionToken: string | undefined,
    ): Promise<Principal | null> {
      if (authorization !== null)
        return bearerMatches(authorization, deps.apiToken) ? { kind: 'token' } : null;
      if (!sessionToken) return null;
      const id = sessionId(sessionToken);
      const session = await store.admin.getSession(id, clock.now());
      return session ? { kind: 'session', sessionId: id } : null;
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
