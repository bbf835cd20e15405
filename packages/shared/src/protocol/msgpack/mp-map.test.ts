import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, MpMap, type MpNode, parseMsgpack } from './reader';

const n = (v: number): MpNode => ({ t: 'int', v });
const filled = (size: number) => {
  const m = new MpMap(size);
  for (let i = 0; i < size; i++) expect(m.add(`k${i}`, n(i))).toBe(true);
  return m;
};

describe('MpMap', () => {
  it.each([3, 32, 33, 100])('finds every key of %i entries in any order, and misses absent ones', (size) => {
    const m = filled(size);
    expect(m.size).toBe(size);
    const order = Array.from({ length: size }, (_, i) => i);
    for (const keys of [order, [...order].reverse(), order.map((i) => (i * 7) % size)]) {
      for (const i of keys) expect(m.get(`k${i}`)).toEqual(n(i));
    }
    expect(m.get('absent')).toBeUndefined();
    expect(m.get(`k${size}`)).toBeUndefined();
  });

  it.each([5, 40])('refuses a duplicate key (%i entries before it)', (size) => {
    const m = filled(size);
    expect(m.add('k0', n(-1))).toBe(false);
    expect(m.add(`k${size - 1}`, n(-1))).toBe(false);
    expect(m.get('k0')).toEqual(n(0));
  });
});

describe('parseMsgpack maps', () => {
  const packr = new Packr({ variableMapSize: true, useRecords: false });

  it('refuses a duplicate key past the scanned size, where lookups go through an index', () => {
    // 40 distinct keys, then k3 again: fixmap headers stop at 15 entries, so a map16 header (0xde).
    let hex = `de${(41).toString(16).padStart(4, '0')}`;
    for (let i = 0; i < 40; i++) hex += packr.pack(`k${i}`).toString('hex') + 'c0';
    hex += `${packr.pack('k3').toString('hex')}c0`;
    expect(parseMsgpack(Buffer.from(hex, 'hex'))).toEqual({ ok: false, reason: 'duplicate_key' });
  });

  it('skips entries whose key is not a string, and still parses their values', () => {
    const r = parseMsgpack(Buffer.from('8301c0a161c3c0c0', 'hex'));
    expect(r.ok && r.node.t === 'map' && r.node.v.size).toBe(1);
    expect(r.ok && r.node.t === 'map' && r.node.v.get('a')).toEqual({ t: 'bool', v: true });
  });

  it('reads str8 keys and refuses a key that is not UTF-8', () => {
    const key = 'x'.repeat(40);
    const r = parseMsgpack(packr.pack({ [key]: 1 }));
    expect(r.ok && r.node.t === 'map' && r.node.v.get(key)).toEqual(n(1));
    expect(parseMsgpack(Buffer.from('81a2c328c0', 'hex'))).toEqual({ ok: false, reason: 'malformed' });
  });

  it('counts a map key as one level deeper: maps nested up to the cap parse, one more does not', () => {
    expect(parseMsgpack(Buffer.from(`${'81a161'.repeat(MAX_DEPTH)}c0`, 'hex')).ok).toBe(true);
    expect(parseMsgpack(Buffer.from(`${'81a161'.repeat(MAX_DEPTH + 1)}c0`, 'hex'))).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('a truncated key is malformed', () => {
    expect(parseMsgpack(Buffer.from('81a5616263', 'hex'))).toEqual({ ok: false, reason: 'malformed' });
    expect(parseMsgpack(Buffer.from('81d9', 'hex'))).toEqual({ ok: false, reason: 'malformed' });
  });
});
