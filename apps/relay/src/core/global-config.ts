// GlobalConfigMessage (docs/protocol.md §6.3 step 2, §3.6): where EAs ship their logs.
import { logEndpoint } from '@sankey/shared/domain/log-shipping';
import type { LogShipping } from '@sankey/shared/domain/settings';
import type { GlobalConfigMessage } from '@sankey/shared/protocol/messages';

/** RFC 3339 with a `+00:00` offset, as the original sends it. */
const rfc3339 = (d: Date) => d.toISOString().replace('Z', '+00:00');

/** With an empty host no GlobalConfigMessage is ever sent; otherwise the configured level on every path. */
export function globalConfigMessage(settings: LogShipping, now: Date): GlobalConfigMessage | null {
  const endpoint = logEndpoint(settings.host);
  if (endpoint === null) return null;
  return {
    enabled: settings.enabled,
    endpoint,
    batch_size: settings.batchSize,
    flush_interval_secs: settings.flushIntervalSecs,
    log_level: settings.logLevel,
    timestamp: rfc3339(now),
  };
}
