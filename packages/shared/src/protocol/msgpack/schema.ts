// Field-spec tables and the one encoder/decoder pair that reads them, so both directions agree on key order,
// wire types and presence rules (docs/protocol.md §1.4).
import type { DecodeErrorReason } from '../../errors';
import { I64_MAX, isWireInt } from '../wire-int';
import type { MpMap, MpNode } from './reader';
import { encodeStr, type MsgpackWriter } from './writer';

/**
 * `i64`: exact over the full range, held as a `WireInt` (number or bigint). `ms`: an i64 epoch-milliseconds
 * timestamp held as a number; values beyond ±(2^53−1) (past the year 285,000) are refused rather than rounded.
 */
export type IntRange = 'i32' | 'u32' | 'i64' | 'ms';

export type WireType =
  | { readonly kind: 'str' }
  | { readonly kind: 'enum'; readonly values: ReadonlySet<string> }
  | { readonly kind: 'int'; readonly range: IntRange }
  | { readonly kind: 'float' }
  | { readonly kind: 'bool' }
  | { readonly kind: 'array'; readonly of: WireType }
  | { readonly kind: 'map'; readonly spec: MapSpec<unknown> };

/**
 * req: must be present. def: may be absent (gets the default); the encoder always writes it.
 * opt: absent or nil both decode to null; the encoder writes nil for null. omit: absent or nil decode to
 * "no key"; the encoder leaves the key out for undefined/null.
 */
export type Presence =
  | { readonly kind: 'req' }
  | { readonly kind: 'def'; readonly value: unknown }
  | { readonly kind: 'opt' }
  | { readonly kind: 'omit' };

export interface FieldSpec {
  readonly key: string;
  /** The key's MessagePack encoding, computed once. */
  readonly keyBytes: Buffer;
  readonly type: WireType;
  readonly presence: Presence;
}

export interface MapSpec<T> {
  readonly name: string;
  readonly fields: readonly FieldSpec[];
  /**
   * Every key, in order, set to null: what a decoded object starts as (one clone, its final shape at once, instead
   * of a property added per field), for tables without `omit` fields (those leave keys out).
   */
  readonly blank?: Readonly<Record<string, null>> | null;
  /** Phantom: ties the table to the message type it describes. */
  readonly _type?: T;
}

export const str: WireType = { kind: 'str' };
export const f64: WireType = { kind: 'float' };
export const bool: WireType = { kind: 'bool' };
export const i32: WireType = { kind: 'int', range: 'i32' };
export const u32: WireType = { kind: 'int', range: 'u32' };
export const i64: WireType = { kind: 'int', range: 'i64' };
export const ms: WireType = { kind: 'int', range: 'ms' };
export const oneOf = (values: readonly string[]): WireType => ({ kind: 'enum', values: new Set(values) });
export const arrayOf = (of: WireType): WireType => ({ kind: 'array', of });
export const mapOf = <T>(spec: MapSpec<T>): WireType => ({ kind: 'map', spec: spec as MapSpec<unknown> });

export const req: Presence = { kind: 'req' };
export const opt: Presence = { kind: 'opt' };
export const omit: Presence = { kind: 'omit' };
export const def = (value: unknown): Presence => ({ kind: 'def', value });

type FieldDef<T> = readonly [key: keyof T & string, type: WireType, presence: Presence];

/** Declares a map's fields in wire order: `[key, type, presence]` tuples. */
export function mapSpec<T>(name: string, fields: readonly FieldDef<T>[]): MapSpec<T> {
  const omits = fields.some(([, , presence]) => presence.kind === 'omit');
  return {
    name,
    fields: fields.map(([key, type, presence]) => ({ key, keyBytes: encodeStr(key), type, presence })),
    blank: omits ? null : Object.fromEntries(fields.map(([key]) => [key, null])),
  };
}

// ---- encoding ----

const INT_LIMITS: Readonly<Record<IntRange, readonly [number, number]>> = {
  i32: [-0x8000_0000, 0x7fff_ffff],
  u32: [0, 0xffff_ffff],
  i64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  ms: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** For a number node or value: a safe integer within the range. */
const intOk = (n: number, range: IntRange): boolean => {
  const [min, max] = INT_LIMITS[range];
  return n >= min && n <= max;
};

/** Writes `obj` as a map in the table's order. Throws TypeError on a value the wire type cannot carry. */
export function writeMap<T>(w: MsgpackWriter, spec: MapSpec<T>, obj: T): void {
  const rec = obj as Record<string, unknown>;
  let count = 0;
  for (const f of spec.fields) if (f.presence.kind !== 'omit' || rec[f.key] != null) count++;
  w.writeMapHeader(count);
  for (const f of spec.fields) {
    const v = rec[f.key];
    if (v == null) {
      if (f.presence.kind === 'omit') continue;
      if (f.presence.kind !== 'opt') throw new TypeError(`${spec.name}.${f.key} is required`);
      w.writeRaw(f.keyBytes);
      w.writeNil();
      continue;
    }
    w.writeRaw(f.keyBytes);
    writeValue(w, f.type, v, spec.name, f.key);
  }
}

function writeValue(w: MsgpackWriter, type: WireType, v: unknown, owner: string, key: string): void {
  switch (type.kind) {
    case 'str':
      if (typeof v !== 'string') throw wrongType(owner, key, 'a string');
      w.writeStr(v);
      return;
    case 'enum':
      if (typeof v !== 'string' || !type.values.has(v))
        throw wrongType(owner, key, [...type.values].join('|'));
      w.writeStr(v);
      return;
    case 'int':
      if (type.range === 'i64' && typeof v === 'bigint') {
        if (!isWireInt(v)) throw wrongType(owner, key, 'an integer in i64');
        w.writeBigInt(v);
        return;
      }
      if (typeof v !== 'number' || !Number.isInteger(v) || !intOk(v, type.range)) {
        throw wrongType(
          owner,
          key,
          type.range === 'i64'
            ? 'an integer in i64 (a bigint beyond ±(2^53−1))'
            : `an integer in ${type.range}`,
        );
      }
      w.writeInt(v);
      return;
    case 'float':
      if (typeof v !== 'number') throw wrongType(owner, key, 'a number');
      w.writeFloat64(v);
      return;
    case 'bool':
      if (typeof v !== 'boolean') throw wrongType(owner, key, 'a boolean');
      w.writeBool(v);
      return;
    case 'array':
      if (!Array.isArray(v)) throw wrongType(owner, key, 'an array');
      w.writeArrayHeader(v.length);
      for (const item of v) writeValue(w, type.of, item, owner, key);
      return;
    case 'map':
      if (typeof v !== 'object' || v === null) throw wrongType(owner, key, 'an object');
      writeMap(w, type.spec, v);
      return;
  }
}

const wrongType = (owner: string, key: string, expected: string): TypeError =>
  new TypeError(`${owner}.${key} must be ${expected}`);

// ---- decoding ----

export type SchemaDecodeResult<T> = { ok: true; value: T } | { ok: false; reason: DecodeErrorReason };

const FAIL: unique symbol = Symbol('fail');
type Failed = typeof FAIL;

/** Holds the first failure so the happy path allocates no result wrappers. */
interface Ctx {
  reason: DecodeErrorReason;
}

const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

/**
 * Checks a parsed tree against a table (§1.4.9): unknown keys ignored, defaults applied, nil only for
 * opt/omit, float fields take ints, int fields refuse floats. Errors name the key path without indices.
 */
export function readMap<T>(node: MpNode, spec: MapSpec<T>): SchemaDecodeResult<T> {
  const ctx: Ctx = { reason: 'malformed' };
  if (node.t !== 'map') return { ok: false, reason: 'not_a_map' };
  const value = readFields(node.v, spec, '', ctx);
  return value === FAIL ? { ok: false, reason: ctx.reason } : { ok: true, value: value as T };
}

function readFields(
  entries: MpMap,
  spec: MapSpec<unknown>,
  path: string,
  ctx: Ctx,
): Record<string, unknown> | Failed {
  const out: Record<string, unknown> = spec.blank ? { ...spec.blank } : {};
  const fields = spec.fields;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const node = entries.get(f.key);
    const p = f.presence;
    if (node === undefined || node.t === 'nil') {
      if (p.kind === 'opt') out[f.key] = null;
      else if (p.kind === 'omit') continue;
      else if (node !== undefined) {
        ctx.reason = `wrong_type:${join(path, f.key)}`;
        return FAIL;
      } else if (p.kind === 'def') out[f.key] = Array.isArray(p.value) ? p.value.slice() : p.value;
      else {
        ctx.reason = `missing_field:${join(path, f.key)}`;
        return FAIL;
      }
      continue;
    }
    const v = readValue(node, f.type, path, f.key, ctx);
    if (v === FAIL) return FAIL;
    out[f.key] = v;
  }
  return out;
}

function readValue(node: MpNode, type: WireType, path: string, key: string, ctx: Ctx): unknown {
  switch (type.kind) {
    case 'str':
      if (node.t === 'str') return node.v;
      break;
    case 'enum':
      if (node.t === 'str' && type.values.has(node.v)) return node.v;
      break;
    case 'int':
      if (node.t === 'int' && intOk(node.v, type.range)) return node.v;
      // Only the reader makes bigint nodes, for values beyond ±(2^53−1): exact for i64, refused elsewhere.
      // A uint64 above 2^63−1 is out of range for the original's i64 too.
      if (node.t === 'bigint' && type.range === 'i64' && node.v <= I64_MAX) return node.v;
      break;
    case 'float':
      if (node.t === 'float' || node.t === 'int') return node.v;
      if (node.t === 'bigint') return Number(node.v);
      break;
    case 'bool':
      if (node.t === 'bool') return node.v;
      break;
    case 'array': {
      if (node.t !== 'arr') break;
      const items = node.v;
      const out: unknown[] = new Array(items.length);
      for (let i = 0; i < items.length; i++) {
        // An element is never optional: nil inside a list is a wrong type.
        const v = readValue(items[i]!, type.of, path, key, ctx);
        if (v === FAIL) return FAIL;
        out[i] = v;
      }
      return out;
    }
    case 'map':
      if (node.t === 'map') return readFields(node.v, type.spec, join(path, key), ctx);
      break;
  }
  ctx.reason = `wrong_type:${join(path, key)}`;
  return FAIL;
}
