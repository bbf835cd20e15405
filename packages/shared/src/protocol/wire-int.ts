// Exact signed 64-bit wire integers (tickets, magic numbers, account numbers; docs/protocol.md D18). A JS number
// holds them exactly only up to ±(2^53−1), so larger values travel as bigint: decoders return a number whenever
// it is exact and a bigint otherwise, which makes that form canonical (one value, one representation).

/** An i64 wire value: a number within ±(2^53−1), else a bigint within [−2^63, 2^63−1]. */
export type WireInt = number | bigint;

export const I64_MIN = -(2n ** 63n);
export const I64_MAX = 2n ** 63n - 1n;

const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER);
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * True for a value an i64 field can carry exactly. A number beyond ±(2^53−1) is refused: it may already be
 * a rounded neighbour of the intended value, so such values must be given as bigint.
 */
export function isWireInt(v: unknown): v is WireInt {
  if (typeof v === 'number') return Number.isSafeInteger(v);
  return typeof v === 'bigint' && v >= I64_MIN && v <= I64_MAX;
}

/** The canonical form: a number when exact, else the bigint. */
export function canonicalWireInt(v: bigint): WireInt {
  return v >= SAFE_MIN && v <= SAFE_MAX ? Number(v) : v;
}

/** Equality across both forms (5 and 5n are the same wire value). */
export function wireIntEquals(a: WireInt, b: WireInt): boolean {
  if (typeof a === typeof b) return a === b;
  return BigInt(a) === BigInt(b);
}

/** A string that is the same for both forms of a value, for map keys and the API's decimal strings. */
export function wireIntToDecimal(v: WireInt): string {
  return String(v);
}

const DECIMAL = /^-?\d{1,19}$/;

/** Parses a decimal string (optional leading `-`, no `+`, spaces or exponent) within i64; null otherwise. */
export function parseDecimalWireInt(s: string): WireInt | null {
  if (!DECIMAL.test(s)) return null;
  const v = BigInt(s);
  return v >= I64_MIN && v <= I64_MAX ? canonicalWireInt(v) : null;
}
