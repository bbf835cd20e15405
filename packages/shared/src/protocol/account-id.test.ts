import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accountIdSchema } from '../domain/settings';
import { isValidAccountId } from './account-id';

describe('isValidAccountId', () => {
  it('measures UTF-8 bytes like Buffer.byteLength and refuses space, "/" and control characters', () => {
    // Whole code points only (no lone surrogates): what the UTF-8 decoder can produce.
    const ids = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 70 }),
      fc.string({ unit: 'binary', minLength: 14, maxLength: 40 }),
    );
    fc.assert(
      fc.property(ids, (s) => {
        const bytes = Buffer.byteLength(s, 'utf8');
        const expected = bytes >= 1 && bytes <= 63 && !/[ /\p{Cc}]/u.test(s);
        expect(isValidAccountId(s)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts every id the API accepts, so an account created there can connect', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        if (accountIdSchema.safeParse(s).success) expect(isValidAccountId(s)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('makes the API refuse control characters too', () => {
    expect(accountIdSchema.safeParse('MT\u00001').success).toBe(false);
    expect(accountIdSchema.safeParse('MT\u00851').success).toBe(false);
    expect(accountIdSchema.safeParse('MT1').success).toBe(true);
  });
});
