import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalWireInt,
  I64_MAX,
  I64_MIN,
  isWireInt,
  parseDecimalWireInt,
  wireIntEquals,
  wireIntToDecimal,
} from './wire-int';

describe('wire ints', () => {
  it('keeps a number while exact and a bigint beyond', () => {
    expect(canonicalWireInt(2n ** 53n - 1n)).toBe(Number.MAX_SAFE_INTEGER);
    expect(canonicalWireInt(-(2n ** 53n) + 1n)).toBe(Number.MIN_SAFE_INTEGER);
    expect(canonicalWireInt(2n ** 53n)).toBe(2n ** 53n);
    expect(canonicalWireInt(I64_MIN)).toBe(I64_MIN);
  });

  it('accepts exact numbers and in-range bigints only', () => {
    expect([7, -7, 7n, I64_MAX, I64_MIN].every(isWireInt)).toBe(true);
    expect([2 ** 53, 1.5, Number.NaN, I64_MAX + 1n, I64_MIN - 1n, '7'].some(isWireInt)).toBe(false);
  });

  it('parses decimal strings over the full range and refuses anything else', () => {
    expect(parseDecimalWireInt('9223372036854775807')).toBe(I64_MAX);
    expect(parseDecimalWireInt('-9223372036854775808')).toBe(I64_MIN);
    expect(parseDecimalWireInt('9007199254740993')).toBe(2n ** 53n + 1n);
    expect(parseDecimalWireInt('007')).toBe(7);
    expect(parseDecimalWireInt('-0')).toBe(0);
    for (const bad of [
      '9223372036854775808',
      '-9223372036854775809',
      '',
      '-',
      '+1',
      '1.0',
      '1e3',
      ' 1',
      '0x10',
    ]) {
      expect(parseDecimalWireInt(bad)).toBeNull();
    }
  });

  it('compares and prints both forms of a value alike, and parsing inverts printing', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: I64_MIN, max: I64_MAX }), (v) => {
        const c = canonicalWireInt(v);
        expect(wireIntEquals(c, v)).toBe(true);
        expect(wireIntEquals(c, v + (v === I64_MAX ? -1n : 1n))).toBe(false);
        expect(wireIntToDecimal(c)).toBe(v.toString());
        expect(parseDecimalWireInt(wireIntToDecimal(c))).toBe(c);
      }),
      { numRuns: 1000 },
    );
  });
});
