// Copy filter, symbol transform and status evaluation over struct-of-arrays tables that the TS wrapper
// (src/wasm/engine.ts) lays out in linear memory. This module never allocates: runtime `stub`, JS owns memory.
// Addresses are usize (u32 in wasm32) throughout, so tables past 2 GiB work; the TS side does the same with `>>>`.

// The constants are exported (immutable globals) so that src/layout.test.ts can check them against
// src/wasm/layout.ts, FILTER_REASONS and WARNING_BIT in the compiled module rather than by reading this file.

// Master table header: byte offsets of u32 words at `hdr`.
export const H_N: u32 = 0;
export const H_STATUS: u32 = 4;
export const H_FLAGS: u32 = 8;
export const H_LOT_MIN: u32 = 12;
export const H_LOT_MAX: u32 = 16;
export const H_PAIR: u32 = 20;
export const H_MAGIC: u32 = 24;
export const H_MAGIC_POOL: u32 = 28;
export const H_HASH: u32 = 32;
export const H_HASH_MASK: u32 = 36;
export const H_RISK: u32 = 40;
export const H_MAX_DELAY: u32 = 44;

// Signal flags. S_MAGIC_EXACT: the magic number is an exact signed 64-bit integer (else it matches no entry).
export const S_OPEN: i32 = 1;
export const S_PENDING: i32 = 2;
export const S_LOTS: i32 = 4;
export const S_SYMBOL: i32 = 8;
export const S_MAGIC: i32 = 16;
export const S_MAGIC_EXACT: i32 = 32;
/** The signal carries its age (relay time − master timestamp, ms): Opens older than the member's limit are stale. */
export const S_AGE: i32 = 64;

// Member flags.
export const M_COPY_PENDING: i32 = 1;
export const M_ALLOWED_SYM: i32 = 2;
export const M_BLOCKED_SYM: i32 = 4;
export const M_ALLOWED_MAGIC: i32 = 8;
export const M_BLOCKED_MAGIC: i32 = 16;
export const M_HAS_MAP: i32 = 32;

// Hash keys: (member, (id + 1) << 2 | kind); key2 == 0 marks an empty slot. Entries are 16 bytes.
export const K_ALLOWED: i32 = 0;
export const K_BLOCKED: i32 = 1;
export const K_MAP: i32 = 2;
export const HASH_ENTRY_SHIFT: u32 = 4;

// Filter reasons (index into FILTER_REASONS).
export const R_NOT_CONNECTED: u8 = 1;
export const R_PENDING: u8 = 2;
export const R_LOTS_MIN: u8 = 3;
export const R_LOTS_MAX: u8 = 4;
export const R_SYM_NOT_ALLOWED: u8 = 5;
export const R_SYM_BLOCKED: u8 = 6;
export const R_MAGIC_NOT_ALLOWED: u8 = 7;
export const R_MAGIC_BLOCKED: u8 = 8;
// Risk controls (docs/protocol.md D22); they refuse Opens only. R_RISK_FIRST + bit index of the member's risk
// word, so the lowest set bit names the reason.
export const R_STALE: u8 = 9;
export const R_MANUAL_CLOSE_ONLY: u8 = 10;
export const R_EQUITY_GUARD: u8 = 11;
export const R_MAX_POSITIONS: u8 = 12;
export const R_OUTSIDE_HOURS: u8 = 13;

// Member risk bits (a word per member, set by the relay between compiles). Bit order = reason order above.
export const X_MANUAL: i32 = 1;
export const X_EQUITY: i32 = 2;
export const X_POSITIONS: i32 = 4;
export const X_HOURS: i32 = 8;

// Warning bits = priority order of WARNING_CODES.
export const W_SLAVE_WEB_UI: u32 = 1;
export const W_SLAVE_OFFLINE: u32 = 2;
export const W_SLAVE_AUTO_TRADING: u32 = 4;
export const W_MASTER_WEB_UI: u32 = 8;
export const W_MASTER_OFFLINE: u32 = 16;
export const W_MASTER_AUTO_TRADING: u32 = 32;

export function heapBase(): usize {
  return __heap_base;
}

function slot(member: i32, key2: i32, mask: u32): u32 {
  let h: u32 = <u32>member * 0x9e3779b1 + <u32>key2 * 0x85ebca77;
  h ^= h >> 15;
  h *= 0x2c1b3c6d;
  h ^= h >> 13;
  return h & mask;
}

function hashGet(table: usize, mask: u32, member: i32, key2: i32): i32 {
  let h = slot(member, key2, mask);
  while (true) {
    const e = table + ((<usize>h) << HASH_ENTRY_SHIFT);
    const k2 = load<i32>(e, 4);
    if (k2 === 0) return -1;
    if (k2 === key2 && load<i32>(e) === member) return load<i32>(e, 8);
    h = (h + 1) & mask;
  }
}

/** Inserts unless the key is present (first entry wins, as for symbol mappings). */
export function hashPut(table: usize, mask: u32, member: i32, kind: i32, id: i32, value: i32): void {
  const key2 = ((id + 1) << 2) | kind;
  let h = slot(member, key2, mask);
  while (true) {
    const e = table + ((<usize>h) << HASH_ENTRY_SHIFT);
    const k2 = load<i32>(e, 4);
    if (k2 === 0) {
      store<i32>(e, member);
      store<i32>(e, key2, 4);
      store<i32>(e, value, 8);
      return;
    }
    if (k2 === key2 && load<i32>(e) === member) return;
    h = (h + 1) & mask;
  }
}

/** Sorted i64 range search: exact 64-bit comparison (docs/protocol.md D18). */
function hasMagic(pool: usize, off: i32, len: i32, magic: i64): bool {
  const base = pool + ((<usize>off) << 3);
  if (len <= 16) {
    for (let j = 0; j < len; j++) if (load<i64>(base + ((<usize>j) << 3)) === magic) return true;
    return false;
  }
  let lo = 0;
  let hi = len - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = load<i64>(base + ((<usize>mid) << 3));
    if (v === magic) return true;
    if (v < magic) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * Builds a master's column for one raw symbol: per member, the symbol-filter verdict (0, or the reason
 * symbol_not_allowed / symbol_blocked, u8) and the output symbol id (i32). `ident` holds, per affix pair of the
 * master, the (negative, per-column) id of prefix + core + suffix used when no mapping/auto-mapping applies.
 * rawId/coreId are -1 for symbols that are not interned. Runs once per
 * (master, symbol); the per-signal loop then reads the column sequentially instead of probing hash tables.
 */
export function buildSymbolColumn(
  hdr: usize,
  rawId: i32,
  coreId: i32,
  ident: usize,
  colVerdict: usize,
  colOut: usize,
): void {
  const n = load<i32>(hdr, H_N);
  const flagsP = load<usize>(hdr, H_FLAGS);
  const pairP = load<usize>(hdr, H_PAIR);
  const table = load<usize>(hdr, H_HASH);
  const mask = load<u32>(hdr, H_HASH_MASK);
  const rawKnown = rawId >= 0;
  // A core that is not interned is neither a mapping source nor a synonym: no map lookup.
  const coreKnown = coreId >= 0;
  const allowedKey = ((rawId + 1) << 2) | K_ALLOWED;
  const blockedKey = ((rawId + 1) << 2) | K_BLOCKED;
  const mapKey = ((coreId + 1) << 2) | K_MAP;
  for (let i = 0; i < n; i++) {
    const o = (<usize>i) << 2;
    const f = load<i32>(flagsP + o);
    let verdict: u8 = 0;
    if ((f & M_ALLOWED_SYM) !== 0 && !(rawKnown && hashGet(table, mask, i, allowedKey) >= 0)) {
      verdict = R_SYM_NOT_ALLOWED;
    } else if ((f & M_BLOCKED_SYM) !== 0 && rawKnown && hashGet(table, mask, i, blockedKey) >= 0) {
      verdict = R_SYM_BLOCKED;
    }
    let out: i32 = -1;
    if (coreKnown && (f & M_HAS_MAP) !== 0) out = hashGet(table, mask, i, mapKey);
    if (out < 0) out = load<i32>(ident + ((<usize>load<u32>(pairP + o)) << 2));
    store<u8>(colVerdict + <usize>i, verdict);
    store<i32>(colOut + o, out);
  }
}

/**
 * Evaluates one signal for every member of a master (§10.1 order, first failure wins): writes the reason
 * (0 = accepted) to outReason[i] (u8) and the output symbol id or -1 to outSym[i] (i32). For a signal with a
 * symbol, colVerdict/colOut are that symbol's column (buildSymbolColumn); otherwise they are ignored.
 * The magic number arrives as two i32 halves so that JS needs no BigInt per signal.
 */
export function evaluateSignal(
  hdr: usize,
  sig: i32,
  lots: f64,
  magicLo: i32,
  magicHi: i32,
  ageMs: f64,
  colVerdict: usize,
  colOut: usize,
  outReason: usize,
  outSym: usize,
): void {
  const n = load<i32>(hdr, H_N);
  const statusP = load<usize>(hdr, H_STATUS);
  const flagsP = load<usize>(hdr, H_FLAGS);
  const minP = load<usize>(hdr, H_LOT_MIN);
  const maxP = load<usize>(hdr, H_LOT_MAX);
  const magicP = load<usize>(hdr, H_MAGIC);
  const poolP = load<usize>(hdr, H_MAGIC_POOL);
  const riskP = load<usize>(hdr, H_RISK);
  const delayP = load<usize>(hdr, H_MAX_DELAY);
  const magic: i64 = ((<i64>magicHi) << 32) | <i64>(<u32>magicLo);

  const open = (sig & S_OPEN) !== 0;
  const pendingBlocked = (sig & S_PENDING) !== 0;
  const checkLots = (sig & S_LOTS) !== 0;
  const hasSymbol = (sig & S_SYMBOL) !== 0;
  const checkMagic = (sig & S_MAGIC) !== 0;
  const magicExact = (sig & S_MAGIC_EXACT) !== 0;
  const checkAge = (sig & S_AGE) !== 0;

  for (let i = 0; i < n; i++) {
    const o = (<usize>i) << 2;
    let reason: u8 = 0;
    let out: i32 = -1;
    if (load<i32>(statusP + o) !== 2) {
      reason = R_NOT_CONNECTED;
    } else {
      const f = load<i32>(flagsP + o);
      if (open) {
        if (pendingBlocked && (f & M_COPY_PENDING) === 0) {
          reason = R_PENDING;
        } else if (checkLots) {
          const o8 = (<usize>i) << 3;
          if (lots < load<f64>(minP + o8)) reason = R_LOTS_MIN;
          else if (lots > load<f64>(maxP + o8)) reason = R_LOTS_MAX;
        }
      }
      if (reason === 0 && hasSymbol) reason = load<u8>(colVerdict + <usize>i);
      if (reason === 0 && checkMagic && (f & (M_ALLOWED_MAGIC | M_BLOCKED_MAGIC)) !== 0) {
        const m = magicP + ((<usize>i) << 4);
        if (
          (f & M_ALLOWED_MAGIC) !== 0 &&
          !(magicExact && hasMagic(poolP, load<i32>(m), load<i32>(m, 4), magic))
        ) {
          reason = R_MAGIC_NOT_ALLOWED;
        } else if (
          (f & M_BLOCKED_MAGIC) !== 0 &&
          magicExact &&
          hasMagic(poolP, load<i32>(m, 8), load<i32>(m, 12), magic)
        ) {
          reason = R_MAGIC_BLOCKED;
        }
      }
      if (reason === 0 && open) {
        // D22, after the §10.1 filters: stale first (the EA drops it too), then the risk word (lowest bit wins).
        const risk = load<i32>(riskP + o);
        if (checkAge && ageMs > load<f64>(delayP + ((<usize>i) << 3))) reason = R_STALE;
        else if (risk !== 0) reason = R_MANUAL_CLOSE_ONLY + <u8>ctz<i32>(risk);
      }
      if (reason === 0 && hasSymbol) out = load<i32>(colOut + o);
    }
    store<u8>(outReason + <usize>i, reason);
    store<i32>(outSym + o, out);
  }
}

/** Master evaluation (§8.2): returns status | warnings << 8. */
export function evaluateMaster(intent: i32, online: i32, tradeAllowed: i32): i32 {
  let w: u32 = 0;
  if (intent === 0) w |= W_MASTER_WEB_UI;
  if (online === 0) w |= W_MASTER_OFFLINE;
  else if (tradeAllowed === 0) w |= W_MASTER_AUTO_TRADING;
  return (w === 0 ? 2 : 0) | ((<i32>w) << 8);
}

/**
 * Member evaluation (§8.3) for n members. Inputs: u8 enabled/online/tradeAllowed, i32 master status,
 * u32 master warnings. Because bit order is priority order, OR-ing the masks is "append without duplicates,
 * then sort by priority".
 */
export function evaluateMembers(
  n: i32,
  enabledP: usize,
  onlineP: usize,
  tradeP: usize,
  masterStatusP: usize,
  masterWarnP: usize,
  outStatusP: usize,
  outWarnP: usize,
  outAllowP: usize,
): void {
  for (let i = 0; i < n; i++) {
    const b = <usize>i;
    const o = b << 2;
    // Branch-free (inputs are random per member, so branches mispredict); any non-zero byte is true.
    const enabled = select<u32>(1, 0, load<u8>(enabledP + b) !== 0);
    const online = select<u32>(1, 0, load<u8>(onlineP + b) !== 0);
    const trade = select<u32>(1, 0, load<u8>(tradeP + b) !== 0);
    const w =
      load<u32>(masterWarnP + o) |
      ((enabled ^ 1) * W_SLAVE_WEB_UI) |
      ((online ^ 1) * W_SLAVE_OFFLINE) |
      ((online & (trade ^ 1)) * W_SLAVE_AUTO_TRADING);
    const ok = enabled & online & trade;
    const masterConnected = select<u32>(1, 0, load<i32>(masterStatusP + o) === 2);
    store<i32>(outStatusP + o, <i32>(ok * (1 + masterConnected)));
    store<u32>(outWarnP + o, w);
    store<u8>(outAllowP + b, <u8>ok);
  }
}
