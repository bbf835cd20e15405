// The one error type of the domain. Services throw it; src/server/trpc/init.ts maps its code to a tRPC code
// and the HTTP handlers to a status, each in one place.
import { NotFound, UniqueViolation, UnreadableMember } from '@sankey/db/errors';

export type AppErrorCode =
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'TOO_MANY_REQUESTS'
  | 'SERVICE_UNAVAILABLE';

// Next bundles instrumentation and each route separately, so one process can hold several copies of this class
// while sharing one app instance: recognise AppErrors by a registered symbol, not by `instanceof`.
const BRAND = Symbol.for('sankey.web.AppError');

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly [BRAND] = true;

  static is(err: unknown): err is AppError {
    return typeof err === 'object' && err !== null && (err as { [BRAND]?: unknown })[BRAND] === true;
  }

  /** With TOO_MANY_REQUESTS: seconds until a retry can succeed (the `Retry-After` header). */
  readonly retryAfterS: number | undefined;
  /**
   * A machine-readable refusal the client acts on (tRPC `error.data.reason`), e.g. the relay's `needs_force` for a
   * stale Open's retry.
   */
  readonly reason: string | undefined;

  constructor(
    readonly code: AppErrorCode,
    message: string,
    options?: { cause?: unknown; retryAfterS?: number; reason?: string },
  ) {
    super(message, options);
    this.retryAfterS = options?.retryAfterS;
    this.reason = options?.reason;
  }
}

export const HTTP_STATUS: Record<AppErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
  SERVICE_UNAVAILABLE: 503,
};

/**
 * Repository errors that can happen in a race (a row vanished or appeared between the service's check and the
 * write) become the matching AppError; anything else is rethrown unchanged.
 */
export function fromDbError(err: unknown, describe: { notFound: string; conflict: string }): never {
  if (err instanceof NotFound) throw new AppError('NOT_FOUND', describe.notFound, { cause: err });
  if (err instanceof UniqueViolation) throw new AppError('CONFLICT', describe.conflict, { cause: err });
  return fromUnreadableMember(err);
}

/**
 * A member whose stored settings do not validate (edited by hand, say) cannot be shown or switched, but it can be
 * overwritten or deleted: CONFLICT saying so; anything else is rethrown unchanged.
 */
export function fromUnreadableMember(err: unknown): never {
  if (err instanceof UnreadableMember) {
    throw new AppError(
      'CONFLICT',
      `member ${err.slaveAccount} of trade group ${err.tradeGroupId} has stored settings that do not parse ` +
        `(${err.detail}); save new settings for it (members.update) or delete it (members.delete)`,
      { cause: err },
    );
  }
  throw err;
}
