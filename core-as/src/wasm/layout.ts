// Memory layout shared with assembly/index.ts (keep the two in sync).

/** Master table header, i32 word indexes. */
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
} as const;
export const HEADER_BYTES = 64;

export const SIG = { OPEN: 1, PENDING: 2, LOTS: 4, SYMBOL: 8, MAGIC: 16 } as const;

export const MEMBER = {
  COPY_PENDING: 1,
  ALLOWED_SYM: 2,
  BLOCKED_SYM: 4,
  ALLOWED_MAGIC: 8,
  BLOCKED_MAGIC: 16,
  HAS_MAP: 32,
} as const;

export const KIND = { ALLOWED: 0, BLOCKED: 1, MAP: 2 } as const;

export const HASH_ENTRY_BYTES = 16;
