import { describe, expect, it } from 'vitest';
import { findCopyCycle, formatCycle, prefixPeers } from './links';

describe('findCopyCycle', () => {
  it('reports a self-link as a cycle of one account', () => {
    expect(findCopyCycle([], 'A', 'A')).toEqual(['A', 'A']);
  });

  it('finds the pair of dual-role accounts that copy back to each other', () => {
    expect(findCopyCycle([{ master: 'B', slave: 'A' }], 'A', 'B')).toEqual(['A', 'B', 'A']);
  });

  it('lists a longer cycle in copy order and ignores unrelated links', () => {
    const links = [
      { master: 'B', slave: 'C' },
      { master: 'C', slave: 'A' },
      { master: 'B', slave: 'X' },
      { master: 'X', slave: 'Y' },
    ];
    expect(formatCycle(findCopyCycle(links, 'A', 'B') ?? [])).toBe('A → B → C → A');
  });

  it('accepts chains and fan-out that never return to the master', () => {
    const links = [
      { master: 'A', slave: 'B' },
      { master: 'B', slave: 'C' },
      { master: 'A', slave: 'C' },
    ];
    expect(findCopyCycle(links, 'C', 'D')).toBeNull();
    expect(findCopyCycle(links, 'A', 'D')).toBeNull();
  });
});

describe('prefixPeers', () => {
  it('names ids that start with the id and ids the id starts with, not itself', () => {
    expect(prefixPeers('ABC', ['ABCD', 'AB', 'ABC', 'ABX', 'XABC'])).toEqual(['AB', 'ABCD']);
  });

  it('compares whole characters of non-ASCII ids', () => {
    expect(prefixPeers('口座', ['口座1', '口'])).toEqual(['口', '口座1']);
    expect(prefixPeers('口座', ['口庫'])).toEqual([]);
  });
});
