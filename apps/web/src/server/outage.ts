// The web app's count of database outages (issue 14, "Database trouble"; docs/api.md, Errors): every request it
// refuses because the database is locked, timing out or unreachable is counted by reason in
// `sankey_web_database_unavailable_total` (GET /api/metrics, Prometheus text), and logged once when an outage
// starts — the first refusal after `quietMs` without one — instead of once per refused request.
import type { UnavailableReason } from '@sankey/db/errors';
import { Counter, Registry } from 'prom-client';
import type { Logger } from './logger';

export interface OutageMeter {
  readonly registry: Registry;
  /** One request refused with 503 database unavailable. */
  refused(reason: UnavailableReason, what: string, log: Logger): void;
}

export function createOutageMeter(opts: { quietMs?: number; now?: () => number } = {}): OutageMeter {
  const quietMs = opts.quietMs ?? 10_000;
  const now = opts.now ?? Date.now;
  const registry = new Registry();
  const counter = new Counter({
    name: 'sankey_web_database_unavailable_total',
    help: 'Requests the web app refused with 503 because the database was unavailable, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const last = new Map<UnavailableReason, number>();
  return {
    registry,
    refused(reason, what, log) {
      counter.inc({ reason });
      const t = now();
      const previous = last.get(reason);
      last.set(reason, t);
      if (previous === undefined || t - previous >= quietMs) {
        log.warn({ reason, what }, `database unavailable (${reason}): refusing requests until it is back`);
      }
    },
  };
}

// One meter per process: Next.js may load the route modules separately, so it lives on globalThis.
const KEY = Symbol.for('sankey.web.outageMeter');
export function outageMeter(): OutageMeter {
  const g = globalThis as { [KEY]?: OutageMeter };
  g[KEY] ??= createOutageMeter();
  return g[KEY];
}
