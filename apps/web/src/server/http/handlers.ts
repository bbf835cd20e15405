// Fetch-API handlers behind the Next routes (app/api/**/route.ts). They take the app explicitly so the tests
// serve exactly the same code from a plain node:http server.
import { asDatabaseUnavailable, DatabaseUnavailable } from '@sankey/db/errors';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { Services } from '../app';
import { clearedSessionCookie, sameOrigin, sessionCookie, sessionTokenOf } from '../cookies';
import { AppError, HTTP_STATUS } from '../errors';
import type { Logger } from '../logger';
import { outageMeter } from '../outage';
import { clientKeyOf } from '../request-guard';
import { createTrpcContext, describeZodError, zodErrorOf } from '../trpc/init';
import { appRouter } from '../trpc/router';

export interface HandlerApp {
  services: Services;
  log: Logger;
}

const EXPECTED = new Set([
  'TOO_MANY_REQUESTS',
  'BAD_REQUEST',
  'NOT_FOUND',
  'CONFLICT',
  'UNAUTHORIZED',
  'PARSE_ERROR',
  'METHOD_NOT_SUPPORTED',
]);

export function handleTrpc(req: Request, app: HandlerApp): Promise<Response> {
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: () => createTrpcContext(app, req),
    // A rate-limited call (auth.changePassword) says when to retry, as the login endpoint does.
    responseMeta({ errors }) {
      const retry = errors
        .map((e) => (AppError.is(e.cause) ? e.cause.retryAfterS : undefined))
        .find((s) => s !== undefined);
      return retry === undefined ? {} : { headers: new Headers({ 'retry-after': String(retry) }) };
    },
    onError({ error, path, type }) {
      if (EXPECTED.has(error.code)) {
        const zod = zodErrorOf(error.cause);
        const message = zod ? describeZodError(zod) : error.message;
        app.log.info({ path, type, code: error.code, message }, 'request refused');
      } else if (error.code === 'SERVICE_UNAVAILABLE' && error.cause instanceof DatabaseUnavailable) {
        outageMeter().refused(error.cause.reason, path ?? 'trpc', app.log);
      } else if (error.code === 'SERVICE_UNAVAILABLE') {
        app.log.warn({ path, type, code: error.code, message: error.message }, 'request refused');
      } else app.log.error({ path, type, code: error.code, err: error.cause ?? error }, 'request failed');
    },
  });
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** `to` is always a same-origin path, kept relative so it also works behind a proxy. */
const redirect = (to: string, headers: Record<string, string> = {}) =>
  new Response(null, { status: 303, headers: { location: to, ...headers } });

/** Same-origin path to go to after login (never an absolute URL: no open redirect). */
const safeNext = (value: unknown) =>
  typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : '/';

/**
 * POST /api/auth/login. A form post (the login page) gets a redirect, a JSON post `{password}` gets JSON.
 * Sets the HttpOnly session cookie on success.
 */
export async function handleLogin(req: Request, app: HandlerApp): Promise<Response> {
  const isJson = (req.headers.get('content-type') ?? '').includes('application/json');
  let password: unknown;
  let next = '/';
  try {
    if (isJson) {
      password = ((await req.json()) as { password?: unknown } | null)?.password;
    } else {
      const form = await req.formData();
      password = form.get('password');
      next = safeNext(form.get('next'));
    }
  } catch {
    return json(400, { error: 'BAD_REQUEST', message: 'password: expected a form or JSON body' });
  }
  if (!sameOrigin(req)) return json(401, { error: 'UNAUTHORIZED', message: 'cross-site request refused' });
  if (typeof password !== 'string' || password.length === 0) {
    return isJson
      ? json(400, { error: 'BAD_REQUEST', message: 'password: required' })
      : redirect('/login?error=1');
  }
  if (password.length > 1024) {
    return isJson
      ? json(400, { error: 'BAD_REQUEST', message: 'password: must be at most 1024 characters' })
      : redirect('/login?error=1');
  }
  try {
    const { token, expiresAt, maxAgeS } = await app.services.auth.login(password, clientKeyOf(req));
    const cookie = sessionCookie(req, token, maxAgeS);
    return isJson
      ? json(200, { ok: true, expiresAt: expiresAt.toISOString() }, { 'set-cookie': cookie })
      : redirect(next, { 'set-cookie': cookie });
  } catch (err) {
    if (AppError.is(err)) {
      const retry: Record<string, string> =
        err.retryAfterS === undefined ? {} : { 'retry-after': String(err.retryAfterS) };
      if (isJson) return json(HTTP_STATUS[err.code], { error: err.code, message: err.message }, retry);
      // The form shows "too many attempts, wait N s" instead of "wrong password".
      const reason = err.retryAfterS === undefined ? 'error=1' : `error=limited&retry=${err.retryAfterS}`;
      return redirect(`/login?${reason}${next === '/' ? '' : `&next=${encodeURIComponent(next)}`}`, retry);
    }
    // The session could not be stored: the database is locked or away (docs/api.md, Errors).
    const unavailable = asDatabaseUnavailable(err);
    if (unavailable) {
      outageMeter().refused(unavailable.reason, 'login', app.log);
      return isJson
        ? json(503, { error: 'SERVICE_UNAVAILABLE', message: unavailable.message }, { 'retry-after': '1' })
        : redirect(`/login?error=1${next === '/' ? '' : `&next=${encodeURIComponent(next)}`}`);
    }
    throw err;
  }
}

/** POST /api/auth/logout: ends the session and clears the cookie. */
export async function handleLogout(req: Request, app: HandlerApp): Promise<Response> {
  await app.services.auth.logout(sessionTokenOf(req));
  const isJson = (req.headers.get('accept') ?? '').includes('application/json');
  const headers = { 'set-cookie': clearedSessionCookie() };
  return isJson ? json(200, { ok: true }, headers) : redirect('/login', headers);
}

/** GET /api/ea/sankey_copier.ini (session or bearer token). */
export async function handleIni(req: Request, app: HandlerApp): Promise<Response> {
  const who = await app.services.auth.authenticate(req.headers.get('authorization'), sessionTokenOf(req));
  if (!who) return json(401, { error: 'UNAUTHORIZED', message: 'missing or wrong bearer token or session' });
  const ini = await app.services.system.ini();
  return new Response(ini, {
    status: 200,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'content-disposition': 'attachment; filename="sankey_copier.ini"',
      'cache-control': 'no-store',
    },
  });
}

/** GET /api/metrics: the web app's Prometheus text (database outages; the relay has its own /metrics). */
export async function handleMetrics(): Promise<Response> {
  const { registry } = outageMeter();
  return new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType } });
}
