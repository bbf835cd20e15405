// CopyEngine (docs/protocol.md §10) in plain TypeScript: per-member settings precomputed into Sets and
// Maps, evaluated member by member. The baseline the WASM engine is measured against.
import { FILTER_REASONS, PENDING_ORDER_TYPES, Status } from '@sankey/shared/protocol/constants';
import type { EngineStats, MasterAffixes, MemberRule, SignalInput, SignalResults } from '../api';
import { compileMagicList, I64_MAX, I64_MIN } from '../magic';

export enum Reason {
  Accepted = 0,
  NotConnected = 1,
  PendingDisabled = 2,
  LotsBelowMin = 3,
  LotsAboveMax = 4,
  SymbolNotAllowed = 5,
  SymbolBlocked = 6,
  MagicNotAllowed = 7,
  MagicBlocked = 8,
  StaleSignal = 9,
  ManualCloseOnly = 10,
}

/** Risk bits (docs/protocol.md D22) in reason order: bit k refuses Opens with reason ManualCloseOnly + k. */
const RISK_BITS = 4;

export interface CompiledMember {
  slaveAccount: string;
  status: number;
  risk: number;
  maxSignalDelayMs: number;
  copyPendingOrders: boolean;
  lotMin: number | null;
  lotMax: number | null;
  allowedSymbols: ReadonlySet<string> | null;
  blockedSymbols: ReadonlySet<string> | null;
  allowedMagic: ReadonlySet<bigint> | null;
  blockedMagic: ReadonlySet<bigint> | null;
  /** source → target; the first mapping for a source wins. */
  mappings: ReadonlyMap<string, string>;
  /**
   * Present iff a symbol context is attached (enables auto-mapping and detected affixes): the reported special
   * symbols with the slave's detected prefix/suffix stripped (`GOLD.m` → `GOLD`), as synonyms are written.
   */
  availableSpecials: ReadonlySet<string> | null;
  prefix: string;
  suffix: string;
}

interface CompiledMaster {
  prefix: string;
  suffix: string;
  members: CompiledMember[];
  byAccount: Map<string, CompiledMember>;
}

const nonEmpty = (s: string | null | undefined): s is string => s != null && s !== '';

/** Strips the prefix once if the symbol starts with it, then the suffix once if it ends with it (§10.2 step 1). */
export function stripAffixes(symbol: string, prefix: string, suffix: string): string {
  let s = symbol;
  if (prefix !== '' && s.startsWith(prefix)) s = s.slice(prefix.length);
  if (suffix !== '' && s.endsWith(suffix)) s = s.slice(0, s.length - suffix.length);
  return s;
}

/** An exact i64 as bigint, or null for a value that is not one (it matches no list entry). */
function signalMagic(m: number | bigint): bigint | null {
  if (typeof m === 'number') {
    if (!Number.isInteger(m)) return null;
    m = BigInt(m);
  }
  return m >= I64_MIN && m <= I64_MAX ? m : null;
}

function compileMember(masterId: string, rule: MemberRule): CompiledMember {
  const { settings, symbolContext: ctx } = rule;
  const f = settings.filters;
  const magic = (field: 'allowedMagicNumbers' | 'blockedMagicNumbers') => {
    const list = compileMagicList(f[field], field, masterId, rule.slaveAccount);
    return list ? new Set(list) : null;
  };
  const mappings = new Map<string, string>();
  for (const m of settings.symbolMappings)
    if (!mappings.has(m.sourceSymbol)) mappings.set(m.sourceSymbol, m.targetSymbol);
  return {
    slaveAccount: rule.slaveAccount,
    status: rule.status,
    risk: rule.risk ?? 0,
    maxSignalDelayMs: settings.maxSignalDelayMs ?? Number.POSITIVE_INFINITY,
    copyPendingOrders: settings.copyPendingOrders,
    lotMin: settings.sourceLotMin,
    lotMax: settings.sourceLotMax,
    allowedSymbols: f.allowedSymbols ? new Set(f.allowedSymbols) : null,
    blockedSymbols: f.blockedSymbols ? new Set(f.blockedSymbols) : null,
    allowedMagic: magic('allowedMagicNumbers'),
    blockedMagic: magic('blockedMagicNumbers'),
    mappings,
    availableSpecials: ctx
      ? new Set(
          ctx.availableSpecialSymbols.map((s) => stripAffixes(s, ctx.detectedPrefix, ctx.detectedSuffix)),
        )
      : null,
    prefix: nonEmpty(settings.symbolPrefix) ? settings.symbolPrefix : ctx ? ctx.detectedPrefix : '',
    suffix: nonEmpty(settings.symbolSuffix) ? settings.symbolSuffix : ctx ? ctx.detectedSuffix : '',
  };
}

class ArrayResults implements SignalResults {
  constructor(
    private readonly accounts: readonly string[],
    private readonly reasons: readonly number[],
    private readonly symbols: readonly (string | undefined)[],
  ) {}
  get length(): number {
    return this.accounts.length;
  }
  slaveAccount(i: number): string {
    return this.accounts[i]!;
  }
  accepted(i: number): boolean {
    return this.reasons[i] === Reason.Accepted;
  }
  reasonCode(i: number): number {
    return this.reasons[i]!;
  }
  reason(i: number) {
    return FILTER_REASONS[this.reasons[i]!]!;
  }
  symbol(i: number): string | undefined {
    return this.symbols[i];
  }
}

export class ReferenceCopyEngine {
  private readonly masters = new Map<string, CompiledMaster>();
  /** Symbol → the first synonym group (configured order) that contains it. */
  protected firstGroup = new Map<string, readonly string[]>();

  setSynonymGroups(groups: readonly (readonly string[])[]): void {
    const first = new Map<string, readonly string[]>();
    for (const g of groups) for (const s of g) if (!first.has(s)) first.set(s, g);
    this.firstGroup = first;
  }

  compileMaster(masterId: string, master: MasterAffixes, members: readonly MemberRule[]): void {
    const compiled = members.map((m) => compileMember(masterId, m));
    const byAccount = new Map<string, CompiledMember>();
    for (const m of compiled) if (!byAccount.has(m.slaveAccount)) byAccount.set(m.slaveAccount, m);
    this.masters.set(masterId, {
      prefix: master.symbolPrefix ?? '',
      suffix: master.symbolSuffix ?? '',
      members: compiled,
      byAccount,
    });
  }

  setMemberStatus(masterId: string, slaveAccount: string, status: number): void {
    const m = this.masters.get(masterId)?.byAccount.get(slaveAccount);
    if (m) m.status = status;
  }

  setMemberRisk(masterId: string, slaveAccount: string, risk: number): void {
    const m = this.masters.get(masterId)?.byAccount.get(slaveAccount);
    if (m) m.risk = risk;
  }

  removeMaster(masterId: string): void {
    this.masters.delete(masterId);
  }

  evaluateSignal(masterId: string, signal: SignalInput): SignalResults {
    const master = this.masters.get(masterId);
    if (!master) return new ArrayResults([], [], []);
    const { action, orderType, lots, symbol, magicNumber, ageMs } = signal;
    const open = action === 'Open';
    const pending = open && orderType != null && PENDING_ORDER_TYPES.has(orderType);
    const core = symbol != null ? stripAffixes(symbol, master.prefix, master.suffix) : null;
    const magic = magicNumber != null ? signalMagic(magicNumber) : undefined;

    const n = master.members.length;
    const accounts = new Array<string>(n);
    const reasons = new Array<number>(n);
    const symbols = new Array<string | undefined>(n);
    for (let i = 0; i < n; i++) {
      const m = master.members[i]!;
      const reason = this.filter(m, open, pending, lots, symbol, magic, ageMs ?? null);
      accounts[i] = m.slaveAccount;
      reasons[i] = reason;
      symbols[i] = reason === Reason.Accepted && core !== null ? this.transform(m, core) : undefined;
    }
    return new ArrayResults(accounts, reasons, symbols);
  }

  protected filter(
    m: CompiledMember,
    open: boolean,
    pending: boolean,
    lots: number | null | undefined,
    symbol: string | null | undefined,
    /** undefined: the signal has none; null: it has one that is not an exact i64 (matches no entry). */
    magic: bigint | null | undefined,
    ageMs: number | null = null,
  ): Reason {
    if (m.status !== Status.CONNECTED) return Reason.NotConnected;
    if (open && pending && !m.copyPendingOrders) return Reason.PendingDisabled;
    if (open && lots != null) {
      if (m.lotMin !== null && lots < m.lotMin) return Reason.LotsBelowMin;
      if (m.lotMax !== null && lots > m.lotMax) return Reason.LotsAboveMax;
    }
    if (symbol != null) {
      if (m.allowedSymbols && !m.allowedSymbols.has(symbol)) return Reason.SymbolNotAllowed;
      if (m.blockedSymbols?.has(symbol)) return Reason.SymbolBlocked;
    }
    if (magic !== undefined) {
      if (m.allowedMagic && (magic === null || !m.allowedMagic.has(magic))) return Reason.MagicNotAllowed;
      if (magic !== null && m.blockedMagic?.has(magic)) return Reason.MagicBlocked;
    }
    // D22 (Opens only, after §10.1): stale first, then the risk word's lowest bit.
    if (open && ageMs !== null && ageMs > m.maxSignalDelayMs) return Reason.StaleSignal;
    if (open) {
      for (let k = 0; k < RISK_BITS; k++) if ((m.risk & (1 << k)) !== 0) return Reason.ManualCloseOnly + k;
    }
    return Reason.Accepted;
  }

  stats(): EngineStats {
    return {
      internedSymbols: 0,
      symbolCap: 0,
      symbolCompactions: 0,
      symbolColumnsBuilt: 0,
      symbolColumnDrops: 0,
      memoryCompactions: 0,
      memoryBytes: 0,
    };
  }

  protected transform(m: CompiledMember, core: string): string {
    let s = m.mappings.get(core);
    if (s === undefined && m.availableSpecials) s = this.autoMap(core, m.availableSpecials);
    return m.prefix + (s ?? core) + m.suffix;
  }

  protected autoMap(core: string, available: ReadonlySet<string>): string | undefined {
    const group = this.firstGroup.get(core);
    if (!group) return undefined;
    for (const s of group) if (s !== core && available.has(s)) return s;
    return undefined;
  }
}
