// Runs before every route, pages and API alike (no matcher): requests for a Host that is neither a loopback name
// nor SANKEY_PUBLIC_ORIGIN's are refused with 403, so a DNS-rebinding page cannot use the app (docs/api.md,
// Host allow-list). The check itself lives in src/server/request-guard.ts, which the HTTP tests also run.
import { env } from '@/server/env';
import { allowedHostnames, refuseForeignHost } from '@/server/request-guard';

let allowed: ReadonlySet<string> | undefined;

export function proxy(request: Request): Response | undefined {
  allowed ??= allowedHostnames(env().publicOrigin);
  return refuseForeignHost(request, allowed) ?? undefined;
}
