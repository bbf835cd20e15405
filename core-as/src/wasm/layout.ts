// Memory layout shared with assembly/index.ts; src/layout.test.ts checks these against the compiled module's
// exported constants.

/** Master table header, u32 word indexes (the module reads them as byte offsets H_* = 4 × index). */
export const H = {
  N: 0,
  STATUS: 1,
  FLAGS: 2,
  LOT_MIN: 3,
  LOT_MAX: 4,
  PAIR: 5,
  MAGIC: 6,
  MAGIC_POOL: 7,
  HASH: 8,
  HASH_MASK: 9,
  RISK: 10,
  MAX_DELAY: 11,
} as const;
export const HEADER_BYTES = 64;

/** MAGIC_EXACT: the signal's magic number is an exact signed 64-bit integer; otherwise it matches no entry. */
export const SIG = { OPEN: 1, PENDING: 2, LOTS: 4, SYMBOL: 8, MAGIC: 16, MAGIC_EXACT: 32, AGE: 64 } as const;

export const MEMBER = {
  COPY_PENDING: 1,
  ALLOWED_SYM: 2,
  BLOCKED_SYM: 4,
  ALLOWED_MAGIC: 8,
  BLOCKED_MAGIC: 16,
  HAS_MAP: 32,
} as const;

/**
 * A member's risk word (docs/protocol.md D22): each set bit refuses Opens; the lowest set bit names the reason
 * (`manual_close_only`, `equity_guard`, `max_positions`, `outside_trading_hours`, in FILTER_REASONS order).
 */
export const RISK = { MANUAL: 1, EQUITY: 2, POSITIONS: 4, HOURS: 8 } as const;
export const RISK_MASK = 15;

export const KIND = { ALLOWED: 0, BLOCKED: 1, MAP: 2 } as const;

export const HASH_ENTRY_BYTES = 16;

// Typed-array indexes of byte addresses. Unsigned shifts: wasm32 addresses go up to 4 GiB, and a signed `>>`
// turns every address ≥ 2^31 into a negative index, where typed-array writes are silently dropped.
/** Index of the i32/u32 at byte address `ptr` in an Int32Array/Uint32Array over the whole memory. */
export const wordIndex = (ptr: number): number => ptr >>> 2;
/** Index of the f64/i64 at byte address `ptr` in a Float64Array/BigInt64Array over the whole memory. */
export const doubleIndex = (ptr: number): number => ptr >>> 3;
/** Rounds up to a multiple of `a` (a power of two) without 32-bit bitwise operators, exact up to 2^53. */
export const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;
