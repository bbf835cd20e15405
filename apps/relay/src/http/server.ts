// The relay's HTTP port: control API (bearer token), /healthz and /metrics for local probes, and socket.io
// (README §5, §7). A thin adapter: every answer comes from the RelayHttpSource.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClientToServerEvents, ServerToClientEvents } from '@sankey/shared/api/events';
import { bearerMatches, verifySocketToken } from '@sankey/shared/api/socket-token';
import type { EaConnection, RelayEvaluations } from '@sankey/shared/api/views';
import { Server as SocketServer } from 'socket.io';
import type { LogEntry } from '../observability/logger';

export interface RelayStatus {
  version: string;
  uptimeS: number;
  ports: { receiver: number; publisher: number; relayHttp: number };
  counters: Record<string, number>;
}

export interface RelayHttpSource {
  apiToken: string;
  status(): RelayStatus;
  connections(): EaConnection[];
  evaluations(): RelayEvaluations;
  logs(q: { level?: string; limit?: number; cursor?: number }): {
    entries: LogEntry[];
    nextCursor: number | null;
  };
  nudgeOutbox(): void;
  /** Recent journaled trade signals, newest first. */
  signals(q: { masterAccount?: string; limit?: number }): Promise<unknown[]>;
  metrics(): Promise<{ contentType: string; body: string }>;
  healthy(): boolean;
  /** Called for every new socket.io client (send the snapshot). */
  onSocketConnected(
    emit: <E extends keyof ServerToClientEvents>(e: E, ...a: Parameters<ServerToClientEvents[E]>) => void,
  ): void;
}

export class RelayHttpServer {
  readonly http: Server;
  readonly io: SocketServer<ClientToServerEvents, ServerToClientEvents>;
  port = 0;

  constructor(
    private readonly src: RelayHttpSource,
    opts: { corsOrigins: string[] },
  ) {
    this.http = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        if (!res.headersSent) json(res, 500, { error: 'internal', message: String(err) });
        else res.end();
      });
    });
    this.io = new SocketServer(this.http, {
      path: '/socket.io',
      cors: { origin: opts.corsOrigins, credentials: true },
      serveClient: false,
    });
    this.io.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      if (verifySocketToken(this.src.apiToken, token, Date.now())) next();
      else next(new Error('unauthorized'));
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

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://relay');
    const path = url.pathname;
    if (path === '/healthz' && req.method === 'GET') {
      const ok = this.src.healthy();
      return json(res, ok ? 200 : 503, { ok });
    }
    if (path === '/metrics' && req.method === 'GET') {
      const m = await this.src.metrics();
      res.writeHead(200, { 'content-type': m.contentType });
      res.end(m.body);
      return;
    }
    if (!path.startsWith('/internal/v1/')) return json(res, 404, { error: 'not_found' });
    if (!bearerMatches(req.headers.authorization, this.src.apiToken)) {
      return json(res, 401, { error: 'unauthorized', message: 'missing or wrong bearer token' });
    }
    const route = `${req.method} ${path.slice('/internal/v1'.length)}`;
    switch (route) {
      case 'GET /status':
        return json(res, 200, this.src.status());
      case 'GET /connections':
        return json(res, 200, this.src.connections());
      case 'GET /evaluations':
        return json(res, 200, this.src.evaluations());
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
      case 'POST /outbox/nudge':
        this.src.nudgeOutbox();
        return json(res, 202, { ok: true });
      default:
        return json(res, 404, { error: 'not_found' });
    }
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
