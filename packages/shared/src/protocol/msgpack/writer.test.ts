import { Unpackr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { MsgpackWriter } from './writer';

const unpack = (b: Uint8Array): unknown => new Unpackr({ int64AsType: 'number' }).unpack(b);

function hex(write: (w: MsgpackWriter) => void): string {
  const w = new MsgpackWriter(4);
  write(w);
  return w.toBuffer().toString('hex');
}

describe('MsgpackWriter', () => {
  it.each([
    [0, '00'],
    [127, '7f'],
    [128, 'cc80'],
    [255, 'ccff'],
    [256, 'cd0100'],
    [65535, 'cdffff'],
    [65536, 'ce00010000'],
    [0xffff_ffff, 'ceffffffff'],
    [0x1_0000_0000, 'cf0000000100000000'],
    [1735689600000, 'cf000001941f297c00'],
    [Number.MAX_SAFE_INTEGER, 'cf001fffffffffffff'],
    [-1, 'ff'],
    [-32, 'e0'],
    [-33, 'd0df'],
    [-128, 'd080'],
    [-129, 'd1ff7f'],
    [-32768, 'd18000'],
    [-32769, 'd2ffff7fff'],
    [-0x8000_0000, 'd280000000'],
    [-0x8000_0001, 'd3ffffffff7fffffff'],
    [Number.MIN_SAFE_INTEGER, 'd3ffe0000000000001'],
  ])('writes int %d in its most compact form %s', (n, expected) => {
    const out = hex((w) => w.writeInt(n));
    expect(out).toBe(expected);
    expect(unpack(Buffer.from(out, 'hex'))).toBe(n);
  });

  it.each([
    [0n, '00'],
    [-1n, 'ff'],
    [65535n, 'cdffff'],
    [-0x8000_0001n, 'd3ffffffff7fffffff'],
    [2n ** 53n - 1n, 'cf001fffffffffffff'],
    [2n ** 53n, 'cf0020000000000000'],
    [2n ** 53n + 1n, 'cf0020000000000001'],
    [2n ** 63n - 1n, 'cf7fffffffffffffff'],
    [-(2n ** 53n) - 1n, 'd3ffdfffffffffffff'],
    [-(2n ** 63n), 'd38000000000000000'],
  ])('writes bigint %s like a number of that value would be written: %s', (n, expected) => {
    expect(hex((w) => w.writeBigInt(n))).toBe(expected);
    expect(new Unpackr({ int64AsType: 'bigint' }).unpack(Buffer.from(expected, 'hex'))).toEqual(
      expected.length > 10 ? n : Number(n),
    );
  });

  it('writes floats as float64 even when integral', () => {
    expect(hex((w) => w.writeFloat64(1))).toBe('cb3ff0000000000000');
    expect(hex((w) => w.writeFloat64(0.5))).toBe('cb3fe0000000000000');
  });

  it.each([
    [0, 'a0'],
    [31, 'bf'],
    [32, 'd920'],
    [255, 'd9ff'],
    [256, 'da0100'],
    [65536, 'db00010000'],
  ])('writes a %d-byte string with the right header', (len, header) => {
    const s = 'x'.repeat(len);
    const out = hex((w) => w.writeStr(s));
    expect(out.startsWith(header)).toBe(true);
    expect(unpack(Buffer.from(out, 'hex'))).toBe(s);
  });

  it('sizes the header by UTF-8 bytes, not UTF-16 units', () => {
    const s = 'é'.repeat(16); // 16 chars, 32 bytes: must not be a fixstr
    const out = hex((w) => w.writeStr(s));
    expect(out.startsWith('d920')).toBe(true);
    expect(unpack(Buffer.from(out, 'hex'))).toBe(s);
    expect(hex((w) => w.writeStr('aé'))).toBe('a361c3a9');
  });

  it.each([
    [15, '9f', '8f'],
    [16, 'dc0010', 'de0010'],
    [65536, 'dd00010000', 'df00010000'],
  ])('writes %d-entry array and map headers compactly', (n, arr, map) => {
    expect(hex((w) => w.writeArrayHeader(n))).toBe(arr);
    expect(hex((w) => w.writeMapHeader(n))).toBe(map);
  });

  it('grows its buffer and starts over after reset', () => {
    const w = new MsgpackWriter(2);
    w.writeStr('y'.repeat(1000));
    expect(w.pos).toBe(1003);
    w.reset();
    w.writeNil();
    w.writeBool(true);
    w.writeBool(false);
    expect(w.toBuffer().toString('hex')).toBe('c0c3c2');
  });
});
