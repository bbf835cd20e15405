// docs/protocol.md D18: tickets, magic numbers and account numbers are exact over the full i64 range, end to end.
// The expected bytes are written out from the MessagePack spec: uint64 is 0xcf + 8 bytes big-endian, int64 is
// 0xd3 + 8 bytes two's complement, and (§1.4 rule 4) non-negative values always take the uint forms.
import fc from 'fast-check';
import { pack, Unpackr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { decodeInbound, decodeOutboundFrame, encodeInbound, encodeOutbound } from './codec';
import type { DecodedInbound, TradeSignal, WireInt } from './messages';
import { parseMsgpack } from './msgpack/reader';
import { MsgpackWriter } from './msgpack/writer';
import { buildRemovalSlaveConfig } from './settings-wire';
import { canonicalWireInt, I64_MAX, I64_MIN } from './wire-int';

/** A fixstr: header 0xa0|length, then the ASCII bytes (every key and value below is < 32 bytes). */
const fixstr = (s: string): string =>
  (0xa0 | s.length).toString(16) + Buffer.from(s, 'ascii').toString('hex');
const TS = '2025-01-01T00:00:00.250Z';

function openSignal(ticket: WireInt, magic: WireInt): TradeSignal {
  return { action: 'Open', ticket, magic_number: magic, timestamp: TS, source_account: 'M1' };
}

/** The Open signal above as bytes: fixmap 5, keys in §2.5 order, the two ints as given. */
const openSignalHex = (ticketHex: string, magicHex: string): string =>
  '85' +
  fixstr('action') +
  fixstr('Open') +
  fixstr('ticket') +
  ticketHex +
  fixstr('magic_number') +
  magicHex +
  fixstr('timestamp') +
  // 24 bytes: still a fixstr (b8).
  fixstr(TS) +
  fixstr('source_account') +
  fixstr('M1');

const CASES: [string, WireInt, WireInt, string, string][] = [
  ['ticket 2^63−1, magic 2^53+1', I64_MAX, 2n ** 53n + 1n, 'cf7fffffffffffffff', 'cf0020000000000001'],
  ['ticket 2^53+1, magic −2^63', 2n ** 53n + 1n, I64_MIN, 'cf0020000000000001', 'd38000000000000000'],
  ['ticket −(2^53+1), magic 2^53', -(2n ** 53n) - 1n, 2n ** 53n, 'd3ffdfffffffffffff', 'cf0020000000000000'],
  [
    'ticket 2^53−1, magic −(2^53−1) (still numbers)',
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
    'cf001fffffffffffff',
    'd3ffe0000000000001',
  ],
];

describe('64-bit tickets and magic numbers, byte-exact', () => {
  it.each(CASES)('an inbound Open with %s encodes and decodes exactly', (_n, ticket, magic, tHex, mHex) => {
    const hex = openSignalHex(tHex, mHex);
    const msg: DecodedInbound = { type: 'TradeSignal', message: openSignal(ticket, magic) };
    expect(encodeInbound(msg).toString('hex')).toBe(hex);
    const decoded = decodeInbound(Buffer.from(hex, 'hex'));
    expect(decoded).toStrictEqual({ ok: true, value: msg });
    if (!decoded.ok) return;
    expect(encodeInbound(decoded.value).toString('hex')).toBe(hex);
  });

  it.each(CASES)('a forwarded Open with %s reaches the slave exactly', (_n, ticket, magic, tHex, mHex) => {
    const hex = Buffer.from('trade/M1/S1 ').toString('hex') + openSignalHex(tHex, mHex);
    const frame = encodeOutbound('trade/M1/S1', { type: 'TradeSignal', message: openSignal(ticket, magic) });
    expect(frame.toString('hex')).toBe(hex);
    expect(decodeOutboundFrame(frame, 'Slave')).toStrictEqual({
      topic: 'trade/M1/S1',
      message: { type: 'TradeSignal', message: openSignal(ticket, magic) },
    });
  });

  it('writes 5n and 5 to the same bytes and decodes both as the number 5', () => {
    const asBig = encodeInbound({ type: 'TradeSignal', message: openSignal(5n, 0n) });
    const asNum = encodeInbound({ type: 'TradeSignal', message: openSignal(5, 0) });
    expect(asBig.equals(asNum)).toBe(true);
    expect(decodeInbound(asBig)).toStrictEqual({
      ok: true,
      value: { type: 'TradeSignal', message: openSignal(5, 0) },
    });
  });

  it('carries a 2^63−1 account number, leverage and snapshot ticket, and 64-bit magic filters', () => {
    const snapshot: DecodedInbound = {
      type: 'PositionSnapshot',
      message: {
        message_type: 'PositionSnapshot',
        source_account: 'M1',
        positions: [
          {
            ticket: I64_MAX,
            symbol: 'EURUSD',
            order_type: 'Buy',
            lots: 1,
            open_price: 1,
            open_time: '',
            magic_number: I64_MIN,
          },
        ],
        timestamp: TS,
      },
    };
    const snapshotHex = encodeInbound(snapshot).toString('hex');
    expect(snapshotHex).toContain(fixstr('ticket') + 'cf7fffffffffffffff');
    expect(snapshotHex).toContain(fixstr('magic_number') + 'd38000000000000000');
    expect(decodeInbound(Buffer.from(snapshotHex, 'hex'))).toStrictEqual({ ok: true, value: snapshot });

    const register = {
      message_type: 'Register',
      account_id: 'M1',
      ea_type: 'Master',
      platform: 'MT5',
      account_number: I64_MAX,
      broker: 'B',
      account_name: 'N',
      server: 'S',
      currency: 'USD',
      leverage: 2n ** 53n + 1n,
      timestamp: TS,
      symbol_context: null,
      is_trade_allowed: true,
    } as const;
    const registerHex = encodeInbound({ type: 'Register', message: register }).toString('hex');
    expect(registerHex).toContain(fixstr('account_number') + 'cf7fffffffffffffff');
    expect(registerHex).toContain(fixstr('leverage') + 'cf0020000000000001');
    expect(decodeInbound(Buffer.from(registerHex, 'hex'))).toStrictEqual({
      ok: true,
      value: { type: 'Register', message: register },
    });

    const config = buildRemovalSlaveConfig('S1', 'M1', 1735689600000);
    config.filters.allowed_magic_numbers = [I64_MAX, I64_MIN, 2n ** 53n + 1n, 7];
    const frame = encodeOutbound('config/S1', { type: 'SlaveConfig', message: config });
    expect(frame.toString('hex')).toContain(
      'b5' +
        Buffer.from('allowed_magic_numbers').toString('hex') +
        '94cf7fffffffffffffffd38000000000000000cf002000000000000107',
    );
    expect(decodeOutboundFrame(frame, 'Slave')).toStrictEqual({
      topic: 'config/S1',
      message: { type: 'SlaveConfig', message: config },
    });
  });

  it('refuses to encode a number beyond 2^53 (it may be rounded) or a bigint beyond i64', () => {
    const encode = (ticket: WireInt) => () =>
      encodeInbound({ type: 'TradeSignal', message: openSignal(ticket, 0) });
    expect(encode(2 ** 53)).toThrow(/TradeSignal\.ticket must be an integer in i64/);
    expect(encode(I64_MAX + 1n)).toThrow(TypeError);
    expect(encode(I64_MIN - 1n)).toThrow(TypeError);
  });
});

describe('64-bit ints against msgpackr as an independent implementation', () => {
  const oracle = new Unpackr({ int64AsType: 'bigint', mapsAsObjects: true });
  const i64 = fc.bigInt({ min: I64_MIN, max: I64_MAX });
  const bytesOf = (write: (w: MsgpackWriter) => void): Buffer => {
    const w = new MsgpackWriter(16);
    write(w);
    return w.toBuffer();
  };

  it('msgpackr reads every i64 we write as the same value, in the most compact form', () => {
    fc.assert(
      fc.property(i64, (v) => {
        const bytes = bytesOf((w) => w.writeBigInt(v));
        expect(BigInt(oracle.unpack(bytes) as number | bigint)).toBe(v);
        const safe = canonicalWireInt(v);
        if (typeof safe === 'number') expect(bytes.equals(bytesOf((w) => w.writeInt(safe)))).toBe(true);
        else expect(bytes.length).toBe(9);
      }),
      { numRuns: 2000 },
    );
  });

  it('we read every int64 and uint64 msgpackr writes as the same value, in canonical form', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: I64_MIN, max: 2n ** 64n - 1n }), (v) => {
        const parsed = parseMsgpack(pack(v));
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        const node = parsed.node;
        expect(node.t === 'int' || node.t === 'bigint').toBe(true);
        if (node.t === 'int' || node.t === 'bigint') expect(node.v).toBe(canonicalWireInt(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('tickets and magic numbers over the full i64 range round-trip, and msgpackr agrees', () => {
    fc.assert(
      fc.property(i64, i64, (t, m) => {
        const msg = openSignal(canonicalWireInt(t), canonicalWireInt(m));
        const bytes = encodeInbound({ type: 'TradeSignal', message: msg });
        expect(decodeInbound(bytes)).toStrictEqual({
          ok: true,
          value: { type: 'TradeSignal', message: msg },
        });
        const read = oracle.unpack(bytes) as { ticket: bigint | number; magic_number: bigint | number };
        expect([BigInt(read.ticket), BigInt(read.magic_number)]).toEqual([t, m]);
        // msgpackr's own (always 9-byte) int64 encoding decodes to the same message.
        expect(decodeInbound(pack({ ...msg, ticket: t, magic_number: m }))).toStrictEqual({
          ok: true,
          value: { type: 'TradeSignal', message: msg },
        });
      }),
      { numRuns: 1000 },
    );
  });
});
