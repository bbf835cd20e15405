// Minimal cookie helpers for the session cookie (HttpOnly, SameSite=Lax).
import { SESSION_COOKIE } from './services/auth';

export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export const sessionTokenOf = (req: Request): string | undefined =>
  readCookie(req.headers.get('cookie'), SESSION_COOKIE);

/** `Secure` only over HTTPS, so the cookie also works on plain http://127.0.0.1. */
const secure = (req: Request) =>
  new URL(req.url).protocol === 'https:' || req.headers.get('x-forwarded-proto') === 'https';

export function sessionCookie(req: Request, token: string, maxAgeS: number): string {
  return [
    `${SESSION_COOKIE}=${encodeURIComponent(token)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${maxAgeS}`,
    ...(secure(req) ? ['Secure'] : []),
  ].join('; ');
}

export const clearedSessionCookie = (): string =>
  `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;

/**
 * Browsers send Origin on cross-site POSTs; a cookie-authenticated mutation must come from our own origin
 * (SameSite=Lax already blocks most, this closes the rest).
 */
export function sameOrigin(req: Request): boolean {
  const origin = req.headers.get('origin');
  if (!origin) return true;
  const host = req.headers.get('x-forwarded-host') ?? req.headers.get('host');
  try {
    return host !== null && new URL(origin).host === host;
  } catch {
    return false;
  }
}
