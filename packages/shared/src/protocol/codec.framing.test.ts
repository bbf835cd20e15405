import { describe, expect, it } from 'vitest';
import { FrameTooLargeError } from '../errors';
import { encodeOutbound, encodePayload, frameWithTopic } from './codec';
import { MAX_OUTBOUND_FRAME_BYTES } from './constants';
import type { OutboundMessage, PositionInfo } from './messages';

const snapshot = (positions: number): OutboundMessage => ({
  type: 'PositionSnapshot',
  message: {
    message_type: 'PositionSnapshot',
    source_account: 'M1',
    timestamp: '2025-01-01T00:00:00+00:00',
    positions: Array.from(
      { length: positions },
      (_, i): PositionInfo => ({
        ticket: 1000 + i,
        symbol: 'EURUSD',
        order_type: 'Buy',
        lots: 0.1,
        open_price: 1.085,
        open_time: '2025-01-01T09:30:00+00:00',
      }),
    ),
  },
});

/** Largest snapshot whose frame still fits, found by growing it. */
function largestFitting(topic: string): number {
  let n = 0;
  while (Buffer.byteLength(topic) + 1 + encodePayload(snapshot(n + 1)).length <= MAX_OUTBOUND_FRAME_BYTES)
    n++;
  return n;
}

describe('outbound framing', () => {
  it('accepts a frame right at 4096 bytes and refuses the next size up', () => {
    const topic = 'sync/M1/S1';
    const n = largestFitting(topic);
    expect(encodeOutbound(topic, snapshot(n)).length).toBeLessThanOrEqual(MAX_OUTBOUND_FRAME_BYTES);
    const fail = (): Buffer => encodeOutbound(topic, snapshot(n + 1));
    expect(fail).toThrow(FrameTooLargeError);
    try {
      fail();
    } catch (e) {
      expect(e).toMatchObject({ topic, limit: MAX_OUTBOUND_FRAME_BYTES });
      expect((e as FrameTooLargeError).size).toBeGreaterThan(MAX_OUTBOUND_FRAME_BYTES);
    }
  });

  it('applies the same limit when prefixing a shared payload', () => {
    const payload = Buffer.alloc(MAX_OUTBOUND_FRAME_BYTES - 'trade/M1/S1 '.length);
    expect(frameWithTopic('trade/M1/S1', payload).length).toBe(MAX_OUTBOUND_FRAME_BYTES);
    expect(() => frameWithTopic('trade/M1/S12', payload)).toThrow(FrameTooLargeError);
  });

  it('counts the topic in UTF-8 bytes', () => {
    const frame = frameWithTopic('config/ü', Buffer.from([0x80]));
    expect(frame.toString('hex')).toBe(Buffer.from('config/ü ').toString('hex') + '80');
  });

  it('refuses a topic with a space, which the EA would split at', () => {
    expect(() => frameWithTopic('config/a b', Buffer.from([0x80]))).toThrow(TypeError);
  });

  it('refuses values the wire type cannot carry instead of writing a float for an int', () => {
    const bad = (ticket: number): OutboundMessage => ({
      type: 'TradeSignal',
      message: { action: 'Close', ticket, timestamp: 't', source_account: 'M1' },
    });
    expect(() => encodePayload(bad(1.5))).toThrow(TypeError);
    expect(() => encodePayload(bad(2 ** 60))).toThrow(TypeError);
    expect(() => encodePayload({ type: 'TradeSignal', message: { action: 'Open' } as never })).toThrow(
      /required/,
    );
  });

  it('returns a fresh buffer each time although the scratch space is reused', () => {
    const a = encodePayload(snapshot(1));
    const b = encodePayload(snapshot(2));
    expect(a.equals(encodePayload(snapshot(1)))).toBe(true);
    expect(a.equals(b)).toBe(false);
  });
});
