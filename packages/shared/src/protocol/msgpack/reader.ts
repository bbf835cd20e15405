// Bounds-checked MessagePack parser producing a typed tree (so int vs float survives) for schema checks.
// It never throws: failures come back as a reason, and nesting and lengths are capped before allocating.
import { isUtf8 } from 'node:buffer';
import { MpMap } from './mp-map';

export { MpMap } from './mp-map';

export type MpNode =
  | { readonly t: 'nil' }
  | { readonly t: 'bool'; readonly v: boolean }
  /** An integer within ±(2^53−1). */
  | { readonly t: 'int'; readonly v: number }
  /** An integer outside ±(2^53−1), exact (uint64 values above 2^63−1 included; i64 fields refuse those). */
  | { readonly t: 'bigint'; readonly v: bigint }
  | { readonly t: 'float'; readonly v: number; readonly bits: 32 | 64 }
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'bin' }
  | { readonly t: 'ext' }
  | { readonly t: 'arr'; readonly v: MpNode[] }
  /** String keys only; entries with other key types are skipped (they cannot name a field). */
  | { readonly t: 'map'; readonly v: MpMap };

export type ParseFailure = 'malformed' | 'duplicate_key';
export type ParseResult = { ok: true; node: MpNode } | { ok: false; reason: ParseFailure };

export const MAX_DEPTH = 32;

/** Nodes of the positive and negative fixints, shared (nodes are never mutated). */
const FIXINTS: readonly MpNode[] = Array.from({ length: 0x100 }, (_, b) => ({
  t: 'int',
  v: b < 0x80 ? b : b - 0x100,
}));

const NIL: MpNode = { t: 'nil' };
const TRUE: MpNode = { t: 'bool', v: true };
const FALSE: MpNode = { t: 'bool', v: false };
const BIN: MpNode = { t: 'bin' };
const EXT: MpNode = { t: 'ext' };
const TWO_32 = 0x1_0000_0000;
/** ASCII strings up to this many bytes go through `textCache`. */
const SHORT_TEXT = 24;
const TEXT_CACHE_SIZE = 4096;
const textCache: (string | undefined)[] = new Array(TEXT_CACHE_SIZE).fill(undefined);

class Parser {
  pos = 0;
  failure: ParseFailure | null = null;
  private readonly view: DataView;
  private readonly buf: Buffer;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private fail(reason: ParseFailure = 'malformed'): null {
    this.failure ??= reason;
    return null;
  }

  private has(n: number): boolean {
    return this.bytes.length - this.pos >= n;
  }

  value(depth: number): MpNode | null {
    if (depth > MAX_DEPTH || !this.has(1)) return this.fail();
    const b = this.bytes[this.pos++]!;
    if (b < 0x80) return FIXINTS[b]!;
    if (b < 0x90) return this.map(b & 0x0f, depth);
    if (b < 0xa0) return this.array(b & 0x0f, depth);
    if (b < 0xc0) return this.str(b & 0x1f);
    if (b >= 0xe0) return FIXINTS[b]!;
    const v = this.view;
    switch (b) {
      case 0xc0:
        return NIL;
      case 0xc2:
        return FALSE;
      case 0xc3:
        return TRUE;
      case 0xc4:
      case 0xc5:
      case 0xc6: {
        const len = this.length(b - 0xc4);
        return len === null ? null : this.skip(len, BIN);
      }
      case 0xc7:
      case 0xc8:
      case 0xc9: {
        const len = this.length(b - 0xc7);
        return len === null ? null : this.skip(len + 1, EXT);
      }
      case 0xca:
        if (!this.has(4)) return this.fail();
        this.pos += 4;
        return { t: 'float', v: v.getFloat32(this.pos - 4), bits: 32 };
      case 0xcb:
        if (!this.has(8)) return this.fail();
        this.pos += 8;
        return { t: 'float', v: v.getFloat64(this.pos - 8), bits: 64 };
      case 0xcc:
        if (!this.has(1)) return this.fail();
        return { t: 'int', v: this.bytes[this.pos++]! };
      case 0xcd:
        if (!this.has(2)) return this.fail();
        this.pos += 2;
        return { t: 'int', v: v.getUint16(this.pos - 2) };
      case 0xce:
        if (!this.has(4)) return this.fail();
        this.pos += 4;
        return { t: 'int', v: v.getUint32(this.pos - 4) };
      case 0xcf: {
        if (!this.has(8)) return this.fail();
        const n = v.getUint32(this.pos) * TWO_32 + v.getUint32(this.pos + 4);
        this.pos += 8;
        return Number.isSafeInteger(n)
          ? { t: 'int', v: n }
          : { t: 'bigint', v: v.getBigUint64(this.pos - 8) };
      }
      case 0xd0:
        if (!this.has(1)) return this.fail();
        return { t: 'int', v: v.getInt8(this.pos++) };
      case 0xd1:
        if (!this.has(2)) return this.fail();
        this.pos += 2;
        return { t: 'int', v: v.getInt16(this.pos - 2) };
      case 0xd2:
        if (!this.has(4)) return this.fail();
        this.pos += 4;
        return { t: 'int', v: v.getInt32(this.pos - 4) };
      case 0xd3: {
        if (!this.has(8)) return this.fail();
        const n = v.getInt32(this.pos) * TWO_32 + v.getUint32(this.pos + 4);
        this.pos += 8;
        return Number.isSafeInteger(n) ? { t: 'int', v: n } : { t: 'bigint', v: v.getBigInt64(this.pos - 8) };
      }
      case 0xd4:
      case 0xd5:
      case 0xd6:
      case 0xd7:
      case 0xd8:
        return this.skip(1 + (1 << (b - 0xd4)), EXT);
      case 0xd9:
      case 0xda:
      case 0xdb: {
        const len = this.length(b - 0xd9);
        return len === null ? null : this.str(len);
      }
      case 0xdc:
      case 0xdd: {
        const len = this.length(b - 0xdc + 1);
        return len === null ? null : this.array(len, depth);
      }
      case 0xde:
      case 0xdf: {
        const len = this.length(b - 0xde + 1);
        return len === null ? null : this.map(len, depth);
      }
      default:
        // 0xc1 is "never used" in the MessagePack spec.
        return this.fail();
    }
  }

  /** Reads a big-endian length of 1, 2 or 4 bytes (`width` 0, 1, 2). */
  private length(width: number): number | null {
    const size = 1 << width;
    if (!this.has(size)) return this.fail();
    const p = this.pos;
    this.pos += size;
    if (size === 1) return this.bytes[p]!;
    if (size === 2) return this.view.getUint16(p);
    return this.view.getUint32(p);
  }

  private skip(n: number, node: MpNode): MpNode | null {
    if (!this.has(n)) return this.fail();
    this.pos += n;
    return node;
  }

  private str(len: number): MpNode | null {
    if (!this.has(len)) return this.fail();
    const start = this.pos;
    this.pos += len;
    const s = this.text(start, len);
    return s === null ? this.fail() : { t: 'str', v: s };
  }

  /** UTF-8 text, or null when the bytes are not valid UTF-8 (a Rust `String` would refuse them too). */
  private text(start: number, len: number): string | null {
    const bytes = this.bytes;
    const end = start + len;
    if (len <= SHORT_TEXT) {
      // Short ASCII (keys, ids, enum values) repeats from frame to frame: served from a small cache of decoded
      // strings, checked byte by byte, so no new string is made and no call goes into the Buffer binding.
      let h = len;
      for (let i = start; i < end; i++) {
        const b = bytes[i]!;
        if (b >= 0x80) return this.slowText(start, len);
        h = Math.imul(h ^ b, 0x01000193);
      }
      const slot = (h >>> 0) & (TEXT_CACHE_SIZE - 1);
      const known = textCache[slot];
      if (known !== undefined && known.length === len) {
        let same = true;
        for (let i = 0; i < len; i++) {
          if (known.charCodeAt(i) !== bytes[start + i]) {
            same = false;
            break;
          }
        }
        if (same) return known;
      }
      const s = this.buf.toString('latin1', start, end);
      textCache[slot] = s;
      return s;
    }
    for (let i = start; i < end; i++) if (bytes[i]! >= 0x80) return this.slowText(start, len);
    // Pure ASCII (ids, symbols, keys): latin1 decoding is identical and skips UTF-8 validation.
    return this.buf.toString('latin1', start, end);
  }

  private slowText(start: number, len: number): string | null {
    const s = this.buf.toString('utf8', start, start + len);
    if (s.includes('\uFFFD') && !isUtf8(this.bytes.subarray(start, start + len))) return null;
    return s;
  }

  private array(len: number, depth: number): MpNode | null {
    if (!this.has(len)) return this.fail();
    const items: MpNode[] = new Array(len);
    for (let i = 0; i < len; i++) {
      const item = this.value(depth + 1);
      if (item === null) return null;
      items[i] = item;
    }
    return { t: 'arr', v: items };
  }

  private map(len: number, depth: number): MpNode | null {
    if (!this.has(len * 2)) return this.fail();
    const entries = new MpMap(len);
    for (let i = 0; i < len; i++) {
      // A string key is read as text directly (no node for it); any other key is parsed as a value and skipped.
      const key = this.key(depth + 1);
      if (key === null) return null;
      const val = this.value(depth + 1);
      if (val === null) return null;
      if (typeof key !== 'string') continue;
      if (!entries.add(key, val)) return this.fail('duplicate_key');
    }
    return { t: 'map', v: entries };
  }

  /** A map key: its text when it is a string, else its node (null: failed). */
  private key(depth: number): string | MpNode | null {
    if (!this.has(1)) return this.fail();
    const b = this.bytes[this.pos]!;
    let len: number | null;
    if (b >= 0xa0 && b < 0xc0) {
      this.pos++;
      len = b & 0x1f;
    } else if (b >= 0xd9 && b <= 0xdb && depth <= MAX_DEPTH) {
      this.pos++;
      len = this.length(b - 0xd9);
      if (len === null) return null;
    } else return this.value(depth);
    if (depth > MAX_DEPTH || !this.has(len)) return this.fail();
    const start = this.pos;
    this.pos += len;
    return this.text(start, len) ?? this.fail();
  }
}

/** Parses exactly one MessagePack document; trailing bytes make the frame malformed. */
export function parseMsgpack(bytes: Uint8Array): ParseResult {
  const p = new Parser(bytes);
  const node = p.value(0);
  if (node === null) return { ok: false, reason: p.failure ?? 'malformed' };
  if (p.pos !== bytes.length) return { ok: false, reason: 'malformed' };
  return { ok: true, node };
}
