// The engine contract the relay programs against; implemented by the WASM engine and by the plain-TS reference.

import type { SlaveSettings } from '@sankey/shared/domain/settings';
import { type ConnectionStatus, type FilterReason, WARNING_BIT } from '@sankey/shared/protocol/constants';

export { RISK } from './wasm/layout';

export interface SymbolContext {
  detectedPrefix: string;
  detectedSuffix: string;
  availableSpecialSymbols: readonly string[];
}

/**
 * A magic-number list entry as settings may hold it: a number (an integer; beyond ±2^53 only if exact), a
 * decimal string, or a bigint. Anything that is not a signed 64-bit integer makes compileMaster throw.
 */
export type MagicNumberEntry = number | string | bigint;

export interface MemberFilters {
  allowedSymbols: readonly string[] | null;
  blockedSymbols: readonly string[] | null;
  allowedMagicNumbers: readonly MagicNumberEntry[] | null;
  blockedMagicNumbers: readonly MagicNumberEntry[] | null;
}

export interface MemberRule {
  slaveAccount: string;
  /** Persisted runtime status (0/1/2); the copy gate requires exactly 2. */
  status: number;
  settings: Pick<
    SlaveSettings,
    'symbolPrefix' | 'symbolSuffix' | 'symbolMappings' | 'copyPendingOrders' | 'sourceLotMin' | 'sourceLotMax'
  > & {
    filters: MemberFilters;
    /** Opens older than this (SignalInput.ageMs) are refused as `stale_signal`; absent: no age check. */
    maxSignalDelayMs?: number;
  };
  /**
   * The member's risk word at compile time (docs/protocol.md D22, bits RISK in src/wasm/layout.ts; 0 or absent:
   * no control tripped). Later changes go through setMemberRisk without a recompile.
   */
  risk?: number;
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
  /**
   * Compared as an exact signed 64-bit integer (docs/protocol.md D18). A value that is not one (a fraction,
   * NaN, ±Infinity, outside [-2^63, 2^63 - 1]) matches no list entry: an allowed list rejects it, a blocked
   * list lets it through.
   */
  magicNumber?: number | bigint | null;
  /** Relay time minus the master's timestamp, ms (docs/protocol.md D22 stale-signal guard); absent: not checked. */
  ageMs?: number | null;
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

/** A member's magic-number list entry that is not a signed 64-bit integer; compileMaster changes nothing. */
export class MemberSettingsError extends Error {
  override readonly name = 'MemberSettingsError';
  constructor(
    readonly masterId: string,
    readonly slaveAccount: string,
    message: string,
  ) {
    super(`master ${masterId}, member ${slaveAccount}: ${message}`);
  }
}

/** Counters and gauges for metrics; cheap to read (no traversal). */
export interface EngineStats {
  /** Symbols interned now. Only compiled settings and synonym groups are interned, never signal symbols. */
  internedSymbols: number;
  /** Configured cap on interned symbols (`maxSymbols`). */
  symbolCap: number;
  /** Times the symbol table was rebuilt from the compiled masters because it reached the cap. */
  symbolCompactions: number;
  /** Symbol columns built (one per master and distinct raw symbol; a signal with a new symbol builds one). */
  symbolColumnsBuilt: number;
  /** Times a master's symbol columns were all dropped (byte budget or column count reached). */
  symbolColumnDrops: number;
  /** Times every table was laid out again to reclaim freed linear memory. */
  memoryCompactions: number;
  /** Size of the linear memory in bytes (0 for the reference engine). */
  memoryBytes: number;
}

export interface CopyEngine {
  /** Replaces the synonym groups and recompiles every master (auto-mapping depends on them). */
  setSynonymGroups(groups: readonly (readonly string[])[]): void;
  /**
   * (Re)compiles a master's members, in the order given (the relay sorts by slave id byte order). Throws
   * MemberSettingsError (and keeps the previous compile) when a magic-number entry is not a 64-bit integer.
   */
  compileMaster(masterId: string, master: MasterAffixes, members: readonly MemberRule[]): void;
  /** Updates one member's persisted status without recompiling. Unknown master/slave: no-op. */
  setMemberStatus(masterId: string, slaveAccount: string, status: number): void;
  /**
   * Sets one member's risk word (docs/protocol.md D22): any set bit refuses its Opens, the lowest one naming the
   * reason. Kept across recompiles only if the caller passes it again in MemberRule.risk. Unknown: no-op.
   */
  setMemberRisk(masterId: string, slaveAccount: string, risk: number): void;
  removeMaster(masterId: string): void;
  /** One call evaluates every member of the master. Results are valid until the next call. Unknown master: empty. */
  evaluateSignal(masterId: string, signal: SignalInput): SignalResults;
  stats(): EngineStats;
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
