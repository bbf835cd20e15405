import { Packr, pack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, parseMsgpack } from './reader';

const parse = (hex: string) => parseMsgpack(Buffer.from(hex, 'hex'));
const node = (hex: string) => {
  const r = parse(hex);
  if (!r.ok) throw new Error(r.reason);
  return r.node;
};

describe('parseMsgpack', () => {
  it.each([
    ['7f', 127],
    ['e0', -32],
    ['cc80', 128],
    ['cdffff', 65535],
    ['ceffffffff', 0xffff_ffff],
    ['cf000001941f297c00', 1735689600000],
    ['d080', -128],
    ['d18000', -32768],
    ['d280000000', -0x8000_0000],
    ['d3ffe0000000000001', Number.MIN_SAFE_INTEGER],
  ])('reads %s as int %d', (hex, v) => {
    expect(node(hex)).toEqual({ t: 'int', v });
  });

  it.each([
    ['cf0020000000000000', 2n ** 53n],
    ['cf0020000000000001', 2n ** 53n + 1n],
    ['cf7fffffffffffffff', 2n ** 63n - 1n],
    ['cfffffffffffffffff', 2n ** 64n - 1n],
    ['d3ffe0000000000000', -(2n ** 53n)],
    ['d3ffdfffffffffffff', -(2n ** 53n) - 1n],
    ['d38000000000000000', -(2n ** 63n)],
  ])('reads %s beyond ±(2^53−1) as the exact bigint %s', (hex, v) => {
    expect(node(hex)).toEqual({ t: 'bigint', v });
  });

  it('reads 64-bit forms of values within ±(2^53−1) as numbers', () => {
    expect(node('cf001fffffffffffff')).toEqual({ t: 'int', v: Number.MAX_SAFE_INTEGER });
    expect(node('d3ffffffffffffffff')).toEqual({ t: 'int', v: -1 });
    expect(node('cf0000000000000005')).toEqual({ t: 'int', v: 5 });
  });

  it('tells floats from ints, including integral ones', () => {
    expect(node('cb3ff0000000000000')).toEqual({ t: 'float', v: 1, bits: 64 });
    expect(node('ca3f800000')).toEqual({ t: 'float', v: 1, bits: 32 });
  });

  it('reads nil, booleans, bin, ext and strings of every header size', () => {
    expect(node('c0').t).toBe('nil');
    expect(node('c3')).toEqual({ t: 'bool', v: true });
    expect(node('c2')).toEqual({ t: 'bool', v: false });
    for (const h of ['c40101', 'c5000101', 'c600000001ff']) expect(node(h).t).toBe('bin');
    for (const h of [
      'd40100',
      'd5010000',
      'd601' + '00'.repeat(4),
      'd701' + '00'.repeat(8),
      'd801' + '00'.repeat(16),
    ]) {
      expect(node(h).t).toBe('ext');
    }
    for (const h of ['c7010100', 'c800010100', 'c9000000010100']) expect(node(h).t).toBe('ext');
    for (const s of ['', 'a', 'x'.repeat(40), 'y'.repeat(300), 'z'.repeat(70000), 'héllo ✓ 𝄞']) {
      expect(node(pack(s).toString('hex'))).toEqual({ t: 'str', v: s });
    }
  });

  it('reads arrays and maps of every header size', () => {
    for (const n of [0, 15, 16, 70000]) {
      const arr = node(pack(Array.from({ length: n }, (_, i) => i % 100)).toString('hex'));
      expect(arr.t === 'arr' && arr.v.length).toBe(n);
      const obj = Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i % 100]));
      const map = node(new Packr({ variableMapSize: true, useRecords: false }).pack(obj).toString('hex'));
      expect(map.t === 'map' && map.v.size).toBe(n);
    }
  });

  it('rejects a duplicate key', () => {
    expect(parse('82a161c0a161c0')).toEqual({ ok: false, reason: 'duplicate_key' });
  });

  it('accepts nesting up to the cap and refuses one level more', () => {
    expect(parse('91'.repeat(MAX_DEPTH) + 'c0').ok).toBe(true);
    expect(parse('91'.repeat(MAX_DEPTH + 1) + 'c0')).toEqual({ ok: false, reason: 'malformed' });
  });

  it.each([
    ['', 'empty input'],
    ['c1', 'the never-used byte'],
    ['cd01', 'a truncated uint16'],
    ['dc0002c0', 'an array shorter than its header'],
    ['df7fffffff', 'a huge map header on a tiny frame'],
    ['c0c0', 'trailing bytes'],
    ['a2c328', 'invalid UTF-8'],
    ['c7ff01', 'a truncated ext'],
  ])('refuses %s (%s)', (hex) => {
    expect(parse(hex)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('reads short strings right when they come again and when they share a cache slot', () => {
    // 20,000 distinct short ids over a 4,096-slot cache: most slots are shared, and every id is read twice.
    const ids = Array.from({ length: 20_000 }, (_, i) => `E${i.toString(36)}`);
    ids.push('', 'a', 'ab', 'ba', 'x'.repeat(24), 'x'.repeat(25), 'naïve', 'Tokyo東京');
    for (const pass of [1, 2]) {
      for (const id of ids) {
        const r = parseMsgpack(pack({ account_id: id, pass }));
        if (!r.ok || r.node.t !== 'map') throw new Error(`${id}: not a map`);
        expect(r.node.v.get('account_id')).toEqual({ t: 'str', v: id });
      }
    }
  });
});
