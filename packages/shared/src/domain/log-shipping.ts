// Where EAs ship their logs (docs/protocol.md §6.3 step 2, §3.6): the one rule the web's validation and the
// relay's GlobalConfigMessage both use. With an empty host no GlobalConfigMessage is ever sent.
const utf8 = new TextEncoder();

export const LOG_INSERT_PATH = '/insert/jsonline?_stream_fields=source';
/** The EA keeps at most this many bytes of the endpoint (docs/protocol.md §3.6). */
export const MAX_LOG_ENDPOINT_BYTES = 63;

/** The endpoint for a configured host (trailing slashes dropped), or null when none is set. */
export function logEndpoint(host: string): string | null {
  const h = host.trim();
  return h === '' ? null : h.replace(/\/+$/, '') + LOG_INSERT_PATH;
}

export const logEndpointBytes = (endpoint: string): number => utf8.encode(endpoint).length;
