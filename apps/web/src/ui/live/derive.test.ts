import { defaultSlaveSettings } from '@sankey/shared/domain/settings';
import { describe, expect, it } from 'vitest';
import { connection, group, member } from '../test-fixtures';
import {
  buildGraph,
  clusterEaNodes,
  estimateHeight,
  layout,
  masterBadge,
  memberBadge,
  memberKey,
  slaveBadge,
  slaveSideWarnings,
} from './derive';

describe('runtime badges', () => {
  it('shows Manual OFF whenever the intent is off, whatever the evaluated status', () => {
    expect(masterBadge(false, 2)).toBe('manualOff');
    expect(memberBadge(false, 2)).toBe('manualOff');
    expect(slaveBadge([{ enabled: false, status: 2 }])).toBe('manualOff');
  });

  it('maps a master that is on: CONNECTED streams, anything else stands by', () => {
    expect(masterBadge(true, 2)).toBe('streaming');
    expect(masterBadge(true, 0)).toBe('standby');
  });

  it('maps a member that is on: status 2 receives, 0 and 1 stand by', () => {
    expect(memberBadge(true, 2)).toBe('receiving');
    expect(memberBadge(true, 1)).toBe('standby');
    expect(memberBadge(true, 0)).toBe('standby');
  });

  it('makes a slave node Receiving when any enabled link is at status 2, ignoring disabled links', () => {
    expect(
      slaveBadge([
        { enabled: true, status: 1 },
        { enabled: true, status: 2 },
      ]),
    ).toBe('receiving');
    expect(
      slaveBadge([
        { enabled: true, status: 1 },
        { enabled: false, status: 2 },
      ]),
    ).toBe('standby');
    expect(slaveBadge([])).toBe('manualOff');
  });
});

describe('graph model', () => {
  const input = {
    connections: [connection('M1', 'Master'), connection('S1', 'Slave', { status: 'Timeout' })],
    tradeGroups: [
      group('M1'),
      group('M2', {
        masterSettings: {
          enabled: false,
          symbolPrefix: null,
          symbolSuffix: null,
          delivery: 'shared',
          configVersion: 1,
        },
      }),
    ],
    members: [
      member('M1', 'S1', {
        slaveSettings: { ...defaultSlaveSettings(), lotMultiplier: 2, reverseTrade: true },
      }),
      member('M1', 'S2', { status: 1, warningCodes: ['slave_offline', 'master_offline'] }),
      member('M2', 'S1', { enabled: false, status: 0 }),
    ],
    pending: {},
  };

  it('draws one node per master and per distinct slave, and one edge per link', () => {
    const g = buildGraph(input, null);
    expect(g.nodes.map((n) => n.id)).toEqual(['master:M1', 'master:M2', 'slave:S1', 'slave:S2']);
    expect(g.edges).toHaveLength(3);
    const s1 = g.nodes.find((n) => n.id === 'slave:S1');
    expect(s1?.links).toBe(2);
    expect(s1?.connection?.status).toBe('Timeout');
  });

  it('labels edges with the multiplier and reverse flag', () => {
    const e = buildGraph(input, null).edges[0]!;
    expect(e.label).toEqual({ multiplier: 2, marginRatio: false, reverse: true });
    expect(e.badge).toBe('receiving');
  });

  it('keeps only the chosen master and its slaves when filtered', () => {
    const g = buildGraph(input, 'M2');
    expect(g.nodes.map((n) => n.id)).toEqual(['master:M2', 'slave:S1']);
    expect(g.edges).toHaveLength(1);
  });

  it('shows an optimistic intent on the switch but not on the badge', () => {
    const g = buildGraph({ ...input, pending: { [memberKey('M2', 'S1')]: true } }, 'M2');
    expect(g.edges[0]).toMatchObject({ switchOn: true, pending: true, badge: 'manualOff' });
  });

  it('explains only slave-side warnings on a slave node, most important first', () => {
    expect(slaveSideWarnings(input.members)).toEqual(['slave_offline']);
  });

  it('lays out masters and slaves without overlap', () => {
    const g = buildGraph(input, null);
    const pos = layout(g.nodes, new Set(['slave:S1']), false);
    const slaves = g.nodes.filter((n) => n.kind === 'slave');
    const a = pos.get(slaves[0]!.id)!;
    const b = pos.get(slaves[1]!.id)!;
    expect(b.y).toBeGreaterThanOrEqual(a.y + estimateHeight(slaves[0]!, true));
    expect(pos.get('master:M1')!.x).toBeLessThan(a.x);
    const narrow = layout(g.nodes, new Set(), true);
    expect(narrow.get('slave:S1')!.x).toBe(0);
    expect(narrow.get('slave:S1')!.y).toBeGreaterThan(narrow.get('master:M2')!.y);
  });
});

describe('cluster EAs in no group (cluster mode)', () => {
  const ea = (
    accountId: string,
    eaType: 'Master' | 'Slave',
    relayId: string,
    status = 'Online' as const,
  ) => ({
    accountId,
    eaType,
    relayId,
    status,
    lastHeartbeat: '2026-01-01T09:00:00Z',
  });

  it('are nodes of their own unless a group already shows them; local status wins over the bucket', () => {
    const graph = buildGraph(
      {
        connections: [connection('S3', 'Slave', { status: 'Timeout' })],
        tradeGroups: [group('M1')],
        members: [member('M1', 'S1')],
        pending: {},
      },
      null,
    );
    const nodes = clusterEaNodes(
      graph.nodes,
      [
        ea('M1', 'Master', 'relay-a'),
        ea('S1', 'Slave', 'relay-b'),
        ea('S2', 'Slave', 'relay-b'),
        ea('S3', 'Slave', 'relay-a'),
        ea('M9', 'Master', 'relay-b'),
        // The same account as a master: another EA, so another node.
        ea('S1', 'Master', 'relay-b'),
      ],
      [connection('S3', 'Slave', { status: 'Timeout' })],
    );
    expect(nodes.map((n) => `${n.id}@${n.relayId}:${n.status}`)).toEqual([
      'ea:Master:M9@relay-b:Online',
      'ea:Master:S1@relay-b:Online',
      'ea:Slave:S3@relay-a:Timeout',
      'ea:Slave:S2@relay-b:Online',
    ]);
    const pos = layout(graph.nodes, new Set(), false, nodes);
    // Unlinked masters under the masters, unlinked slaves under the slaves.
    expect(pos.get('ea:Master:M9')?.x).toBe(pos.get('master:M1')?.x);
    expect(pos.get('ea:Slave:S2')?.x).toBe(pos.get('slave:S1')?.x);
    expect(pos.get('ea:Slave:S3')!.y).toBeGreaterThan(pos.get('slave:S1')!.y);
  });
});
