import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_ALIAS_BYTES, memberAlias, prefixClashes } from './alias';

describe('member aliases (docs/protocol.md D23)', () => {
  it('is the master id, ~ and 8 hex of SHA-256(M, 0, S) for a readable master', () => {
    const hex = createHash('sha256').update('M1\u0000S1').digest('hex');
    expect(memberAlias('M1', 'S1')).toBe(`M1~${hex.slice(0, 8)}`);
    expect(memberAlias('M1', 'S1')).toBe(memberAlias('M1', 'S1'));
    expect(memberAlias('M1', 'S1')).not.toBe(memberAlias('M1', 'S2'));
  });

  it('is ~ and 16 hex when the master is long or not plain printable ASCII, never over 63 bytes', () => {
    const long = 'X'.repeat(63);
    expect(memberAlias(long, 'S1')).toMatch(/^~[0-9a-f]{16}$/);
    expect(memberAlias('a~b', 'S1')).toMatch(/^~[0-9a-f]{16}$/);
    expect(memberAlias('Zürich', 'S1')).toMatch(/^~[0-9a-f]{16}$/);
    const at54 = 'Y'.repeat(54);
    expect(memberAlias(at54, 'S1')).toMatch(/^Y{54}~[0-9a-f]{8}$/);
    expect(Buffer.byteLength(memberAlias(at54, 'S1'))).toBe(MAX_ALIAS_BYTES);
  });

  it('a salt gives a different alias (collision with an existing id)', () => {
    expect(memberAlias('M1', 'S1', 1)).not.toBe(memberAlias('M1', 'S1'));
  });

  it('finds ids that are a byte prefix of another', () => {
    expect(prefixClashes(['X_1', 'X_12', 'Y'])).toEqual([['X_1', 'X_12']]);
    expect(prefixClashes(['A', 'B'])).toEqual([]);
  });
});
