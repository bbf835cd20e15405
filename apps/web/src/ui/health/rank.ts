// The EA health table's rows (pure): every EA the relay counts, has a connection for, or blocks — and in cluster
// mode every EA of the cluster, on whichever relay (system.cluster, as the graph shows them) — joined with its
// connection (role, platform, broker, status), its relay, its warnings, and what needs attention — ranked so the
// EAs an operator must look at come first.
import type { ClusterEaView } from '@sankey/shared/api/cluster-views';
import type { BlockedEaView, EndpointStatsView } from '@sankey/shared/api/ops-views';
import type { EaConnection, MemberView, TradeGroupView } from '@sankey/shared/api/views';
import type { WarningCode } from '@sankey/shared/protocol/constants';
import { type ClusterEaState, clusterEaState } from '../live/derive';

/** What needs attention, most urgent first; each weighs in the ranking. */
export const ISSUES = [
  'parked_offline',
  'throttled',
  'blocked',
  'dead_letters',
  'dropping',
  'decode_errors',
  'offline',
  'warnings',
] as const;
export type Issue = (typeof ISSUES)[number];

const WEIGHT: Record<Issue, number> = {
  parked_offline: 64,
  throttled: 32,
  blocked: 16,
  dead_letters: 8,
  dropping: 4,
  decode_errors: 4,
  offline: 2,
  warnings: 1,
};

export interface HealthRow {
  accountId: string;
  roles: ('Master' | 'Slave')[];
  platform: string | null;
  broker: string | null;
  /**
   * The relay's connection status (for an EA on another relay, as the KV bucket says, timed out on this relay's
   * clock); `Unknown` when neither knows the EA.
   */
  status: EaConnection['status'] | 'Unknown';
  /** Cluster mode: the relays the account's EAs are on (empty alone). */
  relays: string[];
  /** Cluster mode: none of the account's EAs is on this relay (its frames and listening are that relay's). */
  remote: boolean;
  listening: boolean;
  lastSeenAt: string | null;
  framesIn: number;
  framesOut: number;
  dropped: number;
  parked: number;
  deadLetters: number;
  decodeErrors: number;
  blocked: boolean;
  blockReason: string | null;
  throttled: boolean;
  warnings: WarningCode[];
  issues: Issue[];
  score: number;
}

export type SortKey =
  | 'attention'
  | 'accountId'
  | 'status'
  | 'lastSeenAt'
  | 'framesIn'
  | 'framesOut'
  | 'dropped'
  | 'parked'
  | 'deadLetters'
  | 'decodeErrors';
export interface Sort {
  key: SortKey;
  dir: 'asc' | 'desc';
}

const EMPTY_STATS = {
  framesIn: 0,
  framesOut: 0,
  dropped: 0,
  parked: 0,
  deadLetters: 0,
  decodeErrors: 0,
  listening: false,
  throttled: false,
  lastSeenAt: null,
} as const;

export function healthRows(input: {
  endpoints: readonly EndpointStatsView[];
  connections: readonly EaConnection[];
  blocked: readonly BlockedEaView[];
  tradeGroups: readonly TradeGroupView[];
  members: readonly MemberView[];
  /**
   * Cluster mode: system.cluster's answer (the relay that answered and every EA of the cluster) and when it
   * arrived (this clock), which dates the last word of an EA on another relay.
   */
  cluster?: { relayId: string; eas: readonly ClusterEaView[]; receivedAt: number } | null;
}): HealthRow[] {
  const ids = new Set<string>();
  for (const e of input.endpoints) ids.add(e.accountId);
  for (const c of input.connections) ids.add(c.accountId);
  for (const b of input.blocked) ids.add(b.accountId);
  const clusterEas = new Map<string, ClusterEaState[]>();
  for (const e of input.cluster?.eas ?? []) {
    ids.add(e.accountId);
    const list = clusterEas.get(e.accountId) ?? [];
    list.push(clusterEaState(e, input.connections));
    clusterEas.set(e.accountId, list);
  }
  const stats = new Map(input.endpoints.map((e) => [e.accountId, e]));
  const blocks = new Map(input.blocked.map((b) => [b.accountId, b]));
  const warnings = new Map<string, Set<WarningCode>>();
  const warn = (id: string, codes: readonly WarningCode[]) => {
    if (codes.length === 0) return;
    const set = warnings.get(id) ?? new Set<WarningCode>();
    for (const c of codes) set.add(c);
    warnings.set(id, set);
  };
  for (const g of input.tradeGroups) warn(g.id, g.masterWarningCodes);
  for (const m of input.members) warn(m.slaveAccount, m.warningCodes);

  return [...ids].map((accountId) => {
    const conns = input.connections.filter((c) => c.accountId === accountId);
    const conn = conns.find((c) => c.status === 'Online') ?? conns[0];
    // Not on this relay: the cluster's word for it (the KV bucket, as the graph's nodes show it).
    const inCluster = clusterEas.get(accountId) ?? [];
    const far = conn ? undefined : (inCluster.find((e) => e.status === 'Online') ?? inCluster[0]);
    const s = stats.get(accountId) ?? EMPTY_STATS;
    const block = blocks.get(accountId);
    const status = conn?.status ?? far?.status ?? 'Unknown';
    const relays = [...new Set(inCluster.map((e) => e.relayId))].sort();
    const farSeen = far
      ? far.ageMs !== null && input.cluster
        ? new Date(input.cluster.receivedAt - far.ageMs).toISOString()
        : far.lastHeartbeat
      : null;
    const row: Omit<HealthRow, 'issues' | 'score'> = {
      accountId,
      roles: [...new Set([...conns, ...inCluster].map((c) => c.eaType))].sort(),
      platform: conn?.platform ?? far?.platform ?? null,
      broker: conn?.broker ?? far?.broker ?? null,
      status,
      relays,
      remote: relays.length > 0 && !relays.includes(input.cluster?.relayId ?? ''),
      listening: s.listening,
      lastSeenAt: s.lastSeenAt ?? conn?.lastHeartbeat ?? farSeen,
      framesIn: s.framesIn,
      framesOut: s.framesOut,
      dropped: s.dropped,
      parked: s.parked,
      deadLetters: s.deadLetters,
      decodeErrors: s.decodeErrors,
      blocked: block !== undefined || ('blocked' in s && s.blocked),
      blockReason: block?.reason ?? null,
      throttled: s.throttled,
      warnings: [...(warnings.get(accountId) ?? [])].sort(),
    };
    const issues = issuesOf(row);
    return { ...row, issues, score: issues.reduce((sum, i) => sum + WEIGHT[i], 0) };
  });
}

function issuesOf(r: Omit<HealthRow, 'issues' | 'score'>): Issue[] {
  const away = r.status !== 'Online';
  const out: Issue[] = [];
  if (r.parked > 0 && (away || !r.listening)) out.push('parked_offline');
  if (r.throttled) out.push('throttled');
  if (r.blocked) out.push('blocked');
  if (r.deadLetters > 0) out.push('dead_letters');
  if (r.dropped > 0) out.push('dropping');
  if (r.decodeErrors > 0) out.push('decode_errors');
  if (away && !r.blocked) out.push('offline');
  if (r.warnings.length > 0) out.push('warnings');
  return out;
}

const STATUS_ORDER: Record<HealthRow['status'], number> = {
  Online: 0,
  Registered: 1,
  Timeout: 2,
  Offline: 3,
  Unknown: 4,
};

/** Rows in the chosen order; ties by attention, then account id, so the order is stable. */
export function sortRows(rows: readonly HealthRow[], sort: Sort): HealthRow[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  const value = (r: HealthRow): number | string => {
    switch (sort.key) {
      case 'attention':
        return r.score;
      case 'accountId':
        return r.accountId;
      case 'status':
        return STATUS_ORDER[r.status];
      case 'lastSeenAt':
        return r.lastSeenAt ? Date.parse(r.lastSeenAt) : 0;
      default:
        return r[sort.key];
    }
  };
  return [...rows].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    const c =
      typeof va === 'string' && typeof vb === 'string' ? va.localeCompare(vb) : Number(va) - Number(vb);
    return c * sign || b.score - a.score || a.accountId.localeCompare(b.accountId);
  });
}
