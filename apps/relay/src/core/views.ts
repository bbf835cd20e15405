// Views of the relay's live state for socket.io snapshots and the control API (docs/api.md, Procedures, Realtime events and Relay control API), through the
// builder the web's tRPC views use too (@sankey/shared/api/view-builder).
import type { SystemSnapshot } from '@sankey/shared/api/events';
import { buildMemberView, buildTradeGroupView } from '@sankey/shared/api/view-builder';
import type { GroupEvaluation, MemberView, TradeGroupView } from '@sankey/shared/api/views';
import { compareUtf8 } from '@sankey/shared/domain/byte-order';
import { warningsFromMask } from '@sankey/shared/protocol/constants';
import { connectionView } from '../state/connections';
import type { GroupState, MemberState } from '../state/groups';
import type { MemberResult } from './evaluation';
import type { RelayCore } from './relay-core';

export function tradeGroupView(core: RelayCore, group: GroupState): TradeGroupView {
  const r = core.masterStatus(group.id);
  return buildTradeGroupView(group, {
    masterRuntimeStatus: r.status,
    masterWarningCodes: warningsFromMask(r.warnings),
  });
}

export function memberView(member: MemberState, result: MemberResult): MemberView {
  return buildMemberView(
    { ...member, slaveSettings: member.settings },
    { status: result.status, warningCodes: warningsFromMask(result.warnings) },
  );
}

const newestFirst = (a: GroupState, b: GroupState) =>
  b.createdAt.getTime() - a.createdAt.getTime() || compareUtf8(a.id, b.id);

export function systemSnapshot(core: RelayCore, appliedOutboxId: number): SystemSnapshot {
  const groups = [...core.groups()].sort(newestFirst);
  return {
    appliedOutboxId,
    connections: core.connections().map(connectionView),
    tradeGroups: groups.map((g) => tradeGroupView(core, g)),
    members: groups.flatMap((g) => {
      const master = core.masterStatus(g.id);
      return core.membersOf(g.id).map((m) => memberView(m, core.viewMember(m, master)));
    }),
  };
}

/** Narrows `evaluations`: one group, and/or one slave's memberships (docs/api.md, Relay control API). */
export interface EvaluationFilter {
  group?: string;
  slave?: string;
}

export function evaluations(core: RelayCore, filter: EvaluationFilter = {}): GroupEvaluation[] {
  const { group, slave } = filter;
  const one = group === undefined ? undefined : core.group(group);
  const groups = group === undefined ? [...core.groups()].sort(newestFirst) : one ? [one] : [];
  return groups.map((g) => {
    const master = core.masterStatus(g.id);
    const members = core.membersOf(g.id);
    const member = slave === undefined ? undefined : core.member(g.id, slave);
    return {
      tradeGroupId: g.id,
      masterRuntimeStatus: master.status,
      masterWarningCodes: warningsFromMask(master.warnings),
      members: (slave === undefined ? members : member ? [member] : []).map((m) => {
        const r = core.viewMember(m, master);
        return {
          slaveAccount: m.slaveAccount,
          status: r.status,
          warningCodes: warningsFromMask(r.warnings),
          allowNewOrders: r.allowNewOrders,
        };
      }),
    };
  });
}
