import fc from 'fast-check';
import { pack, Unpackr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { FrameTooLargeError } from '../errors';
import { inboundArb, outboundArb } from './__fixtures__/arbitraries';
import {
  decodeInbound,
  decodeOutboundFrame,
  encodeInbound,
  encodeOutbound,
  encodePayload,
  frameWithTopic,
} from './codec';
import { MAX_OUTBOUND_FRAME_BYTES } from './constants';
import type { DecodedInbound, OutboundMessage } from './messages';
import { canonicalWireInt } from './wire-int';

const RUNS = 300;

/** The topic and receiving role the relay would use for each outbound type. */
function route(msg: OutboundMessage): { topic: string; role: 'Master' | 'Slave' } {
  switch (msg.type) {
    case 'MasterConfig':
      return { topic: 'config/M1', role: 'Master' };
    case 'SlaveConfig':
      return { topic: 'config/S1', role: 'Slave' };
    case 'GlobalConfig':
      return { topic: 'config/global', role: 'Slave' };
    case 'TradeSignal':
      return { topic: 'trade/M1/S1', role: 'Slave' };
    case 'SyncRequest':
      return { topic: 'sync/M1/S1', role: 'Master' };
    case 'PositionSnapshot':
      return { topic: 'sync/M1/S1', role: 'Slave' };
  }
}

// msgpackr as an independent reader: every 64-bit int exact as a bigint, then put in our canonical form (a
// number when exact) so the comparison is by value, not by representation.
const oracle = new Unpackr({ int64AsType: 'bigint', mapsAsObjects: true });
function canonical(value: unknown): unknown {
  if (typeof value === 'bigint') return canonicalWireInt(value);
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}
const unpack = (bytes: Uint8Array): unknown => canonical(oracle.unpack(bytes));

/**
 * msgpackr writes integers beyond 32 bits as float64, which our int fields rightly refuse; BigInt makes it
 * write a 64-bit int instead. -0 becomes int 0 in msgpackr, so it is left out of the comparison.
 */
function forGenericEncoder(value: unknown): unknown {
  if (typeof value === 'number' && Number.isSafeInteger(value) && Math.abs(value) >= 2 ** 31)
    return BigInt(value);
  if (Array.isArray(value)) return value.map(forGenericEncoder);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, forGenericEncoder(v)]));
  }
  return value;
}
const hasNegativeZero = (m: DecodedInbound): boolean =>
  JSON.stringify(m.message, (_k, v) =>
    Object.is(v, -0) ? '__neg0__' : typeof v === 'bigint' ? String(v) : v,
  ).includes('__neg0__');

describe('inbound round trip', () => {
  it('decodeInbound(encodeInbound(m)) gives m back for every message type', () => {
    fc.assert(
      fc.property(inboundArb, (m) => {
        const result = decodeInbound(encodeInbound(m));
        expect(result).toEqual({ ok: true, value: m });
      }),
      { numRuns: RUNS },
    );
  });

  it('msgpackr reads our inbound bytes as the same values', () => {
    fc.assert(
      fc.property(inboundArb, (m) => {
        expect(unpack(encodeInbound(m))).toEqual(m.message);
      }),
      { numRuns: RUNS },
    );
  });

  it('frames written by a generic encoder (msgpackr) decode to the same message', () => {
    fc.assert(
      fc.property(
        inboundArb.filter((m) => !hasNegativeZero(m)),
        (m) => {
          expect(decodeInbound(pack(forGenericEncoder(m.message)))).toEqual({ ok: true, value: m });
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('outbound round trip', () => {
  it('decodeOutboundFrame(encodeOutbound(topic, m)) gives m back, or the frame is refused as too large', () => {
    let fitting = 0;
    fc.assert(
      fc.property(outboundArb, (m) => {
        const { topic, role } = route(m);
        const size = Buffer.byteLength(topic) + 1 + encodePayload(m).length;
        if (size > MAX_OUTBOUND_FRAME_BYTES) {
          expect(() => encodeOutbound(topic, m)).toThrow(FrameTooLargeError);
          return;
        }
        fitting++;
        expect(decodeOutboundFrame(encodeOutbound(topic, m), role)).toEqual({ topic, message: m });
      }),
      { numRuns: RUNS },
    );
    expect(fitting).toBeGreaterThan(RUNS / 2);
  });

  it('msgpackr reads our payloads as the same values', () => {
    fc.assert(
      fc.property(outboundArb, (m) => {
        expect(unpack(encodePayload(m))).toEqual(m.message);
      }),
      { numRuns: RUNS },
    );
  });

  it('framing a shared payload gives the same bytes as encoding per topic', () => {
    fc.assert(
      fc.property(outboundArb, (m) => {
        const { topic } = route(m);
        const payload = encodePayload(m);
        if (Buffer.byteLength(topic) + 1 + payload.length > MAX_OUTBOUND_FRAME_BYTES) return;
        expect(frameWithTopic(topic, payload).equals(encodeOutbound(topic, m))).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});
