// Typed errors of the database layer. Repositories translate Prisma's error codes into these once, so services
// map them to API errors (CONFLICT, NOT_FOUND) without knowing Prisma.

export class DbError extends Error {
  override name = 'DbError';
}

/** A unique constraint was violated (Prisma P2002), e.g. a duplicate trade group or (group, slave) member. */
export class UniqueViolation extends DbError {
  override name = 'UniqueViolation';
  constructor(
    readonly entity: string,
    readonly key: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(`${entity} already exists: ${JSON.stringify(key)}`, options);
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
