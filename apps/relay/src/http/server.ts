// The relay's HTTP port: control API (bearer token), /healthz and /metrics for local probes, and socket.io
// (docs/api.md, Realtime events and Relay control API). A thin adapter: every answer comes from the RelayHttpSource. Every request but /healthz must
// carry an allowed Host (docs/api.md, Host allow-list); socket tokens of revoked sessions are refused and their
// connections closed; an unknown bearer or socket token makes it re-read the API token (rotation).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asDatabaseUnavailable } from '@sankey/db/errors';
import type { ClusterView } from '@sankey/shared/api/cluster-views';
import type { ClientToServerEvents, ServerToClientEvents } from '@sankey/shared/api/events';
import { allowedHostnames, hostAllowed } from '@sankey/shared/api/host-allow-list';
import { bearerMatches, type SocketTokenClaims, verifySocketToken } from '@sankey/shared/api/socket-token';
import type {
  EaConnection,
  EnvOverride,
  LatencySummary,
  OutboxFailureView,
  RelayEvaluations,
} from '@sankey/shared/api/views';
import { Server as SocketServer } from 'socket.io';
import { z } from 'zod';
import type { LogEntry } from '../observability/logger';
import type { RelayRiskSource } from '../risk-ops';
import { type RelayOpsRoutes, routeOps } from './ops-routes';
import { json, readJson } from './respond';
import { SessionRevocations } from './revocations';
import { routeRisk } from './risk-routes';

export interface RelayStatus {
  version: string;
  uptimeS: number;
  ports: { receiver: number; publisher: number; relayHttp: number };
  counters: Record<string, number>;
  /** Settings the relay's environment fixes (docs/api.md, `system.status`). */
  envOverrides: EnvOverride[];
}

export interface RelayHttpSource {
  apiToken: string;
  status(): RelayStatus;
  connections(): EaConnection[];
  /** Every group's live evaluation, or only `group`'s and/or only `slave`'s memberships. */
  evaluations(filter?: { group?: string; slave?: string }): RelayEvaluations;
  logs(q: { level?: string; limit?: number; cursor?: number }): {
    entries: LogEntry[];
    nextCursor: number | null;
  };
  nudgeOutbox(): void;
  /** Outbox rows failing now, each blocking the later rows of its group (docs/api.md, outbox failures). */
  outboxFailures(): OutboxFailureView[];
  /** Closes a failing row unapplied; false when no failing row has that id. */
  discardOutbox(id: number): Promise<boolean>;
  /** Recent journaled trade signals, newest first. */
  signals(q: { masterAccount?: string; limit?: number }): Promise<unknown[]>;
  /** p50/p99 and rates over the last minute, hour and day (the latency ring). */
  latency(): Promise<LatencySummary>;
  metrics(): Promise<{ contentType: string; body: string }>;
  healthy(): boolean;
  /** Cluster mode: live relays and every EA of the cluster with its relay (docs/api.md, `GET /internal/v1/cluster`). */
  cluster?: () => Promise<ClusterView>;
  /** Dead letters, delivery metrics, endpoints and the blocklist (docs/api.md); absent in some tests. */
  ops?: RelayOpsRoutes;
  /** Risk controls per account (docs/api.md, "Risk controls"). */
  risk?: RelayRiskSource;
  /** Called for every new socket.io client (send the snapshot). */
  onSocketConnected(
    emit: <E extends keyof ServerToClientEvents>(e: E, ...a: Parameters<ServerToClientEvents[E]>) => void,
  ): void;
}

export interface RelayHttpOptions {
  corsOrigins: string[];
  /** Host names served besides /healthz; loopback names only by default. */
  allowedHostnames?: ReadonlySet<string>;
  /**
   * The API token as stored now (secrets.json), read when a request presents an unknown token; absent when
   * SANKEY_API_TOKEN fixes it.
   */
  reloadApiToken?: () => string | null;
  now?: () => number;
}

const revokeBodySchema = z.strictObject({
  sessionIds: z.array(z.string().regex(/^[0-9a-f]{1,128}$/, 'must be a session id (hex)')).max(10_000),
});

const discardBodySchema = z.strictObject({ id: z.number().int().positive() });

interface SocketData {
  claims: SocketTokenClaims;
}

export class RelayHttpServer {
  readonly http: Server;
  readonly io: SocketServer<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
  readonly revocations: SessionRevocations;
  port = 0;
  private apiToken: string;
  private readonly allowed: ReadonlySet<string>;
  private readonly now: () => number;

  constructor(
    private readonly src: RelayHttpSource,
    private readonly opts: RelayHttpOptions,
  ) {
    this.apiToken = src.apiToken;
    this.allowed = opts.allowedHostnames ?? allowedHostnames();
    this.now = opts.now ?? Date.now;
    this.revocations = new SessionRevocations(this.now);
    this.http = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        if (res.headersSent) return void res.end();
        // The database is locked, down or cut off: a clear, retryable refusal (docs/api.md), not a 500.
        const unavailable = asDatabaseUnavailable(err);
        if (unavailable) {
          res.setHeader('retry-after', '1');
          json(res, 503, {
            error: 'database_unavailable',
            reason: unavailable.reason,
            message: unavailable.message,
          });
        } else json(res, 500, { error: 'internal', message: String(err) });
      });
    });
    this.io = new SocketServer(this.http, {
      path: '/socket.io',
      cors: { origin: opts.corsOrigins, credentials: true },
      serveClient: false,
      // Polling requests and WebSocket upgrades alike.
      allowRequest: (req, done) => done(null, hostAllowed(req.headers.host, this.allowed)),
    });
    this.io.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      const claims = this.withCurrentToken((key) => verifySocketToken(key, token, this.now()));
      if (
        claims?.kind === 'browser' &&
        claims.sessionId !== null &&
        this.revocations.isRevoked(claims.sessionId)
      ) {
        return next(new Error('unauthorized'));
      }
      if (!claims) return next(new Error('unauthorized'));
      socket.data.claims = claims;
      next();
    });
    this.io.on('connection', (socket) => this.src.onSocketConnected((e, ...a) => socket.emit(e, ...a)));
  }

  async listen(host: string, port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    this.port = (this.http.address() as AddressInfo).port;
    return this.port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.io.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  /**
   * `check` against the current API token; on a miss, once more against the stored one if it changed (a
   * rotation by the web app). Sockets that the old token authenticated are then closed.
   */
  private withCurrentToken<T>(check: (apiToken: string) => T | null | false): T | null {
    const first = check(this.apiToken);
    if (first) return first;
    const stored = this.opts.reloadApiToken?.() ?? null;
    if (stored === null || stored === this.apiToken) return null;
    this.apiToken = stored;
    this.io.disconnectSockets(true);
    return check(stored) || null;
  }

  /** Closes the socket.io connections of these sessions and refuses their tokens until they expire. */
  revokeSessions(sessionIds: string[]): number {
    for (const id of sessionIds) this.revocations.revoke(id);
    const ended = new Set(sessionIds);
    let closed = 0;
    for (const socket of this.io.of('/').sockets.values()) {
      const c = socket.data.claims;
      if (c?.kind === 'browser' && c.sessionId !== null && ended.has(c.sessionId)) {
        socket.disconnect(true);
        closed++;
      }
    }
    return closed;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://relay');
    const path = url.pathname;
    // Probes may use any name (a container address); the answer tells nothing but up or down.
    if (path === '/healthz' && req.method === 'GET') {
      const ok = this.src.healthy();
      return json(res, ok ? 200 : 503, { ok });
    }
    if (!hostAllowed(req.headers.host, this.allowed)) {
      return json(res, 403, { error: 'forbidden', message: 'unknown Host' });
    }
    if (path === '/metrics' && req.method === 'GET') {
      const m = await this.src.metrics();
      res.writeHead(200, { 'content-type': m.contentType });
      res.end(m.body);
      return;
    }
    if (!path.startsWith('/internal/v1/')) return json(res, 404, { error: 'not_found' });
    if (!this.withCurrentToken((key) => bearerMatches(req.headers.authorization, key))) {
      return json(res, 401, { error: 'unauthorized', message: 'missing or wrong bearer token' });
    }
    const route = `${req.method} ${path.slice('/internal/v1'.length)}`;
    switch (route) {
      case 'GET /status':
        return json(res, 200, this.src.status());
      case 'GET /connections':
        return json(res, 200, this.src.connections());
      case 'GET /cluster':
        return json(res, 200, this.src.cluster ? await this.src.cluster() : { mode: 'alone' });
      case 'GET /evaluations': {
        // A mutation's answer needs one group or one member: without the filter, every call would serialise
        // every member of every group (1,000 member toggles of a 1,000-member group: quadratic).
        const group = url.searchParams.get('group');
        const slave = url.searchParams.get('slave');
        return json(
          res,
          200,
          this.src.evaluations({ ...(group !== null && { group }), ...(slave !== null && { slave }) }),
        );
      }
      case 'GET /logs': {
        const limit = url.searchParams.get('limit');
        const cursor = url.searchParams.get('cursor');
        const level = url.searchParams.get('level');
        return json(
          res,
          200,
          this.src.logs({
            ...(level ? { level } : {}),
            ...(limit ? { limit: Number(limit) } : {}),
            ...(cursor ? { cursor: Number(cursor) } : {}),
          }),
        );
      }
      case 'GET /signals': {
        const master = url.searchParams.get('master');
        const limit = Number(url.searchParams.get('limit') ?? 100);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
          return json(res, 400, { error: 'bad_request', message: 'limit must be an integer from 1 to 1000' });
        }
        return json(
          res,
          200,
          await this.src.signals({ ...(master ? { masterAccount: master } : {}), limit }),
        );
      }
      case 'GET /latency':
        return json(res, 200, await this.src.latency());
      case 'POST /outbox/nudge':
        this.src.nudgeOutbox();
        return json(res, 202, { ok: true });
      case 'GET /outbox/failures':
        return json(res, 200, { failures: this.src.outboxFailures() });
      case 'POST /outbox/discard': {
        const parsed = discardBodySchema.safeParse(await readJson(req));
        if (!parsed.success) return json(res, 400, { error: 'bad_request', message: 'body: {id: integer}' });
        if (!(await this.src.discardOutbox(parsed.data.id))) {
          return json(res, 404, { error: 'not_found', message: `no failing outbox row ${parsed.data.id}` });
        }
        return json(res, 200, { ok: true });
      }
      case 'POST /sessions/revoke': {
        const parsed = revokeBodySchema.safeParse(await readJson(req));
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          const message = `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`;
          return json(res, 400, { error: 'bad_request', message });
        }
        return json(res, 200, { ok: true, disconnected: this.revokeSessions(parsed.data.sessionIds) });
      }
      default:
        if (this.src.ops && (await routeOps(this.src.ops, route, url, req, res))) return;
        if (this.src.risk && (await routeRisk(this.src.risk, route, url, req, res))) return;
        return json(res, 404, { error: 'not_found' });
    }
  }
}
