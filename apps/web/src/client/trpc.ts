// The browser's tRPC client: plain JSON over /api/trpc (no transformer), authenticated by the session cookie.

import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { AppRouter } from '@/server/trpc/router';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export type ApiClient = ReturnType<typeof createApiClient>;

export function createApiClient(baseUrl = '') {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${baseUrl}/api/trpc`,
        fetch: (url, init) => fetch(url, { ...init, credentials: 'same-origin' }),
      }),
    ],
  });
}

/** The tRPC error code (`UNAUTHORIZED`, `BAD_REQUEST`, …) of a failed call, if it is one. */
export function errorCode(err: unknown): string | null {
  if (err instanceof TRPCClientError) {
    const code = (err.data as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? code : null;
  }
  return null;
}

/** The server's machine-readable refusal (`error.data.reason`, e.g. `needs_force`), if it gave one. */
export function errorReason(err: unknown): string | null {
  if (err instanceof TRPCClientError) {
    const reason = (err.data as { reason?: unknown } | undefined)?.reason;
    return typeof reason === 'string' ? reason : null;
  }
  return null;
}

/** The server's human-readable message (it names the field for BAD_REQUEST). */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Send the browser to the login page when the session is gone. */
export function redirectIfUnauthorized(err: unknown): boolean {
  if (errorCode(err) !== 'UNAUTHORIZED' || typeof window === 'undefined') return false;
  const next = window.location.pathname + window.location.search;
  window.location.assign(`/login?next=${encodeURIComponent(next)}`);
  return true;
}
