// Status Engine (docs/protocol.md §8) in plain TypeScript: the reference for the WASM evaluation.
import { type ConnectionStatus, Status, WARNING_BIT } from '@sankey/shared/protocol/constants';
import type { MemberStatusBuffers, MemberStatusInput, MemberStatusResults, StatusResult } from '../api';

export function evaluateMaster(
  intent: boolean,
  connection: ConnectionStatus | null,
  isTradeAllowed: boolean,
): StatusResult {
  const online = connection === 'Online';
  let warnings = 0;
  if (!intent) warnings |= WARNING_BIT.master_web_ui_disabled;
  if (!online) warnings |= WARNING_BIT.master_offline;
  if (online && !isTradeAllowed) warnings |= WARNING_BIT.master_auto_trading_disabled;
  return { status: warnings === 0 ? Status.CONNECTED : Status.DISABLED, warnings };
}

export function evaluateMember(
  enabled: boolean,
  online: boolean,
  tradeAllowed: boolean,
  master: StatusResult,
): StatusResult & { allowNewOrders: boolean } {
  let warnings = 0;
  if (!enabled) warnings |= WARNING_BIT.slave_web_ui_disabled;
  if (!online) warnings |= WARNING_BIT.slave_offline;
  if (online && !tradeAllowed) warnings |= WARNING_BIT.slave_auto_trading_disabled;
  // Bit order is priority order: OR = append master warnings without duplicates, then sort by priority.
  warnings |= master.warnings;
  const slaveDisabled = !enabled || !online || !tradeAllowed;
  const status = slaveDisabled
    ? Status.DISABLED
    : master.status === Status.CONNECTED
      ? Status.CONNECTED
      : Status.ENABLED;
  return { status, warnings, allowNewOrders: !slaveDisabled };
}

export function evaluateMembers(input: MemberStatusInput, n: number): MemberStatusResults {
  const status = new Int32Array(n);
  const warnings = new Uint32Array(n);
  const allowNewOrders = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = evaluateMember(
      Boolean(input.enabled[i]),
      Boolean(input.slaveOnline[i]),
      Boolean(input.slaveTradeAllowed[i]),
      { status: input.masterStatus[i]!, warnings: input.masterWarnings[i]! },
    );
    status[i] = r.status;
    warnings[i] = r.warnings;
    allowNewOrders[i] = r.allowNewOrders ? 1 : 0;
  }
  return { status, warnings, allowNewOrders };
}

export function memberStatusBuffers(n: number): MemberStatusBuffers {
  return {
    enabled: new Uint8Array(n),
    slaveOnline: new Uint8Array(n),
    slaveTradeAllowed: new Uint8Array(n),
    masterStatus: new Int32Array(n),
    masterWarnings: new Uint32Array(n),
  };
}

export function changed(a: StatusResult, b: StatusResult): boolean {
  // Warning lists are canonical (priority order, no duplicates), so equal masks ⇔ equal ordered lists.
  return a.status !== b.status || a.warnings !== b.warnings;
}
