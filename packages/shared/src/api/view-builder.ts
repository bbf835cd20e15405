// The one builder of TradeGroupView / MemberView (docs/api.md, "Views"), used by the web's tRPC views and the
// relay's socket.io snapshot, so both answer the same shape from the same rules. Settings, `enabled` and the
// timestamps come from the stored rows; status and warnings from the relay's live evaluation when there is one.
// Without it (relay unreachable, or it has not applied the change yet) the fallbacks of docs/api.md apply:
// the persisted member status, master status 0, no warnings.
import type { DeliveryMode } from '../domain/delivery';
import type { SlaveSettings } from '../domain/settings';
import type { WarningCode } from '../protocol/constants';
import type { GroupEvaluation, MemberView, TradeGroupView } from './views';

export interface StoredGroup {
  id: string;
  enabled: boolean;
  symbolPrefix: string | null;
  symbolSuffix: string | null;
  delivery?: DeliveryMode;
  configVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface StoredMember {
  id: number;
  tradeGroupId: string;
  slaveAccount: string;
  slaveSettings: SlaveSettings;
  enabled: boolean;
  /** The runtime status as last persisted by the relay (D2). */
  status: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface LiveMaster {
  masterRuntimeStatus: number;
  masterWarningCodes: WarningCode[];
}

export interface LiveMember {
  status: number;
  warningCodes: WarningCode[];
}

export function buildTradeGroupView(group: StoredGroup, live?: LiveMaster | null): TradeGroupView {
  return {
    id: group.id,
    masterSettings: {
      enabled: group.enabled,
      symbolPrefix: group.symbolPrefix,
      symbolSuffix: group.symbolSuffix,
      delivery: group.delivery ?? 'shared',
      configVersion: group.configVersion,
    },
    masterRuntimeStatus: live?.masterRuntimeStatus ?? 0,
    masterWarningCodes: live ? [...live.masterWarningCodes] : [],
    createdAt: group.createdAt.toISOString(),
    updatedAt: group.updatedAt.toISOString(),
  };
}

export function buildMemberView(member: StoredMember, live?: LiveMember | null): MemberView {
  return {
    id: member.id,
    tradeGroupId: member.tradeGroupId,
    slaveAccount: member.slaveAccount,
    slaveSettings: member.slaveSettings,
    enabled: member.enabled,
    status: live?.status ?? member.status,
    warningCodes: live ? [...live.warningCodes] : [],
    createdAt: member.createdAt.toISOString(),
    updatedAt: member.updatedAt.toISOString(),
  };
}

/** The live evaluation of one member inside its group's evaluation, if the relay has one. */
export function liveMemberOf(group: GroupEvaluation | undefined, slaveAccount: string): LiveMember | null {
  return group?.members.find((m) => m.slaveAccount === slaveAccount) ?? null;
}
