// Pure derivations for the connections view: runtime badges from intent + evaluated status, which warnings a
// node shows, the master filter, and the graph model (nodes, edges, positions). No React here, so it is unit-tested.
import type { ClusterEaView } from '@sankey/shared/api/cluster-views';
import type { EaConnection, MemberView, TradeGroupView } from '@sankey/shared/api/views';
import { prefixPeers } from '@sankey/shared/domain/links';
import type { WarningCode } from '@sankey/shared/protocol/constants';
import { WARNING_PRIORITY } from '@sankey/shared/protocol/constants';

/**
 * Runtime badge of an account or link. Mapping (README of the UI, report):
 * - intent off (master `enabled=false`, or member `enabled=false`; for a slave node: no enabled link) → manualOff
 * - master: intent on and evaluated status 2 (CONNECTED) → streaming, otherwise standby
 * - member: intent on and evaluated status 2 → receiving; 0 or 1 → standby
 * - slave node: any enabled link with status 2 → receiving; else standby
 */
export type Badge = 'manualOff' | 'standby' | 'streaming' | 'receiving';

export function masterBadge(enabled: boolean, runtimeStatus: number): Badge {
  if (!enabled) return 'manualOff';
  return runtimeStatus === 2 ? 'streaming' : 'standby';
}

export function memberBadge(enabled: boolean, status: number): Badge {
  if (!enabled) return 'manualOff';
  return status === 2 ? 'receiving' : 'standby';
}

export function slaveBadge(links: readonly { enabled: boolean; status: number }[]): Badge {
  const on = links.filter((l) => l.enabled);
  if (on.length === 0) return 'manualOff';
  return on.some((l) => l.status === 2) ? 'receiving' : 'standby';
}

export const badgeTone: Record<Badge, 'gray' | 'amber' | 'green'> = {
  manualOff: 'gray',
  standby: 'amber',
  streaming: 'green',
  receiving: 'green',
};

/** De-duplicated, in priority order (most important first). */
export function sortWarnings(codes: Iterable<WarningCode>): WarningCode[] {
  return [...new Set(codes)].sort((a, b) => WARNING_PRIORITY[a] - WARNING_PRIORITY[b]);
}

/** A slave node explains the slave-side warnings of its links; master-side ones are shown on the master node. */
export const slaveSideWarnings = (members: readonly MemberView[]): WarningCode[] =>
  sortWarnings(members.flatMap((m) => m.warningCodes).filter((c) => !c.startsWith('master_')));

export const memberKey = (tradeGroupId: string, slaveAccount: string) => `m:${tradeGroupId}/${slaveAccount}`;
export const groupKey = (id: string) => `g:${id}`;

export function connectionOf(
  connections: readonly EaConnection[],
  accountId: string,
  eaType: 'Master' | 'Slave',
): EaConnection | undefined {
  return connections.find((c) => c.accountId === accountId && c.eaType === eaType);
}

export type ConnectionTone = 'green' | 'amber' | 'gray';
export function connectionTone(c: Pick<EaConnection, 'status'> | undefined): ConnectionTone {
  if (c?.status === 'Online') return 'green';
  if (c?.status === 'Timeout') return 'amber';
  return 'gray';
}

export interface GraphInput {
  connections: readonly EaConnection[];
  tradeGroups: readonly TradeGroupView[];
  members: readonly MemberView[];
  /** Optimistic intents by memberKey/groupKey. */
  pending: Readonly<Record<string, boolean>>;
}

export interface MasterNodeModel {
  kind: 'master';
  id: string;
  accountId: string;
  group: TradeGroupView;
  connection: EaConnection | undefined;
  /** Confirmed intent (the badge follows it) and the switch position (pending intent when in flight). */
  enabled: boolean;
  switchOn: boolean;
  pending: boolean;
  badge: Badge;
  warnings: WarningCode[];
  links: number;
  /** Linked ids this id is a byte prefix of, or that are one of it (docs/protocol.md D16, §1.3). */
  prefixPeers: string[];
}

export interface SlaveNodeModel {
  kind: 'slave';
  id: string;
  accountId: string;
  members: MemberView[];
  connection: EaConnection | undefined;
  enabled: boolean;
  switchOn: boolean;
  pending: boolean;
  badge: Badge;
  warnings: WarningCode[];
  links: number;
  prefixPeers: string[];
}

export type NodeModel = MasterNodeModel | SlaveNodeModel;

export interface EdgeModel {
  id: string;
  source: string;
  target: string;
  member: MemberView;
  badge: Badge;
  switchOn: boolean;
  pending: boolean;
  label: { multiplier: number | null; marginRatio: boolean; reverse: boolean };
}

export const masterNodeId = (id: string) => `master:${id}`;
export const slaveNodeId = (id: string) => `slave:${id}`;

/** Masters that exist as groups, with their number of links, for the filter menu. */
export function masterOptions(groups: readonly TradeGroupView[], members: readonly MemberView[]) {
  return groups
    .map((g) => ({ id: g.id, links: members.filter((m) => m.tradeGroupId === g.id).length }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

export function buildGraph(
  input: GraphInput,
  filterMaster: string | null,
): { nodes: NodeModel[]; edges: EdgeModel[] } {
  const groups = input.tradeGroups
    .filter((g) => filterMaster === null || g.id === filterMaster)
    .slice()
    .sort((a, b) => a.id.localeCompare(b.id));
  const groupIds = new Set(groups.map((g) => g.id));
  const members = input.members.filter((m) => groupIds.has(m.tradeGroupId));
  // Every linked id counts, also those the master filter hides: the collision is on the wire, not on screen.
  const linkedIds = [...input.tradeGroups.map((g) => g.id), ...input.members.map((m) => m.slaveAccount)];

  const nodes: NodeModel[] = groups.map((group) => {
    const pending = input.pending[groupKey(group.id)];
    const enabled = group.masterSettings.enabled;
    return {
      kind: 'master',
      id: masterNodeId(group.id),
      accountId: group.id,
      group,
      connection: connectionOf(input.connections, group.id, 'Master'),
      enabled,
      switchOn: pending ?? enabled,
      pending: pending !== undefined,
      badge: masterBadge(enabled, group.masterRuntimeStatus),
      warnings: sortWarnings(group.masterWarningCodes),
      links: members.filter((m) => m.tradeGroupId === group.id).length,
      prefixPeers: prefixPeers(group.id, linkedIds),
    };
  });

  const slaveIds = [...new Set(members.map((m) => m.slaveAccount))].sort((a, b) => a.localeCompare(b));
  for (const accountId of slaveIds) {
    const own = members.filter((m) => m.slaveAccount === accountId);
    const intents = own.map((m) => input.pending[memberKey(m.tradeGroupId, m.slaveAccount)] ?? m.enabled);
    nodes.push({
      kind: 'slave',
      id: slaveNodeId(accountId),
      accountId,
      members: own,
      connection: connectionOf(input.connections, accountId, 'Slave'),
      enabled: own.some((m) => m.enabled),
      switchOn: intents.some(Boolean),
      pending: own.some((m) => input.pending[memberKey(m.tradeGroupId, m.slaveAccount)] !== undefined),
      badge: slaveBadge(own),
      warnings: slaveSideWarnings(own),
      links: own.length,
      prefixPeers: prefixPeers(accountId, linkedIds),
    });
  }

  const edges: EdgeModel[] = members.map((m) => {
    const pending = input.pending[memberKey(m.tradeGroupId, m.slaveAccount)];
    return {
      id: `edge:${m.id}`,
      source: masterNodeId(m.tradeGroupId),
      target: slaveNodeId(m.slaveAccount),
      member: m,
      badge: memberBadge(m.enabled, m.status),
      switchOn: pending ?? m.enabled,
      pending: pending !== undefined,
      label: {
        multiplier:
          m.slaveSettings.lotCalculationMode === 'multiplier' ? m.slaveSettings.lotMultiplier : null,
        marginRatio: m.slaveSettings.lotCalculationMode === 'margin_ratio',
        reverse: m.slaveSettings.reverseTrade,
      },
    };
  });
  return { nodes, edges };
}

/**
 * An EA of the cluster that is in no trade group (cluster mode, docs/cluster.md): a node of its own, on whichever
 * relay it is, with that relay and its live status (this relay's connection table when the EA is here, else the KV
 * bucket as system.cluster reports it).
 */
export interface EaNodeModel {
  kind: 'ea';
  id: string;
  accountId: string;
  eaType: 'Master' | 'Slave';
  relayId: string;
  status: EaConnection['status'];
  platform: string | null;
}

export const eaNodeId = (eaType: string, accountId: string) => `ea:${eaType}:${accountId}`;

/**
 * One EA of the cluster as the web shows it (graph nodes, the Health page): this relay's connection when the EA is
 * here, else its state as system.cluster reports it from the KV bucket (`here` false).
 */
export interface ClusterEaState {
  accountId: string;
  eaType: 'Master' | 'Slave';
  relayId: string;
  status: EaConnection['status'];
  platform: string | null;
  broker: string | null;
  here: boolean;
  /** How long before system.cluster answered its relay last heard of the EA; null from a relay that does not say. */
  ageMs: number | null;
  /** Wall time of its last heartbeat at its relay (that machine's clock: display only). */
  lastHeartbeat: string;
}

export function clusterEaState(e: ClusterEaView, connections: readonly EaConnection[]): ClusterEaState {
  const here = connectionOf(connections, e.accountId, e.eaType);
  return {
    accountId: e.accountId,
    eaType: e.eaType,
    relayId: e.relayId,
    status: here?.status ?? e.status,
    platform: here?.platform ?? e.platform ?? null,
    broker: here?.broker ?? e.broker ?? null,
    here: here !== undefined,
    ageMs: e.ageMs ?? null,
    lastHeartbeat: e.lastHeartbeat,
  };
}

/** The cluster's EAs that no node of the graph shows, masters first, each sorted by relay then account. */
export function clusterEaNodes(
  nodes: readonly NodeModel[],
  eas: readonly ClusterEaView[],
  connections: readonly EaConnection[],
): EaNodeModel[] {
  const shown = new Set(nodes.map((n) => `${n.kind === 'master' ? 'Master' : 'Slave'}\u0000${n.accountId}`));
  return eas
    .filter((e) => !shown.has(`${e.eaType}\u0000${e.accountId}`))
    .map((e): EaNodeModel => {
      const { accountId, eaType, relayId, status, platform } = clusterEaState(e, connections);
      return { kind: 'ea', id: eaNodeId(eaType, accountId), accountId, eaType, relayId, status, platform };
    })
    .sort(
      (a, b) =>
        (a.eaType === b.eaType ? 0 : a.eaType === 'Master' ? -1 : 1) ||
        a.relayId.localeCompare(b.relayId) ||
        a.accountId.localeCompare(b.accountId),
    );
}

export const NODE_WIDTH = 320;
const COLUMN_GAP = 200;
const ROW_GAP = 28;
const EA_NODE_HEIGHT = 80;

/** Rough rendered height, so the columns do not overlap (React Flow measures the real size afterwards). */
export function estimateHeight(node: NodeModel, expanded: boolean): number {
  return 118 + node.warnings.length * 58 + (expanded ? 250 : 0);
}

/** Masters left, slaves right; on a narrow screen masters first, then slaves, in one column. */
export function layout(
  nodes: readonly NodeModel[],
  expanded: ReadonlySet<string>,
  narrow: boolean,
  eaNodes: readonly EaNodeModel[] = [],
): Map<string, { x: number; y: number }> {
  const out = new Map<string, { x: number; y: number }>();
  let yMaster = 0;
  let ySlave = 0;
  const masters = nodes.filter((n) => n.kind === 'master');
  const slaves = nodes.filter((n) => n.kind === 'slave');
  for (const n of masters) {
    out.set(n.id, { x: 0, y: yMaster });
    yMaster += estimateHeight(n, expanded.has(n.id)) + ROW_GAP;
  }
  // Unlinked masters of the cluster under the masters (before the slaves on a narrow screen).
  for (const n of eaNodes.filter((e) => e.eaType === 'Master')) {
    out.set(n.id, { x: 0, y: yMaster });
    yMaster += EA_NODE_HEIGHT + ROW_GAP;
  }
  if (narrow) ySlave = yMaster + 60;
  for (const n of slaves) {
    out.set(n.id, { x: narrow ? 0 : NODE_WIDTH + COLUMN_GAP, y: ySlave });
    ySlave += estimateHeight(n, expanded.has(n.id)) + ROW_GAP;
  }
  for (const n of eaNodes.filter((e) => e.eaType === 'Slave')) {
    out.set(n.id, { x: narrow ? 0 : NODE_WIDTH + COLUMN_GAP, y: ySlave });
    ySlave += EA_NODE_HEIGHT + ROW_GAP;
  }
  return out;
}
