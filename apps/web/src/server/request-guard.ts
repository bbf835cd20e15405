// Checks every request to the web app passes before anything else (proxy.ts for Next, the test server for the
// HTTP tests): the Host allow-list (docs/api.md, Host allow-list) against DNS rebinding, and the client key the
// login limits count by.
import { allowedHostnames, hostAllowed } from '@sankey/shared/api/host-allow-list';

/**
 * The 403 for a request whose `Host` (or `X-Forwarded-Host`, which Next fills from Host) is not ours, else null.
 * A rebinding page may add its own X-Forwarded-Host, so that header is checked too rather than trusted.
 */
export function refuseForeignHost(req: Request, allowed: ReadonlySet<string>): Response | null {
  const host = req.headers.get('host');
  const forwarded = req.headers.get('x-forwarded-host');
  if (hostAllowed(host, allowed) && (forwarded === null || hostAllowed(forwarded, allowed))) return null;
  return new Response(
    JSON.stringify({
      error: 'FORBIDDEN',
      message: 'unknown Host; open the app at localhost or the configured SANKEY_PUBLIC_ORIGIN',
    }),
    { status: 403, headers: { 'content-type': 'application/json' } },
  );
}

export { allowedHostnames };

/**
 * Who the per-client login limit counts: the address the nearest hop saw, i.e. the last X-Forwarded-For entry
 * (Next sets the header to the socket's address when the request has none). A client talking to Next directly can
 * choose it; the global limit bounds that case (docs/decisions.md).
 */
export function clientKeyOf(req: Request): string {
  const xff = req.headers.get('x-forwarded-for');
  const last = xff?.split(',').pop()?.trim();
  return last ? last.slice(0, 64) : 'unknown';
}
