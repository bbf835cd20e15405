// Stand-ins for the relay: an in-memory RelayClient for service tests, and a node:http server speaking the
// control API (docs/api.md, Relay control API) for the HTTP tests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClusterView } from '@sankey/shared/api/cluster-views';
import type {
  BlockedEaView,
  DeadLetterView,
  DeliveryMetrics,
  EndpointStatsView,
  ParkedView,
} from '@sankey/shared/api/ops-views';
import type { AccountRiskView } from '@sankey/shared/api/risk-views';
import { bearerMatches } from '@sankey/shared/api/socket-token';
import type {
  EaConnection,
  GroupEvaluation,
  LatencySummary,
  OutboxFailureView,
  SignalJournalEntryView,
} from '@sankey/shared/api/views';
import type { EquityGuard } from '@sankey/shared/domain/risk';
import type { LogsPage, RelayClient, RelayStatus } from '../server/relay-client';
import type { RelayAnswer } from '../server/relay-ops-client';

export interface RelayData {
  status: RelayStatus;
  connections: EaConnection[];
  evaluations: GroupEvaluation[];
  /** The id of the last outbox row the fake relay claims to have applied. */
  appliedOutboxId: number;
  logs: LogsPage;
  signals: SignalJournalEntryView[];
  latency: LatencySummary | null;
  cluster: ClusterView;
}

export const relayData = (): RelayData => ({
  status: {
    version: '0.1.0',
    uptimeS: 12,
    ports: { receiver: 15555, publisher: 15556, relayHttp: 13001 },
    counters: { messagesIn: 3 },
    envOverrides: [],
  },
  connections: [],
  evaluations: [],
  appliedOutboxId: 0,
  logs: { entries: [], nextCursor: null },
  signals: [],
  latency: null,
  cluster: { mode: 'alone' },
});

export const connection = (accountId: string, eaType: 'Master' | 'Slave'): EaConnection => ({
  accountId,
  eaType,
  platform: 'MT5',
  accountNumber: '1234',
  broker: 'Broker',
  accountName: 'Name',
  server: 'Server-1',
  balance: 1000,
  equity: 1001.5,
  currency: 'USD',
  leverage: 100,
  lastHeartbeat: '2026-01-01T00:00:00.000Z',
  status: 'Online',
  connectedAt: '2026-01-01T00:00:00.000Z',
  isTradeAllowed: true,
  symbolContext: null,
});

/** In-memory relay; `reachable = false` makes every call answer like an unreachable relay. */
export class FakeRelayClient implements RelayClient {
  data = relayData();
  reachable = true;
  nudges = 0;
  logQueries: { level?: string; limit?: number; cursor?: number }[] = [];
  signalQueries: { masterAccount?: string; limit?: number }[] = [];

  status = async () => (this.reachable ? this.data.status : null);
  connections = async () => (this.reachable ? this.data.connections : null);
  evaluations = async () =>
    this.reachable ? { appliedOutboxId: this.data.appliedOutboxId, groups: this.data.evaluations } : null;
  logs = async (q: { level?: string; limit?: number; cursor?: number }) => {
    this.logQueries.push(q);
    return this.reachable ? this.data.logs : null;
  };
  signals = async (q: { masterAccount?: string; limit?: number }) => {
    this.signalQueries.push(q);
    return this.reachable ? this.data.signals : null;
  };
  latency = async () => (this.reachable ? this.data.latency : null);
  cluster = async () => (this.reachable ? this.data.cluster : null);
  nudge = async () => {
    if (!this.reachable) return false;
    this.nudges++;
    return true;
  };
  failures: OutboxFailureView[] = [];
  discarded: number[] = [];
  outboxFailures = async () => (this.reachable ? this.failures : null);
  discardOutbox = async (id: number) => {
    if (!this.reachable) return 'unreachable' as const;
    if (!this.failures.some((f) => f.id === id)) return 'not_found' as const;
    this.discarded.push(id);
    this.failures = this.failures.filter((f) => f.id !== id);
    return 'ok' as const;
  };
  // Operator routes (docs/api.md): dead letters, delivery metrics, endpoints, blocklist.
  deadLetterRows: DeadLetterView[] = [];
  endpointRows: EndpointStatsView[] = [];
  metricsData: DeliveryMetrics | null = null;
  blockedRows: BlockedEaView[] = [];
  /** What a retry answers (the fake does not model the relay's rules). */
  retryAnswer: RelayAnswer<{ ok: true; id: number; outcome: 'sent' | 'parked' | 'cancelled' }> = {
    ok: false,
    status: 404,
    message: 'no dead letter',
  };
  private answer<T>(value: T): RelayAnswer<T> {
    return this.reachable ? { ok: true, value } : 'unreachable';
  }
  // Risk routes (docs/api.md, Risk controls): accounts as set by tests; commands answer what the fake holds.
  riskRows: AccountRiskView[] = [];
  private risk(accountId: string): AccountRiskView {
    return (
      this.riskRows.find((r) => r.accountId === accountId) ?? {
        accountId,
        equityGuard: null,
        day: null,
        dayStartEquity: null,
        tripped: null,
        masterCloseOnly: false,
      }
    );
  }
  private putRisk(row: AccountRiskView): AccountRiskView {
    this.riskRows = [...this.riskRows.filter((r) => r.accountId !== row.accountId), row];
    return row;
  }
  riskAccounts = async (accountId?: string) =>
    this.reachable ? (accountId ? [this.risk(accountId)] : this.riskRows) : null;
  riskMembers = async () => (this.reachable ? [] : null);
  riskControls = async () => (this.reachable ? [] : null);
  setEquityGuard = async (accountId: string, guard: EquityGuard) =>
    this.answer(this.putRisk({ ...this.risk(accountId), equityGuard: guard }));
  removeEquityGuard = async (accountId: string): Promise<RelayAnswer<{ ok: true }>> => {
    if (!this.reachable) return 'unreachable';
    if (!this.risk(accountId).equityGuard)
      return { ok: false, status: 404, message: `${accountId} has no equity guard` };
    this.putRisk({ ...this.risk(accountId), equityGuard: null, tripped: null });
    return { ok: true, value: { ok: true } };
  };
  resetEquityGuard = async (accountId: string): Promise<RelayAnswer<AccountRiskView>> => {
    if (!this.reachable) return 'unreachable';
    if (!this.risk(accountId).tripped)
      return {
        ok: false,
        status: 409,
        message: `${accountId}'s equity guard is not tripped (or it has none)`,
      };
    return { ok: true, value: this.putRisk({ ...this.risk(accountId), tripped: null }) };
  };
  setMasterCloseOnly = async (accountId: string, closeOnly: boolean) =>
    this.answer(this.putRisk({ ...this.risk(accountId), masterCloseOnly: closeOnly }));
  closeAll = async (): Promise<RelayAnswer<{ ok: true; closes: number; members: string[] }>> =>
    this.reachable ? { ok: false, status: 409, message: 'closeAll needs isolated delivery' } : 'unreachable';
  parkedData: ParkedView = { slaves: [], copies: [], total: 0 };
  parked = async () => (this.reachable ? this.parkedData : null);
  deadLetters = async () => (this.reachable ? this.deadLetterRows : null);
  retryDeadLetter = async () => (this.reachable ? this.retryAnswer : 'unreachable');
  purgeDeadLetters = async () => {
    const purged = this.deadLetterRows.length;
    if (this.reachable) this.deadLetterRows = [];
    return this.answer({ purged });
  };
  deliveryMetrics = async () => (this.reachable ? this.metricsData : null);
  endpoints = async () => (this.reachable ? this.endpointRows : null);
  blocklist = async () => (this.reachable ? this.blockedRows : null);
  block = async (accountId: string, reason: string) => {
    const row = { accountId, reason, blockedAt: '2026-01-01T00:00:00.000Z' };
    if (this.reachable)
      this.blockedRows = [...this.blockedRows.filter((b) => b.accountId !== accountId), row];
    return this.answer(row);
  };
  unblock = async (accountId: string): Promise<RelayAnswer<{ ok: true }>> => {
    if (!this.reachable) return 'unreachable';
    if (!this.blockedRows.some((b) => b.accountId === accountId)) {
      return { ok: false, status: 404, message: `${accountId} is not blocked` };
    }
    this.blockedRows = this.blockedRows.filter((b) => b.accountId !== accountId);
    return { ok: true, value: { ok: true } };
  };
  revoked: string[][] = [];
  revokeSessions = async (ids: string[]) => {
    if (!this.reachable) return false;
    this.revoked.push(ids);
    return true;
  };
}

/** The relay's control API over HTTP, bearer-protected, serving `data`. */
export async function startFakeRelayServer(initialApiToken: string) {
  const state = {
    data: relayData(),
    nudges: 0,
    lastLogQuery: '',
    down: false,
    /** What the real relay does on a miss: re-read secrets.json (tests set it after a rotation). */
    apiToken: initialApiToken,
    revoked: [] as unknown[],
    parked: { slaves: [], copies: [], total: 0 } as ParkedView,
  };
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (state.down) {
      req.socket.destroy();
      return;
    }
    if (!bearerMatches(req.headers.authorization, state.apiToken))
      return send(401, { error: 'unauthorized' });
    const url = new URL(req.url ?? '/', 'http://relay');
    switch (`${req.method} ${url.pathname}`) {
      case 'GET /internal/v1/status':
        return send(200, state.data.status);
      case 'GET /internal/v1/connections':
        return send(200, state.data.connections);
      case 'GET /internal/v1/evaluations':
        return send(200, { appliedOutboxId: state.data.appliedOutboxId, groups: state.data.evaluations });
      case 'GET /internal/v1/logs':
        state.lastLogQuery = url.search;
        return send(200, state.data.logs);
      case 'GET /internal/v1/signals':
        return send(200, state.data.signals);
      case 'GET /internal/v1/latency':
        return state.data.latency ? send(200, state.data.latency) : send(404, { error: 'not_found' });
      case 'GET /internal/v1/cluster':
        return send(200, state.data.cluster);
      case 'POST /internal/v1/outbox/nudge':
        state.nudges++;
        return send(202, { ok: true });
      case 'GET /internal/v1/parked':
        return send(200, state.parked);
      case 'POST /internal/v1/dead-letters/retry': {
        // A stale Open (docs/api.md): refused with the relay's reason unless forced.
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: number; force?: boolean };
          if (body.force) send(200, { ok: true, id: body.id, outcome: 'sent' });
          else
            send(409, {
              error: 'needs_force',
              message: 'the Open is 42 s old, older than the member’s max signal delay (5000 ms)',
            });
        });
        return;
      }
      case 'POST /internal/v1/sessions/revoke': {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          state.revoked.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          send(200, { ok: true });
        });
        return;
      }
      default:
        return send(404, { error: 'not_found' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
