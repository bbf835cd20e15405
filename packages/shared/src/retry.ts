// Failure classes and retry timing (docs/protocol.md D20): transient failures are retried with exponential backoff
// and ±20 % jitter up to a bound; permanent ones (and exhausted retries) are surfaced, never swallowed. The clock
// and the randomness are injected so tests can check the exact delays.

export type FailureClass = 'transient' | 'permanent';

/** Error codes that name a condition that may pass by itself (locks, timeouts, connections, overload). */
const TRANSIENT_CODES = new Set([
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_BUSY_SNAPSHOT',
  'SQLITE_BUSY_TIMEOUT',
  'ETIMEDOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  // Prisma: can't reach / timed out / pool timeout / transaction API timeouts / write conflict or deadlock.
  'P1001',
  'P1002',
  'P1008',
  'P1017',
  'P2024',
  'P2028',
  'P2034',
  // PostgreSQL: serialization failure, deadlock, too many connections, admin shutdown, cannot connect now.
  '40001',
  '40P01',
  '53300',
  '57P01',
  '57P03',
]);

const TRANSIENT_MESSAGE =
  /timed out|timeout|database is locked|database unavailable|SQLITE_BUSY|ECONNRESET|ECONNREFUSED|socket hang up/i;

/**
 * Classifies an error: transient when its code (or its cause's) names a passing condition, when it is an HTTP
 * 5xx/429, or when its message says timeout/locked; everything else (constraint and encoding errors, 4xx) is
 * permanent.
 */
export function classifyFailure(err: unknown): FailureClass {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    if (typeof e !== 'object') break;
    const o = e as {
      code?: unknown;
      status?: unknown;
      statusCode?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (typeof o.code === 'string' && TRANSIENT_CODES.has(o.code)) return 'transient';
    const status =
      typeof o.status === 'number' ? o.status : typeof o.statusCode === 'number' ? o.statusCode : 0;
    if (status >= 500 || status === 429 || status === 408) return 'transient';
    if (status >= 400) return 'permanent';
    if (typeof o.message === 'string' && TRANSIENT_MESSAGE.test(o.message)) return 'transient';
    e = o.cause;
  }
  return 'permanent';
}

export interface BackoffPolicy {
  /** Delay before the first retry. */
  baseMs: number;
  /** Upper bound of one delay (before jitter). */
  maxMs: number;
  /** Total attempts, the first included. */
  maxAttempts: number;
  /** ± fraction applied to each delay (0.2 = ±20 %). */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 100, maxMs: 30_000, maxAttempts: 8, jitter: 0.2 };

/**
 * The delay after failed attempt `attempt` (1-based): base·2^(attempt−1), capped, times (1 ± jitter) with `random`
 * in [0, 1) mapping linearly onto [1 − jitter, 1 + jitter).
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (1 - policy.jitter + 2 * policy.jitter * random()));
}

export interface RetryDeps {
  sleep(ms: number): Promise<void>;
  random(): number;
}

export const realRetryDeps: RetryDeps = {
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  random: Math.random,
};

export class RetryExhaustedError extends Error {
  override readonly name = 'RetryExhaustedError';
  constructor(
    readonly attempts: number,
    readonly failureClass: FailureClass,
    options: { cause: unknown },
  ) {
    super(`gave up after ${attempts} attempt(s) (${failureClass})`, options);
  }
}

/**
 * Runs `fn`, retrying transient failures per `policy`. A permanent failure or the last transient one rejects with
 * `RetryExhaustedError` (cause = the last error). `onRetry` sees each scheduled retry (for metrics and logs).
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  deps: RetryDeps = realRetryDeps,
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const cls = classifyFailure(error);
      if (cls === 'permanent' || attempt >= policy.maxAttempts) {
        throw new RetryExhaustedError(attempt, cls, { cause: error });
      }
      const delayMs = backoffDelay(attempt, policy, deps.random);
      onRetry?.({ attempt, delayMs, error });
      await deps.sleep(delayMs);
    }
  }
}
