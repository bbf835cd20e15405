// Builds the API views from stored rows plus the relay's live evaluation (README §4). Without an evaluation
// (relay unreachable, or it has not applied the change yet) the fallbacks apply: persisted member status,
// master status 0, no warnings.
import type { GroupEvaluation, MemberView, TradeGroupView } from '@sankey/shared/api/views';
import type { MemberDto, TradeGroupDto } from '../store';

export type Evaluations = ReadonlyMap<string, GroupEvaluation>;

export const indexEvaluations = (list: GroupEvaluation[] | null): Evaluations =>
  new Map((list ?? []).map((e) => [e.tradeGroupId, e]));

export function tradeGroupView(group: TradeGroupDto, evaluations: Evaluations): TradeGroupView {
  const live = evaluations.get(group.id);
  return {
    id: group.id,
    masterSettings: {
      enabled: group.enabled,
      symbolPrefix: group.symbolPrefix,
      symbolSuffix: group.symbolSuffix,
      configVersion: group.configVersion,
    },
    masterRuntimeStatus: live?.masterRuntimeStatus ?? 0,
    masterWarningCodes: live?.masterWarningCodes ?? [],
    createdAt: group.createdAt.toISOString(),
    updatedAt: group.updatedAt.toISOString(),
  };
}

export function memberView(member: MemberDto, evaluations: Evaluations): MemberView {
  const live = evaluations
    .get(member.tradeGroupId)
    ?.members.find((m) => m.slaveAccount === member.slaveAccount);
  return {
    id: member.id,
    tradeGroupId: member.tradeGroupId,
    slaveAccount: member.slaveAccount,
    slaveSettings: member.slaveSettings,
    enabled: member.enabled,
    status: live?.status ?? member.status,
    warningCodes: live?.warningCodes ?? [],
    createdAt: member.createdAt.toISOString(),
    updatedAt: member.updatedAt.toISOString(),
  };
}
