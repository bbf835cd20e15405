// Magic-number list entries → exact signed 64-bit integers (docs/protocol.md D18), shared by both engines'
// compilers so that they accept and refuse the same settings.
import { type MagicNumberEntry, MemberSettingsError } from './api';

export const I64_MIN = -(2n ** 63n);
export const I64_MAX = 2n ** 63n - 1n;
const DECIMAL = /^[+-]?[0-9]+$/;

/** The entry as an exact i64, or undefined when it is not one (fraction, non-decimal string, out of range). */
export function entryToI64(entry: MagicNumberEntry): bigint | undefined {
  let v: bigint;
  if (typeof entry === 'bigint') v = entry;
  else if (typeof entry === 'number') {
    if (!Number.isInteger(entry)) return undefined;
    v = BigInt(entry);
  } else if (typeof entry === 'string' && DECIMAL.test(entry)) v = BigInt(entry);
  else return undefined;
  return v >= I64_MIN && v <= I64_MAX ? v : undefined;
}

/** A member's list as sorted distinct i64 values (null stays null: no filter). Throws MemberSettingsError. */
export function compileMagicList(
  list: readonly MagicNumberEntry[] | null,
  field: string,
  masterId: string,
  slaveAccount: string,
): bigint[] | null {
  if (!list) return null;
  const out: bigint[] = [];
  for (let k = 0; k < list.length; k++) {
    const v = entryToI64(list[k]!);
    if (v === undefined) {
      const shown = typeof list[k] === 'string' ? JSON.stringify(list[k]) : String(list[k]);
      throw new MemberSettingsError(
        masterId,
        slaveAccount,
        `${field}[${k}] = ${shown} is not a signed 64-bit integer`,
      );
    }
    out.push(v);
  }
  out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return out.filter((v, k) => k === 0 || v !== out[k - 1]);
}
