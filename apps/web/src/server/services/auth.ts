// Who may call the API (docs/api.md, Authentication; docs/protocol.md D10): API clients with the bearer token, the browser with a session cookie
// obtained by logging in with the admin password. Only a scrypt hash of the password and SHA-256 hashes of
// session tokens are stored. Password checks go through the login limiter first, so a refused attempt never
// computes scrypt (docs/api.md, Login limits).
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { bearerMatches } from '@sankey/shared/api/socket-token';
import type { ApiTokenHolder } from '../api-token';
import { AppError } from '../errors';
import type { Clock, Logger } from '../logger';
import type { RelayClient } from '../relay-client';
import type { Store } from '../store';
import { createLoginLimiter, type LoginLimiter } from './login-limiter';

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
  relay: RelayClient;
  clock: Clock;
  log: Logger;
  tokens: ApiTokenHolder;
  /** Defaults to the documented limits over `clock`. */
  limiter?: LoginLimiter;
}

/** Who is trying a password, for the per-client limit: the caller's address (see handlers.ts). */
export type ClientKey = string;

export function createAuthService(deps: AuthDeps) {
  const { store, clock } = deps;
  const limiter = deps.limiter ?? createLoginLimiter(() => clock.now().getTime());
  let passwordFromEnv = false;

  /** The limiter, then scrypt; `wrong` (or TOO_MANY_REQUESTS) when it is not the password. */
  async function checkPassword(password: string, client: ClientKey, wrong: () => AppError): Promise<void> {
    const admission = limiter.attempt(client);
    if (!admission.ok) {
      deps.log.info({ client, retryAfterS: admission.retryAfterS }, 'password attempt refused (rate limit)');
      throw new AppError(
        'TOO_MANY_REQUESTS',
        `too many wrong passwords; try again in ${admission.retryAfterS} s`,
        { retryAfterS: admission.retryAfterS },
      );
    }
    const stored = await store.admin.getPasswordHash();
    if (stored === null || !(await verifyPassword(password, stored))) {
      deps.log.info({ client }, 'admin password check failed');
      throw wrong();
    }
    limiter.succeeded(client);
  }

  /** Tells the relay to drop these sessions' sockets; a relay that is down is only logged (tokens expire). */
  async function revokeAtRelay(sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    if (!(await deps.relay.revokeSessions(sessionIds))) {
      deps.log.warn(
        { sessions: sessionIds.length },
        'relay not told about ended sessions (unreachable); their socket tokens expire within 5 minutes',
      );
    }
  }

  return {
    /**
     * Start-up: make sure a password hash exists. With `fromEnv` the stored hash follows it (re-hashed and all
     * sessions dropped when it changed); without, a password is generated once and returned so it can be
     * printed once.
     */
    async ensureAdminPassword(fromEnv: string | undefined): Promise<{ generated: string | null }> {
      const stored = await store.admin.getPasswordHash();
      passwordFromEnv = fromEnv !== undefined;
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

    /** A new session for the right password; UNAUTHORIZED, or TOO_MANY_REQUESTS while the client must wait. */
    async login(
      password: string,
      client: ClientKey = 'unknown',
    ): Promise<{ token: string; expiresAt: Date; maxAgeS: number }> {
      await checkPassword(password, client, () => new AppError('UNAUTHORIZED', 'wrong password'));
      const now = clock.now();
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
      await store.admin.deleteExpiredSessions(now);
      await store.admin.createSession({ id: sessionId(token), expiresAt, createdAt: now });
      return { token, expiresAt, maxAgeS: SESSION_TTL_MS / 1000 };
    },

    /** Ends the session and has the relay close its socket.io connections. */
    async logout(token: string | undefined): Promise<void> {
      if (!token) return;
      const id = sessionId(token);
      await store.admin.deleteSession(id);
      await revokeAtRelay([id]);
    },

    /**
     * `auth.changePassword`: needs the current password (rate-limited like a login), ends every other session
     * (and their sockets). Refused while SANKEY_ADMIN_PASSWORD sets the password: the environment wins (docs/architecture.md, Processes, ports and environment).
     */
    async changePassword(
      principal: Principal,
      input: { currentPassword: string; newPassword: string },
      client: ClientKey,
    ): Promise<{ ok: true; sessionsEnded: number }> {
      if (passwordFromEnv) {
        throw new AppError(
          'CONFLICT',
          'the admin password is set by SANKEY_ADMIN_PASSWORD; change it there and restart',
        );
      }
      // BAD_REQUEST naming the field, not UNAUTHORIZED: the caller is signed in, only the form is wrong.
      await checkPassword(
        input.currentPassword,
        client,
        () => new AppError('BAD_REQUEST', 'currentPassword: wrong password'),
      );
      const hash = await hashPassword(input.newPassword);
      const keep = principal.kind === 'session' ? principal.sessionId : null;
      const ended = await store.transaction(async (repos) => {
        await repos.admin.setPasswordHash(hash);
        return repos.admin.deleteOtherSessions(keep);
      });
      deps.log.info({ sessionsEnded: ended.length }, 'admin password changed');
      await revokeAtRelay(ended);
      return { ok: true, sessionsEnded: ended.length };
    },

    /**
     * `system.rotateApiToken`: a new API token in secrets.json, returned once. The old one stops working here at
     * once and at the relay on its next request with the new one (it re-reads secrets.json on an unknown token),
     * which also closes the sockets the old token authenticated.
     */
    async rotateApiToken(): Promise<{ apiToken: string }> {
      if (deps.tokens.fromEnv) {
        throw new AppError(
          'CONFLICT',
          'the API token is set by SANKEY_API_TOKEN; change it there and restart both processes',
        );
      }
      const apiToken = deps.tokens.rotate();
      deps.log.info({}, 'API token rotated');
      if ((await deps.relay.status()) === null) {
        deps.log.warn({}, 'relay not reached with the new API token; it reads it from secrets.json on start');
      }
      return { apiToken };
    },

    /** The caller behind a request's Authorization header or session cookie, or null. */
    async authenticate(
      authorization: string | null,
      sessionToken: string | undefined,
    ): Promise<Principal | null> {
      if (authorization !== null)
        return bearerMatches(authorization, deps.tokens.current()) ? { kind: 'token' } : null;
      if (!sessionToken) return null;
      const id = sessionId(sessionToken);
      const session = await store.admin.getSession(id, clock.now());
      return session ? { kind: 'session', sessionId: id } : null;
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
