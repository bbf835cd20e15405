// MessagePack writer with the caller choosing the wire type of every value (int vs float64 is a field
// property, not a property of the JS number). Writes into one growable buffer that is reused across frames.

const TWO_32 = 0x1_0000_0000;
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export class MsgpackWriter {
  private buf: Buffer;
  private view: DataView;
  pos = 0;

  constructor(initialSize = 4096) {
    this.buf = Buffer.allocUnsafe(initialSize);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  reset(): void {
    this.pos = 0;
  }

  /** A copy of the bytes written since the last reset (the internal buffer is reused). */
  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }

  private ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  writeRaw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  writeByte(byte: number): void {
    this.ensure(1);
    this.buf[this.pos++] = byte;
  }

  /** Plain UTF-8 bytes without a MessagePack header (topics in front of a payload). */
  writeUtf8(s: string): void {
    const len = Buffer.byteLength(s, 'utf8');
    this.ensure(len);
    this.buf.write(s, this.pos, len, 'utf8');
    this.pos += len;
  }

  writeNil(): void {
    this.ensure(1);
    this.buf[this.pos++] = 0xc0;
  }

  writeBool(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 0xc3 : 0xc2;
  }

  /** Most compact int form; `n` must be a safe integer (callers validate ranges). */
  writeInt(n: number): void {
    this.ensure(9);
    const b = this.buf;
    if (n >= 0) {
      if (n < 0x80) b[this.pos++] = n;
      else if (n < 0x100) {
        b[this.pos++] = 0xcc;
        b[this.pos++] = n;
      } else if (n < 0x1_0000) {
        b[this.pos++] = 0xcd;
        this.view.setUint16(this.pos, n);
        this.pos += 2;
      } else if (n < TWO_32) {
        b[this.pos++] = 0xce;
        this.view.setUint32(this.pos, n);
        this.pos += 4;
      } else {
        b[this.pos++] = 0xcf;
        this.view.setUint32(this.pos, Math.floor(n / TWO_32));
        this.view.setUint32(this.pos + 4, n >>> 0);
        this.pos += 8;
      }
    } else if (n >= -0x20) {
      b[this.pos++] = n & 0xff;
    } else if (n >= -0x80) {
      b[this.pos++] = 0xd0;
      this.view.setInt8(this.pos++, n);
    } else if (n >= -0x8000) {
      b[this.pos++] = 0xd1;
      this.view.setInt16(this.pos, n);
      this.pos += 2;
    } else if (n >= -0x8000_0000) {
      b[this.pos++] = 0xd2;
      this.view.setInt32(this.pos, n);
      this.pos += 4;
    } else {
      b[this.pos++] = 0xd3;
      this.view.setBigInt64(this.pos, BigInt(n));
      this.pos += 8;
    }
  }

  /**
   * A 64-bit int in the same most compact form a number of that value gets (docs/protocol.md §1.4: non-negative
   * values as uint, negative as int), so 5n and 5 write the same bytes. `n` must be within [−2^63, 2^64−1].
   */
  writeBigInt(n: bigint): void {
    if (n >= MIN_SAFE && n <= MAX_SAFE) {
      this.writeInt(Number(n));
      return;
    }
    this.ensure(9);
    if (n > 0n) {
      this.buf[this.pos++] = 0xcf;
      this.view.setBigUint64(this.pos, n);
    } else {
      this.buf[this.pos++] = 0xd3;
      this.view.setBigInt64(this.pos, n);
    }
    this.pos += 8;
  }

  writeFloat64(n: number): void {
    this.ensure(9);
    this.buf[this.pos++] = 0xcb;
    this.view.setFloat64(this.pos, n);
    this.pos += 8;
  }

  writeStr(s: string): void {
    // Short ASCII strings (ids, symbols, keys) are the common case: copy char codes without a byte-length pass.
    if (s.length < 32) {
      this.ensure(1 + s.length);
      const start = this.pos;
      const b = this.buf;
      b[start] = 0xa0 | s.length;
      let i = 0;
      for (; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[start + 1 + i] = c;
      }
      if (i === s.length) {
        this.pos = start + 1 + s.length;
        return;
      }
    }
    const len = Buffer.byteLength(s, 'utf8');
    this.writeStrHeader(len);
    this.ensure(len);
    this.buf.write(s, this.pos, len, 'utf8');
    this.pos += len;
  }

  private writeStrHeader(len: number): void {
    this.ensure(5);
    const b = this.buf;
    if (len < 32) b[this.pos++] = 0xa0 | len;
    else if (len < 0x100) {
      b[this.pos++] = 0xd9;
      b[this.pos++] = len;
    } else if (len < 0x1_0000) {
      b[this.pos++] = 0xda;
      this.view.setUint16(this.pos, len);
      this.pos += 2;
    } else {
      b[this.pos++] = 0xdb;
      this.view.setUint32(this.pos, len);
      this.pos += 4;
    }
  }

  writeArrayHeader(n: number): void {
    this.writeContainerHeader(n, 0x90, 0xdc);
  }

  writeMapHeader(n: number): void {
    this.writeContainerHeader(n, 0x80, 0xde);
  }

  /** fix form ≤ 15 entries, else the 16-bit form, else the 32-bit form (`fix`/`wide` are the format bytes). */
  private writeContainerHeader(n: number, fix: number, wide16: number): void {
    this.ensure(5);
    if (n < 16) this.buf[this.pos++] = fix | n;
    else if (n < 0x1_0000) {
      this.buf[this.pos++] = wide16;
      this.view.setUint16(this.pos, n);
      this.pos += 2;
    } else {
      this.buf[this.pos++] = wide16 + 1;
      this.view.setUint32(this.pos, n);
      this.pos += 4;
    }
  }
}

/** The fixstr/str8/… encoding of a string, precomputed for map keys. */
export function encodeStr(s: string): Buffer {
  const w = new MsgpackWriter(64);
  w.writeStr(s);
  return w.toBuffer();
}
