// The Host values the web and relay HTTP servers answer (docs/api.md, Host allow-list). A DNS-rebinding page runs
// in the browser under the attacker's host name, and the browser sends that name in `Host` (a header pages cannot
// set), so refusing unknown names keeps such a page from reading or driving the admin API. Ports are not
// compared: rebinding changes the name, and the relay serves the same names on another port than the web.

/** Names that always reach the local machine. */
export const LOOPBACK_HOSTNAMES = ['localhost', '127.0.0.1', '[::1]'] as const;

/**
 * `SANKEY_PUBLIC_ORIGIN` as accepted by both processes: an http(s) origin without path, query or credentials.
 * Returns a message for the env validation, or null when valid.
 */
export function publicOriginProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an origin like https://copier.example.com';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must start with http:// or https://';
  if (
    url.username ||
    url.password ||
    url.search ||
    url.hash ||
    (url.pathname !== '/' && url.pathname !== '')
  ) {
    return 'must be an origin only (scheme, host and optional port), like https://copier.example.com';
  }
  return null;
}

/** The allowed host names: loopback names plus the public origin's (lowercase, IPv6 in brackets). */
export function allowedHostnames(publicOrigin?: string): ReadonlySet<string> {
  const names = new Set<string>(LOOPBACK_HOSTNAMES);
  if (publicOrigin) names.add(new URL(publicOrigin).hostname.toLowerCase());
  return names;
}

/** The host name of a `Host` header value (`name`, `name:port`, `[v6]:port`), or null when malformed. */
export function hostnameOf(host: string): string | null {
  if (host.length === 0 || host.length > 300 || /[\s/\\?#@]/.test(host)) return null;
  try {
    return new URL(`http://${host}`).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/** Whether a request with this `Host` header may be served (a missing header never is). */
export function hostAllowed(host: string | null | undefined, allowed: ReadonlySet<string>): boolean {
  if (!host) return false;
  const name = hostnameOf(host);
  return name !== null && allowed.has(name);
}
