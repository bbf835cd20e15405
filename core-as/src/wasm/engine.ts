// The WASM-backed engine. Symbols are interned to ids here; each master's members are compiled into
// struct-of-arrays tables in linear memory; one WASM call evaluates a signal for all members of a master.
import {
  type ConnectionStatus,
  DEFAULT_SYNONYM_GROUPS,
  FILTER_REASONS,
  type FilterReason,
  PENDING_ORDER_TYPES,
} from '@sankey/shared/protocol/constants';
import type {
  CoreEngine,
  EngineStats,
  MasterAffixes,
  MemberRule,
  MemberStatusBuffers,
  MemberStatusInput,
  MemberStatusResults,
  SignalInput,
  SignalResults,
  StatusResult,
} from '../api';
import { compileMagicList, I64_MAX, I64_MIN } from '../magic';
import {
  alignUp as align,
  doubleIndex,
  H,
  HASH_ENTRY_BYTES,
  HEADER_BYTES,
  KIND,
  MEMBER,
  RISK_MASK,
  SIG,
  wordIndex,
} from './layout';
import { type CoreExports, instantiateCore } from './module';

const PAGE = 65_536;
const TWO_32 = 4_294_967_296;
const TWO_63 = 2 ** 63;
const nonEmpty = (s: string | null | undefined): s is string => s != null && s !== '';
const strip = (symbol: string, prefix: string, suffix: string): string => {
  let s = symbol;
  if (prefix !== '' && s.startsWith(prefix)) s = s.slice(prefix.length);
  if (suffix !== '' && s.endsWith(suffix)) s = s.slice(0, s.length - suffix.length);
  return s;
};
/** A master sends a few dozen symbols; beyond this many cached columns, junk symbols are evicted. */
const MAX_COLUMNS_PER_MASTER = 4096;

export interface WasmEngineOptions {
  synonymGroups?: readonly (readonly string[])[];
  /** Compaction runs when garbage exceeds both the live bytes and this floor (default 1 MiB). */
  compactFloorBytes?: number;
  /** Per master, bytes of cached symbol columns (5 bytes × members each) before they are dropped (default 4 MiB). */
  symbolColumnBudgetBytes?: number;
  /**
   * Interned symbols before the table is rebuilt from the compiled masters (default 100,000). Only compiles
   * intern (filters, mappings, synonyms, mapped outputs); signals never do, whatever symbols they carry.
   */
  maxSymbols?: number;
  /** Byte address where table memory starts (default: the module's heap base). Tests place tables past 2 GiB. */
  arenaStartBytes?: number;
}

interface SymbolColumn {
  verdict: number;
  out: number;
  size: number;
  /**
   * Per affix pair, prefix + core + suffix: the output of members without a mapping for this symbol. Column
   * entries refer to them as id -2 - pair, so signal symbols are never interned.
   */
  names: readonly string[];
}

/** A member's magic lists as sorted exact i64 values (validated before anything is replaced). */
interface MagicLists {
  allowed: bigint[] | null;
  blocked: bigint[] | null;
}

interface Block {
  ptr: number;
  size: number;
}

interface MasterTable {
  affixes: MasterAffixes;
  prefix: string;
  suffix: string;
  rules: readonly MemberRule[];
  magic: readonly MagicLists[];
  n: number;
  hdr: number;
  /** i32[pairs] = -2 - pair: "identity output of this pair" for buildSymbolColumn. */
  ident: number;
  statusPtr: number;
  riskPtr: number;
  accounts: string[];
  index: Map<string, number>;
  pairPrefix: string[];
  pairSuffix: string[];
  /** Per affix pair: mapped symbol id → id of prefix + symbol + suffix (compile time only). */
  pairOut: Map<number, number>[];
  /** Raw symbol as received → its column (per member: symbol-filter verdict u8, output symbol id i32). */
  columns: Map<string, SymbolColumn>;
  columnBytes: number;
  /** Blocks of dropped columns (all columns of a master have one size), reused before allocating more. */
  spareColumns: number[];
  blocks: Block[];
}

interface StatusScratch {
  cap: number;
  buffer: ArrayBufferLike;
  inputs: MemberStatusBuffers;
  ptrs: {
    enabled: number;
    online: number;
    trade: number;
    ms: number;
    mw: number;
    st: number;
    w: number;
    allow: number;
  };
  out?: { n: number; results: MemberStatusResults };
}

class WasmSignalResults implements SignalResults {
  length = 0;
  accounts: readonly string[] = [];
  u8: Uint8Array = new Uint8Array(0);
  i32: Int32Array = new Int32Array(0);
  reasonBase = 0;
  symBase = 0;
  names: readonly string[] = [];
  colNames: readonly string[] = [];

  slaveAccount(i: number): string {
    return this.accounts[i]!;
  }
  accepted(i: number): boolean {
    return this.u8[this.reasonBase + i] === 0;
  }
  reasonCode(i: number): number {
    return this.u8[this.reasonBase + i]!;
  }
  reason(i: number): FilterReason {
    return FILTER_REASONS[this.u8[this.reasonBase + i]!]!;
  }
  symbol(i: number): string | undefined {
    const id = this.i32[this.symBase + i]!;
    return id >= 0 ? this.names[id] : id < -1 ? this.colNames[-2 - id] : undefined;
  }
}

export class WasmEngine implements CoreEngine {
  private readonly ex: CoreExports;
  private u8!: Uint8Array;
  private i32!: Int32Array;
  private f64!: Float64Array;
  private i64!: BigInt64Array;

  private readonly base: number;
  private top: number;
  private live = 0;
  private garbage = 0;

  private ids = new Map<string, number>();
  private names: string[] = [];
  private readonly maxSymbols: number;
  /** Symbols the compiled masters referenced at the last rebuild: the next one waits until the table doubles. */
  private symbolsAtRebuild = 0;
  private readonly counters = {
    symbolCompactions: 0,
    symbolColumnsBuilt: 0,
    symbolColumnDrops: 0,
    memoryCompactions: 0,
  };
  /** Synonym symbol id → its first group (ids, configured order). */
  private firstGroup = new Map<number, readonly number[]>();
  private synonymGroups: readonly (readonly string[])[] = [];

  private readonly masters = new Map<string, MasterTable>();
  private results = { reason: 0, sym: 0, cap: 0 };
  private status: StatusScratch | undefined;
  private readonly signalResults = new WasmSignalResults();
  private readonly empty = new WasmSignalResults();

  private readonly compactFloor: number;
  private readonly columnBudget: number;

  constructor(options: WasmEngineOptions = {}) {
    this.compactFloor = options.compactFloorBytes ?? 1 << 20;
    this.columnBudget = options.symbolColumnBudgetBytes ?? 4 << 20;
    this.maxSymbols = options.maxSymbols ?? 100_000;
    this.ex = instantiateCore();
    this.base = align(Math.max(this.ex.heapBase(), options.arenaStartBytes ?? 0), 16);
    this.top = this.base;
    this.refreshViews();
    this.setSynonymGroups(options.synonymGroups ?? DEFAULT_SYNONYM_GROUPS);
  }

  // ---- memory ----

  private refreshViews(): void {
    const buf = this.ex.memory.buffer;
    this.u8 = new Uint8Array(buf);
    this.i32 = new Int32Array(buf);
    this.f64 = new Float64Array(buf);
    this.i64 = new BigInt64Array(buf);
  }

  private alloc(size: number): number {
    const bytes = align(Math.max(size, 16), 16);
    const ptr = this.top;
    this.top += bytes;
    const have = this.ex.memory.buffer.byteLength;
    if (this.top > have) {
      this.ex.memory.grow(Math.ceil((this.top - have) / PAGE) + Math.floor(have / (2 * PAGE))); // ≥ 50 %
      this.refreshViews();
    }
    this.u8.fill(0, ptr, ptr + bytes);
    this.live += bytes;
    return ptr;
  }

  private release(blocks: readonly Block[]): void {
    for (const b of blocks) {
      const bytes = align(Math.max(b.size, 16), 16);
      this.live -= bytes;
      this.garbage += bytes;
    }
  }

  private releaseMaster(m: MasterTable): void {
    this.release(m.blocks);
    this.dropColumns(m);
    this.release(m.spareColumns.map((ptr) => ({ ptr, size: m.n * 5 })));
    m.spareColumns = [];
  }

  /**
   * Forgets every cached column of a master and keeps their memory for the next ones: junk symbols then cycle
   * through a fixed set of blocks instead of growing the arena between compiles.
   */
  private dropColumns(m: MasterTable): void {
    for (const c of m.columns.values()) m.spareColumns.push(c.out);
    m.columns.clear();
    m.columnBytes = 0;
  }

  private maybeCompact(): void {
    if (this.garbage > this.compactFloor && this.garbage > this.live) {
      this.counters.memoryCompactions++;
      this.relayoutAll();
    }
  }

  /**
   * Compiles intern; nothing else frees symbols. When the table reaches the cap, start it afresh with the
   * synonym groups and lay every master out again, which interns exactly what they reference. If they
   * reference nearly the cap themselves, rebuilding on every compile would cost O(all masters) each time, so
   * the next rebuild waits until the table has doubled since this one.
   */
  private maybeCompactSymbols(): void {
    if (this.names.length < this.maxSymbols || this.names.length < 2 * this.symbolsAtRebuild) return;
    this.counters.symbolCompactions++;
    this.rebuildSymbols();
  }

  private rebuildSymbols(): void {
    this.ids = new Map();
    this.names = [];
    const first = new Map<number, readonly number[]>();
    for (const g of this.synonymGroups) {
      const ids = g.map((s) => this.intern(s));
      for (const id of ids) if (!first.has(id)) first.set(id, ids);
    }
    this.firstGroup = first;
    this.relayoutAll();
    this.symbolsAtRebuild = this.names.length;
  }

  /** Drops every table and lays all masters out again (compaction, synonym change). Keeps member statuses. */
  private relayoutAll(): void {
    const saved = [...this.masters].map(([id, m]) => {
      const at = wordIndex(m.statusPtr);
      const statuses = this.i32.slice(at, at + m.n);
      const r = wordIndex(m.riskPtr);
      return { id, m, statuses, risks: this.i32.slice(r, r + m.n) };
    });
    this.top = this.base;
    this.live = 0;
    this.garbage = 0;
    this.results = { reason: 0, sym: 0, cap: 0 };
    this.status = undefined;
    this.masters.clear();
    for (const { id, m, statuses, risks } of saved)
      this.masters.set(id, this.layout(m.affixes, m.rules, m.magic, statuses, risks));
  }

  private intern(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(s);
      this.ids.set(s, id);
    }
    return id;
  }

  // ---- compile ----

  setSynonymGroups(groups: readonly (readonly string[])[]): void {
    this.synonymGroups = groups.map((g) => [...g]);
    // Every master is laid out again anyway: start the symbol table afresh too (drops the old groups' symbols).
    this.rebuildSymbols();
  }

  compileMaster(masterId: string, master: MasterAffixes, members: readonly MemberRule[]): void {
    const rules = [...members];
    const magic = rules.map(({ slaveAccount, settings: { filters: f } }) => ({
      allowed: compileMagicList(f.allowedMagicNumbers, 'allowedMagicNumbers', masterId, slaveAccount),
      blocked: compileMagicList(f.blockedMagicNumbers, 'blockedMagicNumbers', masterId, slaveAccount),
    }));
    const old = this.masters.get(masterId);
    if (old) {
      this.masters.delete(masterId);
      this.releaseMaster(old);
    }
    this.maybeCompactSymbols();
    this.maybeCompact();
    this.masters.set(
      masterId,
      this.layout(
        { symbolPrefix: master.symbolPrefix, symbolSuffix: master.symbolSuffix },
        rules,
        magic,
        null,
        null,
      ),
    );
  }

  removeMaster(masterId: string): void {
    const m = this.masters.get(masterId);
    if (!m) return;
    this.masters.delete(masterId);
    this.releaseMaster(m);
    this.maybeCompact();
  }

  setMemberStatus(masterId: string, slaveAccount: string, status: number): void {
    const m = this.masters.get(masterId);
    const i = m?.index.get(slaveAccount);
    if (m && i !== undefined) this.i32[wordIndex(m.statusPtr) + i] = status;
  }

  setMemberRisk(masterId: string, slaveAccount: string, risk: number): void {
    const m = this.masters.get(masterId);
    const i = m?.index.get(slaveAccount);
    if (m && i !== undefined) this.i32[wordIndex(m.riskPtr) + i] = risk & RISK_MASK;
  }

  private pairOutId(m: MasterTable, pair: number, symId: number): number {
    const cache = m.pairOut[pair]!;
    let out = cache.get(symId);
    if (out === undefined) {
      out = this.intern(m.pairPrefix[pair]! + this.names[symId]! + m.pairSuffix[pair]!);
      cache.set(symId, out);
    }
    return out;
  }

  private layout(
    affixes: MasterAffixes,
    rules: readonly MemberRule[],
    magic: readonly MagicLists[],
    statuses: Int32Array | null,
    risks: Int32Array | null,
  ): MasterTable {
    const n = rules.length;
    const m: MasterTable = {
      affixes,
      prefix: affixes.symbolPrefix ?? '',
      suffix: affixes.symbolSuffix ?? '',
      rules,
      magic,
      n,
      hdr: 0,
      ident: 0,
      statusPtr: 0,
      riskPtr: 0,
      accounts: rules.map((r) => r.slaveAccount),
      index: new Map(),
      pairPrefix: [],
      pairSuffix: [],
      pairOut: [],
      columns: new Map(),
      columnBytes: 0,
      spareColumns: [],
      blocks: [],
    };
    for (let i = 0; i < n; i++) if (!m.index.has(m.accounts[i]!)) m.index.set(m.accounts[i]!, i);

    // Pass 1 (JS): affix pairs, map entries (mapping first, then auto-mapping), magic pool, entry count.
    const pairIndex = new Map<string, number>();
    const pairOf = new Int32Array(n);
    const mapEntries: number[][] = [];
    const magicPool: bigint[] = [];
    const magicInfo = new Int32Array(n * 4);
    let entries = 0;
    for (let i = 0; i < n; i++) {
      const { settings: s, symbolContext: ctx } = rules[i]!;
      const prefix = nonEmpty(s.symbolPrefix) ? s.symbolPrefix : ctx ? ctx.detectedPrefix : '';
      const suffix = nonEmpty(s.symbolSuffix) ? s.symbolSuffix : ctx ? ctx.detectedSuffix : '';
      const key = prefix + '\u0000' + suffix;
      let pair = pairIndex.get(key);
      if (pair === undefined) {
        pair = m.pairPrefix.length;
        pairIndex.set(key, pair);
        m.pairPrefix.push(prefix);
        m.pairSuffix.push(suffix);
        m.pairOut.push(new Map());
      }
      pairOf[i] = pair;

      const map: number[] = []; // flat [sourceId, outId, ...]; duplicates are dropped by hashPut (first wins)
      const sources = new Set<number>();
      for (const { sourceSymbol, targetSymbol } of s.symbolMappings) {
        const src = this.intern(sourceSymbol);
        if (sources.has(src)) continue;
        sources.add(src);
        map.push(src, this.pairOutId(m, pair, this.intern(targetSymbol)));
      }
      if (ctx) {
        // Brokers report specials with their affixes (`GOLD.m`); synonyms are bare. Match on the symbol with the
        // detected affixes stripped; the output gets the member's affixes back like any symbol (§10.2 step 4).
        const avail = new Set<number>();
        for (const sym of ctx.availableSpecialSymbols) {
          const id = this.ids.get(strip(sym, ctx.detectedPrefix, ctx.detectedSuffix));
          if (id !== undefined && this.firstGroup.has(id)) avail.add(id);
        }
        if (avail.size > 0) {
          for (const [core, group] of this.firstGroup) {
            if (sources.has(core)) continue;
            const target = group.find((g) => g !== core && avail.has(g));
            if (target !== undefined) map.push(core, this.pairOutId(m, pair, target));
          }
        }
      }
      mapEntries.push(map);
      const f = s.filters;
      entries += map.length / 2 + (f.allowedSymbols?.length ?? 0) + (f.blockedSymbols?.length ?? 0);
      const lists = [magic[i]!.allowed, magic[i]!.blocked];
      for (let k = 0; k < 2; k++) {
        const sorted = lists[k];
        if (!sorted) continue;
        magicInfo[i * 4 + k * 2] = magicPool.length;
        magicInfo[i * 4 + k * 2 + 1] = sorted.length;
        for (const v of sorted) magicPool.push(v);
      }
    }

    // Pass 2: one block, 8-byte arrays first for alignment.
    let cap = 16;
    while (cap < entries * 2) cap *= 2;
    const pairs = m.pairPrefix.length;
    const oMin = HEADER_BYTES;
    const oMax = oMin + n * 8;
    const oDelay = oMax + n * 8;
    const oPool = oDelay + n * 8;
    const oHash = align(oPool + magicPool.length * 8, 16);
    const oStatus = oHash + cap * HASH_ENTRY_BYTES;
    const oFlags = oStatus + n * 4;
    const oPair = oFlags + n * 4;
    const oMagic = oPair + n * 4;
    const oRisk = oMagic + n * 16;
    const oIdent = oRisk + n * 4;
    const size = oIdent + pairs * 4;
    const ptr = this.alloc(size);
    m.blocks.push({ ptr, size });
    m.hdr = ptr;
    m.statusPtr = ptr + oStatus;
    m.riskPtr = ptr + oRisk;
    m.ident = ptr + oIdent;

    const { i32, f64 } = this;
    const h = wordIndex(ptr);
    i32[h + H.N] = n;
    i32[h + H.STATUS] = ptr + oStatus;
    i32[h + H.FLAGS] = ptr + oFlags;
    i32[h + H.LOT_MIN] = ptr + oMin;
    i32[h + H.LOT_MAX] = ptr + oMax;
    i32[h + H.PAIR] = ptr + oPair;
    i32[h + H.MAGIC] = ptr + oMagic;
    i32[h + H.MAGIC_POOL] = ptr + oPool;
    i32[h + H.HASH] = ptr + oHash;
    i32[h + H.HASH_MASK] = cap - 1;
    i32[h + H.RISK] = ptr + oRisk;
    i32[h + H.MAX_DELAY] = ptr + oDelay;
    this.i64.set(magicPool, doubleIndex(ptr + oPool));
    i32.set(pairOf, wordIndex(ptr + oPair));
    i32.set(magicInfo, wordIndex(ptr + oMagic));
    for (let k = 0; k < pairs; k++) i32[wordIndex(m.ident) + k] = -2 - k;

    const table = ptr + oHash;
    const put = this.ex.hashPut;
    for (let i = 0; i < n; i++) {
      const { settings: s, status, risk } = rules[i]!;
      const f = s.filters;
      let flags = s.copyPendingOrders ? MEMBER.COPY_PENDING : 0;
      if (f.allowedSymbols) {
        flags |= MEMBER.ALLOWED_SYM; // present-but-empty rejects every symbol (wire semantics)
        for (const sym of f.allowedSymbols) put(table, cap - 1, i, KIND.ALLOWED, this.intern(sym), 1);
      }
      if (f.blockedSymbols && f.blockedSymbols.length > 0) {
        flags |= MEMBER.BLOCKED_SYM;
        for (const sym of f.blockedSymbols) put(table, cap - 1, i, KIND.BLOCKED, this.intern(sym), 1);
      }
      if (magic[i]!.allowed) flags |= MEMBER.ALLOWED_MAGIC; // present-but-empty rejects every magic number
      if (magic[i]!.blocked && magic[i]!.blocked!.length > 0) flags |= MEMBER.BLOCKED_MAGIC;
      const map = mapEntries[i]!;
      if (map.length > 0) flags |= MEMBER.HAS_MAP;
      for (let k = 0; k < map.length; k += 2) put(table, cap - 1, i, KIND.MAP, map[k]!, map[k + 1]!);
      i32[wordIndex(ptr + oFlags) + i] = flags;
      i32[wordIndex(ptr + oStatus) + i] = statuses ? statuses[i]! : status;
      f64[doubleIndex(ptr + oMin) + i] = s.sourceLotMin ?? Number.NEGATIVE_INFINITY;
      f64[doubleIndex(ptr + oMax) + i] = s.sourceLotMax ?? Number.POSITIVE_INFINITY;
      f64[doubleIndex(ptr + oDelay) + i] = s.maxSignalDelayMs ?? Number.POSITIVE_INFINITY;
      i32[wordIndex(ptr + oRisk) + i] = risks ? risks[i]! : (risk ?? 0) & RISK_MASK;
    }
    return m;
  }

  // ---- copy hot path ----

  /**
   * Builds (once per master and raw symbol) the column the hot loop reads instead of probing hash tables.
   * Interns nothing: a symbol that is not interned is in no filter list and no mapping or synonym group, so
   * -1 ids give its exact verdicts, and its identity outputs live in the column (`names`).
   */
  private columnFor(m: MasterTable, symbol: string): SymbolColumn {
    const size = m.n * 5;
    if (
      (m.columnBytes + size > this.columnBudget || m.columns.size >= MAX_COLUMNS_PER_MASTER) &&
      m.columns.size > 0
    ) {
      this.counters.symbolColumnDrops++;
      this.dropColumns(m);
    }
    const rawId = this.ids.get(symbol) ?? -1;
    const core = strip(symbol, m.prefix, m.suffix);
    const coreId = core === symbol ? rawId : (this.ids.get(core) ?? -1);
    const ptr = m.spareColumns.pop() ?? this.alloc(size);
    const col: SymbolColumn = {
      out: ptr,
      verdict: ptr + m.n * 4,
      size,
      names: m.pairPrefix.map((p, k) => p + core + m.pairSuffix[k]!),
    };
    this.ex.buildSymbolColumn(m.hdr, rawId, coreId, m.ident, col.verdict, col.out);
    m.columns.set(symbol, col);
    m.columnBytes += size;
    this.counters.symbolColumnsBuilt++;
    return col;
  }

  evaluateSignal(masterId: string, signal: SignalInput): SignalResults {
    const m = this.masters.get(masterId);
    if (!m || m.n === 0) return this.empty;
    const { action, orderType, lots, symbol, magicNumber, ageMs } = signal;
    let sig = 0;
    if (action === 'Open') {
      sig |= SIG.OPEN;
      if (ageMs != null) sig |= SIG.AGE;
      if (orderType != null && PENDING_ORDER_TYPES.has(orderType)) sig |= SIG.PENDING;
      if (lots != null) sig |= SIG.LOTS;
    }
    let verdict = 0;
    let outCol = 0;
    let colNames: readonly string[] = [];
    if (symbol != null) {
      sig |= SIG.SYMBOL;
      const col = m.columns.get(symbol) ?? this.columnFor(m, symbol);
      verdict = col.verdict;
      outCol = col.out;
      colNames = col.names;
    }
    // The magic number crosses as two i32 halves (no BigInt per signal for the usual number input).
    let lo = 0;
    let hi = 0;
    if (magicNumber != null) {
      sig |= SIG.MAGIC;
      if (typeof magicNumber === 'number') {
        if (Number.isInteger(magicNumber) && magicNumber >= -TWO_63 && magicNumber < TWO_63) {
          sig |= SIG.MAGIC_EXACT;
          lo = magicNumber | 0; // ToInt32 is exact modulo 2^32 for any integral double
          hi = Math.floor(magicNumber / TWO_32);
        }
      } else if (magicNumber >= I64_MIN && magicNumber <= I64_MAX) {
        sig |= SIG.MAGIC_EXACT;
        lo = Number(BigInt.asIntN(32, magicNumber));
        hi = Number(magicNumber >> 32n);
      }
    }

    const r = this.ensureResults(m.n);
    this.ex.evaluateSignal(m.hdr, sig, lots ?? 0, lo, hi, ageMs ?? 0, verdict, outCol, r.reason, r.sym);

    const out = this.signalResults;
    out.length = m.n;
    out.accounts = m.accounts;
    out.u8 = this.u8;
    out.i32 = this.i32;
    out.reasonBase = r.reason;
    out.symBase = wordIndex(r.sym);
    out.names = this.names;
    out.colNames = colNames;
    return out;
  }

  stats(): EngineStats {
    return {
      internedSymbols: this.names.length,
      symbolCap: this.maxSymbols,
      ...this.counters,
      memoryBytes: this.ex.memory.buffer.byteLength,
    };
  }

  private ensureResults(n: number) {
    if (this.results.cap < n) {
      if (this.results.cap > 0) this.release([{ ptr: 0, size: this.results.cap * 5 + 16 }]);
      const cap = Math.max(n, 64);
      const sym = this.alloc(cap * 5 + 16);
      this.results = { sym, reason: sym + cap * 4, cap };
    }
    return this.results;
  }

  // ---- status ----

  evaluateMaster(
    intent: boolean,
    connection: ConnectionStatus | null,
    isTradeAllowed: boolean,
  ): StatusResult {
    const r = this.ex.evaluateMaster(intent ? 1 : 0, connection === 'Online' ? 1 : 0, isTradeAllowed ? 1 : 0);
    return { status: r & 0xff, warnings: r >>> 8 };
  }

  private ensureStatus(n: number): StatusScratch {
    let s = this.status;
    if (s && s.cap >= n && s.buffer === this.ex.memory.buffer) return s;
    if (!s || s.cap < n) {
      if (s) this.release([{ ptr: 0, size: s.cap * 23 + 64 }]);
      const cap = Math.max(align(n, 16), 64);
      const p = this.alloc(cap * 23 + 64);
      const ptrs = {
        ms: p,
        mw: p + cap * 4,
        st: p + cap * 8,
        w: p + cap * 12,
        enabled: p + cap * 16,
        online: p + cap * 17,
        trade: p + cap * 18,
        allow: p + cap * 19,
      };
      s = { cap, buffer: this.ex.memory.buffer, ptrs, inputs: undefined as unknown as MemberStatusBuffers };
      this.status = s;
    }
    const buf = this.ex.memory.buffer;
    const { ptrs, cap } = s;
    s.buffer = buf;
    s.inputs = {
      enabled: new Uint8Array(buf, ptrs.enabled, cap),
      slaveOnline: new Uint8Array(buf, ptrs.online, cap),
      slaveTradeAllowed: new Uint8Array(buf, ptrs.trade, cap),
      masterStatus: new Int32Array(buf, ptrs.ms, cap),
      masterWarnings: new Uint32Array(buf, ptrs.mw, cap),
    };
    s.out = undefined;
    return s;
  }

  memberStatusBuffers(n: number): MemberStatusBuffers {
    return this.ensureStatus(n).inputs;
  }

  evaluateMembers(input: MemberStatusInput, n: number): MemberStatusResults {
    const s = this.ensureStatus(n);
    const b = s.inputs;
    if (input.enabled !== b.enabled) for (let i = 0; i < n; i++) b.enabled[i] = input.enabled[i] ? 1 : 0;
    if (input.slaveOnline !== b.slaveOnline)
      for (let i = 0; i < n; i++) b.slaveOnline[i] = input.slaveOnline[i] ? 1 : 0;
    if (input.slaveTradeAllowed !== b.slaveTradeAllowed)
      for (let i = 0; i < n; i++) b.slaveTradeAllowed[i] = input.slaveTradeAllowed[i] ? 1 : 0;
    if (input.masterStatus !== b.masterStatus)
      for (let i = 0; i < n; i++) b.masterStatus[i] = input.masterStatus[i]!;
    if (input.masterWarnings !== b.masterWarnings)
      for (let i = 0; i < n; i++) b.masterWarnings[i] = input.masterWarnings[i]!;
    const p = s.ptrs;
    this.ex.evaluateMembers(n, p.enabled, p.online, p.trade, p.ms, p.mw, p.st, p.w, p.allow);
    if (s.out?.n !== n) {
      const buf = s.buffer;
      s.out = {
        n,
        results: {
          status: new Int32Array(buf, p.st, n),
          warnings: new Uint32Array(buf, p.w, n),
          allowNewOrders: new Uint8Array(buf, p.allow, n),
        },
      };
    }
    return s.out.results;
  }

  changed(a: StatusResult, b: StatusResult): boolean {
    // Not worth a boundary crossing: two integer compares (masks are canonical ordered warning lists).
    return a.status !== b.status || a.warnings !== b.warnings;
  }
}

export function createWasmEngine(options?: WasmEngineOptions): CoreEngine {
  return new WasmEngine(options);
}
