// The relay's control API (docs/api.md, Relay control API) as the web app sees it. Every call has a short timeout and answers null
// when the relay is unreachable or answers nonsense, so the services can fall back (docs/api.md, Procedures).
import { type ClusterView, clusterViewSchema } from '@sankey/shared/api/cluster-views';
import {
  type EaConnection,
  eaConnectionSchema,
  envOverrideSchema,
  type LatencySummary,
  latencySummarySchema,
  type OutboxFailureView,
  outboxFailureViewSchema,
  type RelayEvaluations,
  relayEvaluationsSchema,
  type SignalJournalEntryView,
  signalJournalEntrySchema,
} from '@sankey/shared/api/views';
import { z } from 'zod';
import type { Logger } from './logger';
import { type RelayAnswer, type RelayOpsClient, relayOpsClient } from './relay-ops-client';
import { type RelayRiskClient, relayRiskClient } from './relay-risk-client';

export const relayStatusSchema = z.object({
  version: z.string(),
  uptimeS: z.number(),
  ports: z.object({ receiver: z.number().int(), publisher: z.number().int(), relayHttp: z.number().int() }),
  counters: z.record(z.string(), z.number()),
  // A relay from before the field reports none.
  envOverrides: z.array(envOverrideSchema).default([]),
});
export type RelayStatus = z.infer<typeof relayStatusSchema>;

export const logEntrySchema = z.object({
  seq: z.number().int(),
  time: z.string(),
  level: z.string(),
  msg: z.string(),
  fields: z.record(z.string(), z.unknown()),
});
export type LogEntry = z.infer<typeof logEntrySchema>;

export const logsPageSchema = z.object({
  entries: z.array(logEntrySchema),
  nextCursor: z.number().int().nullable(),
});
export type LogsPage = z.infer<typeof logsPageSchema>;

export interface EvaluationFilter {
  group?: string;
  slave?: string;
}

export interface RelayClient extends RelayOpsClient, RelayRiskClient {
  status(): Promise<RelayStatus | null>;
  connections(): Promise<EaConnection[] | null>;
  /**
   * Every group's live evaluation and the id of the last outbox row the relay applied; `group` and `slave` narrow
   * it to one group and/or one slave's memberships (what a single view needs).
   */
  evaluations(filter?: EvaluationFilter): Promise<RelayEvaluations | null>;
  logs(query: { level?: string; limit?: number; cursor?: number }): Promise<LogsPage | null>;
  /** The relay's trade-signal journal, newest first. */
  signals(query: { masterAccount?: string; limit?: number }): Promise<SignalJournalEntryView[] | null>;
  /** The relay's latency ring (docs/api.md, latency.summary). */
  latency(): Promise<LatencySummary | null>;
  /** Alone, or the cluster's live relays and every EA with the relay it is on (docs/cluster.md). */
  cluster(): Promise<ClusterView | null>;
  /** Best effort: false when the relay could not be told (it polls the outbox anyway). */
  nudge(): Promise<boolean>;
  /**
   * Best effort: the relay closes these sessions' socket.io connections and refuses their tokens until they
   * expire. False when the relay could not be told (the tokens then still expire within 5 minutes).
   */
  revokeSessions(sessionIds: string[]): Promise<boolean>;
  /** Outbox rows failing now (docs/api.md, outbox failures); null when the relay is unreachable. */
  outboxFailures(): Promise<OutboxFailureView[] | null>;
  /** Discards a failing row: 'ok', 'not_found' (no failing row with that id) or 'unreachable'. */
  discardOutbox(id: number): Promise<'ok' | 'not_found' | 'unreachable'>;
}

export interface HttpRelayClientOptions {
  baseUrl: string;
  /** A function when the token can change (rotation): read on every call. */
  apiToken: string | (() => string);
  timeoutMs?: number;
  log: Logger;
  fetch?: typeof fetch;
}

export function createHttpRelayClient(opts: HttpRelayClientOptions): RelayClient {
  const timeoutMs = opts.timeoutMs ?? 1000;
  const doFetch = opts.fetch ?? fetch;

  const token = typeof opts.apiToken === 'string' ? () => opts.apiToken as string : opts.apiToken;

  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    schema: z.ZodType<T> | null,
    payload?: unknown,
  ): Promise<T | null> {
    const url = `${opts.baseUrl}/internal/v1${path}`;
    try {
      const res = await doFetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token()}`,
          ...(payload !== undefined && { 'content-type': 'application/json' }),
        },
        ...(payload !== undefined && { body: JSON.stringify(payload) }),
        signal: AbortSignal.timeout(timeoutMs),
        cache: 'no-store',
      });
      if (!res.ok) {
        opts.log.warn({ url, status: res.status }, 'relay control API answered with an error');
        await res.body?.cancel();
        return null;
      }
      const body: unknown = await res.json();
      if (!schema) return body as T;
      const parsed = schema.safeParse(body);
      if (!parsed.success) {
        opts.log.warn(
          { url, issues: parsed.error.issues.slice(0, 3) },
          'relay control API answered an unexpected shape',
        );
        return null;
      }
      return parsed.data;
    } catch (err) {
      opts.log.debug({ url, err: err instanceof Error ? err.message : String(err) }, 'relay unreachable');
      return null;
    }
  }

  /** A POST whose refusals matter to the caller: 4xx answers come back with the relay's message. */
  async function command<T>(path: string, schema: z.ZodType<T>, payload: unknown): Promise<RelayAnswer<T>> {
    const url = `${opts.baseUrl}/internal/v1${path}`;
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token()}`, 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(timeoutMs),
        cache: 'no-store',
      });
      const body: unknown = await res.json().catch(() => null);
      if (res.status >= 400 && res.status < 500 && res.status !== 401) {
        const { message, error } = (body ?? {}) as { message?: unknown; error?: unknown };
        return {
          ok: false,
          status: res.status,
          message: typeof message === 'string' ? message : res.statusText,
          ...(typeof error === 'string' && { reason: error }),
        };
      }
      const parsed = res.ok ? schema.safeParse(body) : null;
      if (!parsed?.success) {
        opts.log.warn(
          { url, status: res.status },
          'relay control API answered with an error or an unexpected shape',
        );
        return 'unreachable';
      }
      return { ok: true, value: parsed.data };
    } catch (err) {
      opts.log.debug({ url, err: err instanceof Error ? err.message : String(err) }, 'relay unreachable');
      return 'unreachable';
    }
  }

  return {
    ...relayOpsClient(call, command),
    ...relayRiskClient(call, command),
    status: () => call('GET', '/status', relayStatusSchema),
    connections: () => call('GET', '/connections', z.array(eaConnectionSchema)),
    evaluations: (filter = {}) => {
      const params = new URLSearchParams();
      if (filter.group !== undefined) params.set('group', filter.group);
      if (filter.slave !== undefined) params.set('slave', filter.slave);
      const qs = params.toString();
      return call('GET', `/evaluations${qs ? `?${qs}` : ''}`, relayEvaluationsSchema);
    },
    logs: (q) => {
      const params = new URLSearchParams();
      if (q.level !== undefined) params.set('level', q.level);
      if (q.limit !== undefined) params.set('limit', String(q.limit));
      if (q.cursor !== undefined) params.set('cursor', String(q.cursor));
      const qs = params.toString();
      return call('GET', `/logs${qs ? `?${qs}` : ''}`, logsPageSchema);
    },
    signals: (q) => {
      const params = new URLSearchParams();
      if (q.masterAccount !== undefined) params.set('master', q.masterAccount);
      if (q.limit !== undefined) params.set('limit', String(q.limit));
      const qs = params.toString();
      return call('GET', `/signals${qs ? `?${qs}` : ''}`, z.array(signalJournalEntrySchema));
    },
    latency: () => call('GET', '/latency', latencySummarySchema),
    cluster: () => call('GET', '/cluster', clusterViewSchema),
    nudge: async () => (await call('POST', '/outbox/nudge', null)) !== null,
    revokeSessions: async (sessionIds) =>
      (await call('POST', '/sessions/revoke', null, { sessionIds })) !== null,
    outboxFailures: async () =>
      (await call('GET', '/outbox/failures', z.object({ failures: z.array(outboxFailureViewSchema) })))
        ?.failures ?? null,
    discardOutbox: async (id) => {
      if ((await call('POST', '/outbox/discard', null, { id })) !== null) return 'ok';
      // Tell "no such failing row" from "relay down" by asking what is failing now.
      const now = await call(
        'GET',
        '/outbox/failures',
        z.object({ failures: z.array(outboxFailureViewSchema) }),
      );
      return now === null ? 'unreachable' : 'not_found';
    },
  };
}
