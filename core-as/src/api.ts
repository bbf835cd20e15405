// The engine contract the relay programs against; implemented by the WASM engine and by the plain-TS reference.

import type { SlaveSettings } from '@sankey/shared/domain/settings';
import { type ConnectionStatus, type FilterReason, WARNING_BIT } from '@sankey/shared/protocol/constants';

export interface SymbolContext {
  detectedPrefix: string;
  detectedSuffix: string;
  availableSpecialSymbols: readonly string[];
}

export interface MemberRule {
  slaveAccount: string;
  /** Persisted runtime status (0/1/2); the copy gate requires exactly 2. */
  status: number;
  settings: Pick<
    SlaveSettings,
    | 'symbolPrefix'
    | 'symbolSuffix'
    | 'symbolMappings'
    | 'filters'
    | 'copyPendingOrders'
    | 'sourceLotMin'
    | 'sourceLotMax'
  >;
  /** Attached iff the slave has a connection entry with a non-null symbol_context. */
  symbolContext: SymbolContext | null;
}

export interface MasterAffixes {
  symbolPrefix: string | null;
  symbolSuffix: string | null;
}

export interface SignalInput {
  action: 'Open' | 'Close' | 'Modify';
  orderType?: string | null;
  lots?: number | null;
  symbol?: string | null;
  magicNumber?: number | null;
}

/** Per-member outcome of one signal, in the member order given to compileMaster. */
export interface SignalResults {
  readonly length: number;
  slaveAccount(i: number): string;
  accepted(i: number): boolean;
  /** Index into FILTER_REASONS (0 = accepted). */
  reasonCode(i: number): number;
  reason(i: number): FilterReason;
  /** Transformed symbol for accepted members of a signal that has a symbol; otherwise undefined. */
  symbol(i: number): string | undefined;
}

export interface CopyEngine {
  /** Replaces the synonym groups and recompiles every master (auto-mapping depends on them). */
  setSynonymGroups(groups: readonly (readonly string[])[]): void;
  /** (Re)compiles a master's members, in the order given (the relay sorts by slave id byte order). */
  compileMaster(masterId: string, master: MasterAffixes, members: readonly MemberRule[]): void;
  /** Updates one member's persisted status without recompiling. Unknown master/slave: no-op. */
  setMemberStatus(masterId: string, slaveAccount: string, status: number): void;
  removeMaster(masterId: string): void;
  /** One call evaluates every member of the master. Results are valid until the next call. Unknown master: empty. */
  evaluateSignal(masterId: string, signal: SignalInput): SignalResults;
}

export interface StatusResult {
  status: number;
  /** Warning bitmask; bit i = WARNING_CODES[i], so bit order is priority order. */
  warnings: number;
}

export interface MemberStatusInput {
  enabled: ArrayLike<boolean | number>;
  /** Slave connection status === 'Online'. */
  slaveOnline: ArrayLike<boolean | number>;
  slaveTradeAllowed: ArrayLike<boolean | number>;
  /** The member's own master result (§6.2: missing TradeGroup → status 0, master_offline). */
  masterStatus: ArrayLike<number>;
  masterWarnings: ArrayLike<number>;
}

/** Typed input buffers an engine hands out; passing them back to evaluateMembers avoids a copy. */
export interface MemberStatusBuffers {
  enabled: Uint8Array;
  slaveOnline: Uint8Array;
  slaveTradeAllowed: Uint8Array;
  masterStatus: Int32Array;
  masterWarnings: Uint32Array;
}

export interface MemberStatusResults {
  status: Int32Array;
  warnings: Uint32Array;
  allowNewOrders: Uint8Array;
}

export interface StatusEngine {
  evaluateMaster(intent: boolean, connection: ConnectionStatus | null, isTradeAllowed: boolean): StatusResult;
  /**
   * Buffers of at least n entries to fill before evaluateMembers. Fetch them again before each fill: a later
   * compile may grow WASM memory, which detaches older views.
   */
  memberStatusBuffers(n: number): MemberStatusBuffers;
  /** Bulk §8.3 for n members. The returned arrays are valid until the next call. */
  evaluateMembers(input: MemberStatusInput, n: number): MemberStatusResults;
  /** §8.4: status or ordered warning list differ (allowNewOrders ignored). */
  changed(a: StatusResult, b: StatusResult): boolean;
}

export type CoreEngine = CopyEngine & StatusEngine;

/** The "unknown previous state" for change detection (§8.4). */
export const UNKNOWN_STATUS: StatusResult = Object.freeze({ status: -1, warnings: 0 });

/** §6.2: result used when the TradeGroup is missing. */
export const MISSING_MASTER_STATUS: StatusResult = Object.freeze({
  status: 0,
  warnings: WARNING_BIT.master_offline,
});
