// The API views from stored rows plus the relay's live evaluation (docs/api.md, Procedures), through the one builder the
// relay's snapshot uses too (@sankey/shared/api/view-builder, which holds the fallbacks).
import { buildMemberView, buildTradeGroupView, liveMemberOf } from '@sankey/shared/api/view-builder';
import type { GroupEvaluation, MemberView, RelayEvaluations, TradeGroupView } from '@sankey/shared/api/views';
import type { MemberDto, TradeGroupDto } from '../store';

export type Evaluations = ReadonlyMap<string, GroupEvaluation>;

export const indexEvaluations = (answer: RelayEvaluations | null): Evaluations =>
  new Map((answer?.groups ?? []).map((e) => [e.tradeGroupId, e]));

export const tradeGroupView = (group: TradeGroupDto, evaluations: Evaluations): TradeGroupView =>
  buildTradeGroupView(group, evaluations.get(group.id));

export const memberView = (member: MemberDto, evaluations: Evaluations): MemberView =>
  buildMemberView(member, liveMemberOf(evaluations.get(member.tradeGroupId), member.slaveAccount));
