// Login attempt limits (docs/api.md, Login limits): per client and global, with exponential backoff. Every
// admitted attempt counts as a failure until the caller reports success, so a burst of parallel attempts cannot
// slip through before the first one fails; a refused attempt costs nothing (no scrypt) and does not extend the
// wait, so someone who waits as told gets in. Pure: the clock is injected.

export interface BackoffPolicy {
  /** Failures in a row admitted without waiting. */
  free: number;
  /** Wait after the `free`-th failure; doubled for each further one. */
  baseMs: number;
  maxMs: number;
  /** Failures are forgotten this long after the wait set by the last one has ended. */
  forgetAfterMs: number;
}

export interface LoginLimiterOptions {
  perClient: BackoffPolicy;
  global: BackoffPolicy;
  /** Client entries kept at most (oldest dropped first); the global limit still holds for the rest. */
  maxClients: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimiterOptions = {
  perClient: { free: 5, baseMs: 1000, maxMs: 15 * 60_000, forgetAfterMs: 15 * 60_000 },
  // Someone spreading guesses over many addresses shares one budget; its wait is short because the admin waits
  // too.
  global: { free: 50, baseMs: 1000, maxMs: 60_000, forgetAfterMs: 15 * 60_000 },
  maxClients: 10_000,
};

interface Entry {
  failures: number;
  lastFailureMs: number;
  lockedUntilMs: number;
}

export type Admission = { ok: true } | { ok: false; retryAfterS: number };

export interface LoginLimiter {
  /** Admits (and counts as a failure) or refuses an attempt by `client`. */
  attempt(client: string): Admission;
  /** The admitted attempt succeeded: the client starts afresh and the global count gives it back. */
  succeeded(client: string): void;
}

const fresh = (): Entry => ({ failures: 0, lastFailureMs: 0, lockedUntilMs: 0 });

function current(e: Entry, policy: BackoffPolicy, now: number): Entry {
  // Counted from the end of the wait, so a client at the longest wait does not start afresh by waiting it out.
  return e.failures > 0 && now - e.lockedUntilMs >= policy.forgetAfterMs ? fresh() : e;
}

/** The wait after the n-th failure in a row: none for the first `free - 1`, then base, 2·base, 4·base … max. */
function waitMs(failures: number, policy: BackoffPolicy): number {
  const over = failures - policy.free;
  return over < 0 ? 0 : Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(over, 40));
}

function fail(e: Entry, policy: BackoffPolicy, now: number): Entry {
  const failures = e.failures + 1;
  return { failures, lastFailureMs: now, lockedUntilMs: now + waitMs(failures, policy) };
}

export function createLoginLimiter(
  now: () => number,
  opts: LoginLimiterOptions = DEFAULT_LOGIN_LIMITS,
): LoginLimiter {
  const clients = new Map<string, Entry>();
  let global = fresh();

  return {
    attempt(client) {
      const t = now();
      global = current(global, opts.global, t);
      const own = current(clients.get(client) ?? fresh(), opts.perClient, t);
      const until = Math.max(own.lockedUntilMs, global.lockedUntilMs);
      if (until > t) return { ok: false, retryAfterS: Math.ceil((until - t) / 1000) };
      global = fail(global, opts.global, t);
      clients.delete(client); // re-insert: Map order is then least recently failed first
      clients.set(client, fail(own, opts.perClient, t));
      if (clients.size > opts.maxClients) {
        const oldest = clients.keys().next().value;
        if (oldest !== undefined) clients.delete(oldest);
      }
      return { ok: true };
    },

    succeeded(client) {
      clients.delete(client);
      if (global.failures > 0) {
        const failures = global.failures - 1;
        global = { ...global, failures, lockedUntilMs: global.lastFailureMs + waitMs(failures, opts.global) };
      }
    },
  };
}
