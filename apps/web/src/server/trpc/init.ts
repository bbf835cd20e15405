// The one tRPC initialisation (docs/architecture.md, "apps/web"): context, error formatter, and the authenticated
// procedure that also maps AppError codes to tRPC codes — the only place that does.
import { asDatabaseUnavailable } from '@sankey/db/errors';
import { initTRPC, TRPCError } from '@trpc/server';
import type { z } from 'zod';
import type { Services } from '../app';
import { sameOrigin, sessionTokenOf } from '../cookies';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { clientKeyOf } from '../request-guard';
import type { Principal } from '../services/auth';

export interface TrpcContext {
  services: Services;
  log: Logger;
  principal: Principal | null;
  sameOrigin: boolean;
  /** The caller's address, for the password-attempt limits. */
  client: string;
}

export async function createTrpcContext(
  app: { services: Services; log: Logger },
  req: Request,
): Promise<TrpcContext> {
  let principal: Principal | null;
  try {
    principal = await app.services.auth.authenticate(req.headers.get('authorization'), sessionTokenOf(req));
  } catch (err) {
    throw databaseUnavailableError(err) ?? err;
  }
  return {
    services: app.services,
    log: app.log,
    principal,
    sameOrigin: sameOrigin(req),
    client: clientKeyOf(req),
  };
}

/** "slaveSettings.lotMultiplier: must be ≤ 1000; id: must not contain spaces or "/"" */
export function describeZodError(err: { issues: z.core.$ZodIssue[] }): string {
  return err.issues
    .map((i) => `${i.path.length > 0 ? i.path.map(String).join('.') : 'input'}: ${i.message}`)
    .join('; ');
}

/** The ZodError behind an input validation failure (checked structurally: bundles may hold several zod copies). */
export function zodErrorOf(cause: unknown): { issues: z.core.$ZodIssue[] } | null {
  const issues = (cause as { issues?: unknown } | undefined)?.issues;
  return Array.isArray(issues) ? (cause as { issues: z.core.$ZodIssue[] }) : null;
}

const t = initTRPC.context<TrpcContext>().create({
  errorFormatter({ shape, error }) {
    const zod = error.code === 'BAD_REQUEST' ? zodErrorOf(error.cause) : null;
    return {
      ...shape,
      message: zod ? describeZodError(zod) : shape.message,
      data: {
        ...shape.data,
        stack: undefined,
        issues: zod?.issues ?? null,
        // The service's machine-readable refusal (e.g. `needs_force`), so the browser can offer the right action.
        reason: AppError.is(error.cause) ? (error.cause.reason ?? null) : null,
      },
    };
  },
});

export const router = t.router;

/**
 * The database is locked by another process, down or cut off (`@sankey/db/errors`): SERVICE_UNAVAILABLE (503)
 * with "database unavailable (<reason>), retry" instead of a generic 500 (docs/api.md, Errors).
 */
export function databaseUnavailableError(err: unknown): TRPCError | null {
  const unavailable = asDatabaseUnavailable(err);
  return unavailable
    ? new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: unavailable.message, cause: unavailable })
    : null;
}

const mapAppErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && AppError.is(result.error.cause)) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  if (!result.ok && result.error.code === 'INTERNAL_SERVER_ERROR') {
    const unavailable = databaseUnavailableError(result.error.cause);
    if (unavailable) throw unavailable;
  }
  return result;
});

const requireAuth = t.middleware(({ ctx, type, next }) => {
  if (!ctx.principal)
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'missing or wrong bearer token or session' });
  if (ctx.principal.kind === 'session' && type === 'mutation' && !ctx.sameOrigin) {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'cross-site request refused' });
  }
  return next({ ctx: { ...ctx, principal: ctx.principal } });
});

/** Every procedure of the contract needs the bearer token or a session (docs/api.md, Authentication). */
export const authedProcedure = t.procedure.use(mapAppErrors).use(requireAuth);
