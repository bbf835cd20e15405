import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareUtf8 } from './byte-order';

const bytes = (s: string) => Buffer.from(s, 'utf8');

describe('compareUtf8', () => {
  it('orders upper case before lower case and ASCII before non-ASCII, like the bytes do', () => {
    expect(['b', 'Ä', 'a', 'B'].sort(compareUtf8)).toEqual(['B', 'a', 'b', 'Ä']);
  });

  it('agrees with Buffer.compare on arbitrary unicode strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(compareUtf8(a, b))).toBe(Math.sign(Buffer.compare(bytes(a), bytes(b))));
      }),
      { numRuns: 2000 },
    );
  });
});
