// The relay's operator routes (docs/api.md: dead letters, delivery metrics, endpoints, blocklist) as the web app
// sees them. Reads answer null when the relay is unreachable; commands also tell the relay's refusals apart
// (404, 409 with its reason in words) from an unreachable relay.
import {
  type BlockedEaView,
  blockedEaViewSchema,
  type DeadLetterView,
  type DeliveryMetrics,
  deadLetterViewSchema,
  deliveryMetricsSchema,
  type EndpointStatsView,
  endpointViewSchema,
  type ParkedView,
  parkedViewSchema,
  retryResultSchema,
} from '@sankey/shared/api/ops-views';
import { z } from 'zod';

/**
 * A command's answer: done, refused by the relay (HTTP status, message, and the relay's machine-readable `reason`
 * such as `needs_force` when it gave one), or no answer at all.
 */
export type RelayAnswer<T> =
  | { ok: true; value: T }
  | { ok: false; status: number; message: string; reason?: string }
  | 'unreachable';

export type CallFn = <T>(method: 'GET' | 'POST', path: string, schema: z.ZodType<T>) => Promise<T | null>;
export type CommandFn = <T>(path: string, schema: z.ZodType<T>, payload: unknown) => Promise<RelayAnswer<T>>;

export interface RelayOpsClient {
  deadLetters(q: {
    reason?: string;
    account?: string;
    limit?: number;
    beforeId?: number;
  }): Promise<DeadLetterView[] | null>;
  retryDeadLetter(
    id: number,
    force: boolean,
  ): Promise<RelayAnswer<{ ok: true; id: number; outcome: 'sent' | 'parked' | 'cancelled' }>>;
  purgeDeadLetters(olderThanDays: number): Promise<RelayAnswer<{ purged: number }>>;
  /** What waits for slaves that are away (docs/api.md, parked). */
  parked(q: { account?: string; limit?: number }): Promise<ParkedView | null>;
  deliveryMetrics(window?: number): Promise<DeliveryMetrics | null>;
  endpoints(): Promise<EndpointStatsView[] | null>;
  blocklist(): Promise<BlockedEaView[] | null>;
  block(accountId: string, reason: string): Promise<RelayAnswer<BlockedEaView>>;
  unblock(accountId: string): Promise<RelayAnswer<{ ok: true }>>;
}

export function relayOpsClient(call: CallFn, command: CommandFn): RelayOpsClient {
  return {
    deadLetters: async (q) => {
      const params = new URLSearchParams();
      if (q.reason !== undefined) params.set('reason', q.reason);
      if (q.account !== undefined) params.set('account', q.account);
      if (q.limit !== undefined) params.set('limit', String(q.limit));
      if (q.beforeId !== undefined) params.set('before', String(q.beforeId));
      const qs = params.toString();
      const schema = z.object({ deadLetters: z.array(deadLetterViewSchema) });
      return (await call('GET', `/dead-letters${qs ? `?${qs}` : ''}`, schema))?.deadLetters ?? null;
    },
    retryDeadLetter: (id, force) => command('/dead-letters/retry', retryResultSchema, { id, force }),
    purgeDeadLetters: (olderThanDays) =>
      command('/dead-letters/purge', z.object({ purged: z.number().int() }), { olderThanDays }),
    parked: (q) => {
      const params = new URLSearchParams();
      if (q.account !== undefined) params.set('account', q.account);
      if (q.limit !== undefined) params.set('limit', String(q.limit));
      const qs = params.toString();
      return call('GET', `/parked${qs ? `?${qs}` : ''}`, parkedViewSchema);
    },
    deliveryMetrics: (window) =>
      call(
        'GET',
        `/deliveries/metrics${window === undefined ? '' : `?window=${window}`}`,
        deliveryMetricsSchema,
      ),
    endpoints: async () =>
      (await call('GET', '/endpoints', z.object({ endpoints: z.array(endpointViewSchema) })))?.endpoints ??
      null,
    blocklist: async () =>
      (await call('GET', '/blocklist', z.object({ blocked: z.array(blockedEaViewSchema) })))?.blocked ?? null,
    block: (accountId, reason) => command('/blocklist/block', blockedEaViewSchema, { accountId, reason }),
    unblock: (accountId) => command('/blocklist/unblock', z.object({ ok: z.literal(true) }), { accountId }),
  };
}
