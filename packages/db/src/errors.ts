// Typed errors of the database layer. Repositories translate Prisma's error codes into these once, so services
// map them to API errors (CONFLICT, NOT_FOUND) without knowing Prisma.

export class DbError extends Error {
  override name = 'DbError';
}

/** A unique constraint was violated (Prisma P2002), e.g. a duplicate trade group or (group, slave) member. */
export class UniqueViolation extends DbError {
  override name = 'UniqueViolation';
  /** The code the cause carried (Prisma P2002, libsql SQLITE_CONSTRAINT_UNIQUE, PostgreSQL 23505), if any. */
  readonly code?: string;
  constructor(
    readonly entity: string,
    readonly key: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(`${entity} already exists: ${JSON.stringify(key)}`, options);
    const code = (options?.cause as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string') this.code = code;
  }
}

/** The row to read, change or reference does not exist (Prisma P2025, or a foreign key violation P2003). */
export class NotFound extends DbError {
  override name = 'NotFound';
  constructor(
    readonly entity: string,
    readonly key: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(`${entity} not found: ${JSON.stringify(key)}`, options);
  }
}

/** A JSON column holds a value that does not match its zod schema. */
export class CorruptRow extends DbError {
  override name = 'CorruptRow';
}

/**
 * A member row whose stored settings do not validate (e.g. edited by hand). It can still be overwritten or
 * deleted; reading it fails with this error, which names the member.
 */
export class UnreadableMember extends CorruptRow {
  override name = 'UnreadableMember';
  constructor(
    readonly tradeGroupId: string,
    readonly slaveAccount: string,
    readonly detail: string,
  ) {
    super(`trade_group_members ${tradeGroupId}/${slaveAccount}: invalid slaveSettings: ${detail}`);
  }
}

/** Applying committed migrations failed. */
export class MigrationError extends DbError {
  override name = 'MigrationError';
}

/**
 * The Prisma error code of `err`, if it is a known request error. Checked structurally because the SQLite and
 * PostgreSQL clients are generated separately and each has its own error class.
 */
export function prismaErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { name?: unknown; code?: unknown };
  return e.name === 'PrismaClientKnownRequestError' && typeof e.code === 'string' ? e.code : undefined;
}

/** Rethrows P2002 as UniqueViolation, P2025/P2003 as NotFound, anything else unchanged. */
export function translatePrismaError(
  err: unknown,
  entity: string,
  key: Record<string, unknown>,
  referenced?: { entity: string; key: Record<string, unknown> },
): never {
  switch (prismaErrorCode(err)) {
    case 'P2002':
      throw new UniqueViolation(entity, key, { cause: err });
    case 'P2025':
      throw new NotFound(entity, key, { cause: err });
    case 'P2003':
      throw referenced
        ? new NotFound(referenced.entity, referenced.key, { cause: err })
        : new NotFound(entity, key, { cause: err });
    default:
      throw err;
  }
}

/** Why the database cannot be used right now: a lock held elsewhere, a timeout, or the server cannot be reached. */
export type UnavailableReason = 'locked' | 'timeout' | 'unreachable';

/**
 * The database is there but cannot serve this request now (SQLite locked by another process, PostgreSQL down or
 * cut off, a timeout waiting for either). Retrying later can succeed; callers answer 503 / SERVICE_UNAVAILABLE
 * or keep the write buffered and retry (docs/decisions.md, "When the database is unavailable").
 */
export class DatabaseUnavailable extends DbError {
  override name = 'DatabaseUnavailable';
  constructor(
    readonly reason: UnavailableReason,
    options?: { cause?: unknown },
  ) {
    super(`database unavailable (${reason}), retry`, options);
  }
}

const LOCKED_CODES = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_TIMEOUT']);
const TIMEOUT_CODES = new Set([
  // Prisma: operation timed out (a driver's SQLITE_BUSY becomes this), server timed out, pool timeout.
  'P1008',
  'P1002',
  'P2024',
  'ETIMEDOUT',
  // PostgreSQL: statement cancelled by statement_timeout / lock_timeout.
  '57014',
  '55P03',
]);
const UNREACHABLE_CODES = new Set([
  // Prisma: can't reach the server, the server closed the connection.
  'P1001',
  'P1017',
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // PostgreSQL: admin shutdown, crash shutdown, cannot connect now, too many connections.
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
const LOCKED_MESSAGE = /database is locked|database table is locked|SQLITE_BUSY|SQLITE_LOCKED/i;
const UNREACHABLE_MESSAGE =
  /ECONNREFUSED|ECONNRESET|Connection terminated|Can't reach database server|server closed the connection|connection (?:is )?closed|Client has encountered a connection error/i;
const TIMEOUT_MESSAGE =
  /Operation has timed out|timed out|timeout exceeded|Unable to start a transaction in the given time|expired transaction|Transaction already closed/i;

const ALREADY_CLASSIFIED = /^database unavailable \((locked|timeout|unreachable)\), retry$/;

function reasonOf(e: { code?: unknown; message?: unknown; name?: unknown }): UnavailableReason | null {
  // One that crossed a thread boundary as name and message (the relay's database worker).
  const classified = typeof e.message === 'string' ? ALREADY_CLASSIFIED.exec(e.message) : null;
  if (classified) return classified[1] as UnavailableReason;
  const code = typeof e.code === 'string' || typeof e.code === 'number' ? String(e.code) : '';
  // PostgreSQL's connection exception class (08xxx): the connection failed or was refused.
  if (LOCKED_CODES.has(code)) return 'locked';
  if (UNREACHABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return 'unreachable';
  if (TIMEOUT_CODES.has(code)) return 'timeout';
  const message = typeof e.message === 'string' ? e.message : '';
  if (LOCKED_MESSAGE.test(message)) return 'locked';
  if (UNREACHABLE_MESSAGE.test(message)) return 'unreachable';
  // P2028 (transaction API) is a timeout only when it says so; a timed-out call to the relay's database worker
  // (StorageTimeoutError) carries ETIMEDOUT above.
  if (TIMEOUT_MESSAGE.test(message)) return 'timeout';
  return null;
}

/**
 * `err` as DatabaseUnavailable when it (or an error it wraps, up to 4 levels of `cause`) says the database cannot
 * be reached or is locked or timed out, for SQLite (libsql) and PostgreSQL (pg) alike, through Prisma or not, and
 * after crossing the relay's worker boundary (name, message and code survive it). Anything else: null.
 */
export function asDatabaseUnavailable(err: unknown): DatabaseUnavailable | null {
  if (err instanceof DatabaseUnavailable) return err;
  for (let e: unknown = err, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    const o = e as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown; reason?: unknown };
    if (o.name === 'DatabaseUnavailable' && typeof o.reason === 'string') {
      return new DatabaseUnavailable(o.reason as UnavailableReason, { cause: err });
    }
    // Prisma keeps the driver's own error in meta: SQLITE_BUSY arrives as P1008 "Operation has timed out" with
    // originalMessage "database is locked", which says more than the code.
    const driver = (o as { meta?: { driverAdapterError?: { cause?: { originalMessage?: unknown } } } }).meta
      ?.driverAdapterError?.cause;
    const reason = (driver && reasonOf({ message: driver.originalMessage })) ?? reasonOf(o);
    if (reason) return new DatabaseUnavailable(reason, { cause: err });
    e = o.cause;
  }
  return null;
}
