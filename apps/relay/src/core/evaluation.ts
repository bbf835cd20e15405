// Status evaluation helpers of docs/protocol.md §6.2, over the core-as status engine.
import { MISSING_MASTER_STATUS, UNKNOWN_STATUS } from '@sankey/core-as/api';
import type { ConnectionSnapshot } from '../state/connections';
import type { GroupState } from '../state/groups';
import type { Engine } from './engine';

export interface MasterResult {
  status: number;
  warnings: number;
}

export interface MemberResult extends MasterResult {
  allowNewOrders: boolean;
}

/** The "unknown" previous state: always differs from a real evaluation (§8.4). */
export const UNKNOWN_RESULT: MemberResult = { ...UNKNOWN_STATUS, allowNewOrders: false };

/** Result for a master without a TradeGroup. */
export const MISSING_GROUP_RESULT: MasterResult = MISSING_MASTER_STATUS;

export class Evaluator {
  // One-element inputs reused for single evaluations; bulk callers use the engine directly.
  private readonly enabled = new Uint8Array(1);
  private readonly online = new Uint8Array(1);
  private readonly tradeAllowed = new Uint8Array(1);
  private readonly masterStatus = new Int32Array(1);
  private readonly masterWarnings = new Uint32Array(1);

  constructor(private readonly engine: Engine) {}

  master(group: GroupState | undefined, conn: ConnectionSnapshot): MasterResult {
    if (!group) return MISSING_GROUP_RESULT;
    const r = this.engine.evaluateMaster(group.enabled, conn.status, conn.isTradeAllowed);
    return { status: r.status, warnings: r.warnings };
  }

  member(enabled: boolean, slave: ConnectionSnapshot, master: MasterResult): MemberResult {
    this.enabled[0] = enabled ? 1 : 0;
    this.online[0] = slave.status === 'Online' ? 1 : 0;
    this.tradeAllowed[0] = slave.isTradeAllowed ? 1 : 0;
    this.masterStatus[0] = master.status;
    this.masterWarnings[0] = master.warnings;
    const out = this.engine.evaluateMembers(
      {
        enabled: this.enabled,
        slaveOnline: this.online,
        slaveTradeAllowed: this.tradeAllowed,
        masterStatus: this.masterStatus,
        masterWarnings: this.masterWarnings,
      },
      1,
    );
    return { status: out.status[0]!, warnings: out.warnings[0]!, allowNewOrders: !!out.allowNewOrders[0] };
  }

  changed(a: MasterResult, b: MasterResult): boolean {
    return this.engine.changed(a, b);
  }
}
