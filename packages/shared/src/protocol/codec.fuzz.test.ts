import fc from 'fast-check';
import { pack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { FrameDecodeError } from '../errors';
import { inboundArb } from './__fixtures__/arbitraries';
import { loadWireFixtures } from './__fixtures__/wire-fixtures';
import { decodeInbound, encodeInbound } from './codec';
import type { DecodedInbound } from './messages';

const REASON =
  /^(too_large|malformed|not_a_map|duplicate_key|unknown_message_type|no_message_type_or_action|(missing_field|wrong_type):[a-z_]+(\.[a-z_]+)?|bad_account_id:(account_id|source_account|master_account|slave_account))$/;

/** Small seeded PRNG (mulberry32): fast, and a failure reproduces from the same seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = rng(0x5eed);
const int = (n: number): number => Math.floor(random() * n);
const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => int(256)));
const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;

const seeds: DecodedInbound[] = fc.sample(inboundArb, { numRuns: 300, seed: 42 });
const validFrames: Buffer[] = [
  ...loadWireFixtures()
    .filter((f) => f.topic === null)
    .map((f) => Buffer.from(f.hex, 'hex')),
  ...seeds.map((m) => encodeInbound(m)),
];

const ODD_VALUES: unknown[] = [
  1.5,
  1.0,
  'x',
  null,
  true,
  [1, 'a'],
  { a: 1 },
  -1,
  2n ** 40n,
  Buffer.from([1, 2]),
];

/** Replaces one entry's value with a value of another type, through an independent encoder. */
function swapType(m: DecodedInbound): Buffer {
  const obj = { ...(m.message as unknown as Record<string, unknown>) };
  const key = pick(Object.keys(obj));
  obj[key] = pick(ODD_VALUES);
  return pack(obj);
}

/** Repeats one key of the top-level map (header count bumped accordingly). */
function duplicateKey(m: DecodedInbound): Buffer {
  const frame = encodeInbound(m);
  const obj = m.message as unknown as Record<string, unknown>;
  const key = pick(Object.keys(obj));
  const entry = pack({
    [key]: typeof obj[key] === 'number' && Number.isInteger(obj[key]) ? 0 : obj[key],
  }).subarray(1);
  const head = frame[0]!;
  if (head >= 0x80 && head < 0x8f) return Buffer.concat([Buffer.from([head + 1]), entry, frame.subarray(1)]);
  const n = frame.readUInt16BE(1);
  return Buffer.concat([Buffer.from([0xde, (n + 1) >> 8, (n + 1) & 0xff]), entry, frame.subarray(3)]);
}

function mutate(frame: Buffer): Buffer {
  const out = Buffer.from(frame);
  switch (int(5)) {
    case 0: {
      for (let i = 1 + int(3); i > 0 && out.length > 0; i--) out[int(out.length)]! ^= 1 << int(8);
      return out;
    }
    case 1:
      return out.subarray(0, int(out.length));
    case 2: {
      const at = int(out.length + 1);
      return Buffer.concat([out.subarray(0, at), bytes(1 + int(4)), out.subarray(at)]);
    }
    case 3: {
      const at = int(out.length);
      return Buffer.concat([out.subarray(0, at), out.subarray(at + 1 + int(3))]);
    }
    default: {
      const at = int(out.length);
      bytes(1 + int(8)).copy(out, at);
      return out;
    }
  }
}

function randomFrame(): Buffer {
  const body = bytes(int(48));
  // Half start with a map header so the walk goes past the first byte more often.
  return random() < 0.5 ? body : Buffer.concat([Buffer.from([0x80 | int(16)]), body]);
}

describe('decodeInbound under fuzzing', () => {
  it('never throws and always returns ok or a typed reason, across 60k hostile frames', () => {
    const started = performance.now();
    const reasons = new Map<string, number>();
    let ok = 0;
    const check = (frame: Uint8Array): void => {
      const result = decodeInbound(frame);
      if (result.ok) {
        ok++;
        return;
      }
      expect(result.error).toBeInstanceOf(FrameDecodeError);
      if (!REASON.test(result.error.reason)) throw new Error(`unexpected reason ${result.error.reason}`);
      reasons.set(result.error.reason, (reasons.get(result.error.reason) ?? 0) + 1);
    };

    for (let i = 0; i < 25_000; i++) check(randomFrame());
    for (let i = 0; i < 25_000; i++) check(mutate(pick(validFrames)));
    for (let i = 0; i < 5_000; i++) check(duplicateKey(pick(seeds)));
    for (let i = 0; i < 5_000; i++) check(swapType(pick(seeds)));

    expect(performance.now() - started).toBeLessThan(20_000);
    // Every class of damage was exercised, and reasons stay a small set (usable as a metric label).
    for (const r of [
      'malformed',
      'not_a_map',
      'duplicate_key',
      'no_message_type_or_action',
      'unknown_message_type',
    ]) {
      expect(reasons.get(r) ?? 0).toBeGreaterThan(0);
    }
    expect([...reasons.keys()].some((r) => r.startsWith('wrong_type:'))).toBe(true);
    expect([...reasons.keys()].some((r) => r.startsWith('missing_field:'))).toBe(true);
    expect(reasons.size).toBeLessThan(200);
    expect(ok).toBeGreaterThan(0);
  });

  it('survives fast-check generated byte strings and structured garbage', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.anything().map((v) => pack(v)),
        ),
        (frame) => {
          const result = decodeInbound(frame);
          expect(result.ok || REASON.test(result.error.reason)).toBe(true);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
