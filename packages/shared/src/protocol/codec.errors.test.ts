import { pack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { FrameDecodeError } from '../errors';
import { fixture } from './__fixtures__/wire-fixtures';
import { type DecodeResult, decodeInbound, decodeOutboundFrame, encodeInbound } from './codec';
import { MAX_INBOUND_FRAME_BYTES } from './constants';
import type { HeartbeatMessage, RegisterMessage } from './messages';
import { MsgpackWriter } from './msgpack/writer';

const heartbeat = fixture('heartbeat_in').message as unknown as HeartbeatMessage;
const register = fixture('register_in').message as unknown as RegisterMessage;

function reasonOf(result: DecodeResult): string {
  if (result.ok) throw new Error(`expected a failure, got ${result.value.type}`);
  expect(result.error).toBeInstanceOf(FrameDecodeError);
  return result.error.reason;
}

/** A map written entry by entry, so tests can place duplicates and exact wire types. */
function rawMap(entries: [string, (w: MsgpackWriter) => void][]): Buffer {
  const w = new MsgpackWriter();
  w.writeMapHeader(entries.length);
  for (const [k, write] of entries) {
    w.writeStr(k);
    write(w);
  }
  return w.toBuffer();
}

const closeSignal = {
  action: 'Close',
  ticket: 1,
  timestamp: '2025-01-01T00:00:00.250Z',
  source_account: 'M1',
};

describe('decodeInbound failure reasons', () => {
  it('refuses frames above 1 MiB before parsing them', () => {
    const frame = Buffer.alloc(MAX_INBOUND_FRAME_BYTES + 1, 0xc1);
    expect(reasonOf(decodeInbound(frame))).toBe('too_large');
  });

  it('accepts a frame of exactly 1 MiB as far as size goes', () => {
    const frame = Buffer.alloc(MAX_INBOUND_FRAME_BYTES, 0xc1);
    expect(reasonOf(decodeInbound(frame))).toBe('malformed');
  });

  it.each([
    ['empty', ''],
    ['truncated string', 'a5616263'],
    ['reserved byte 0xc1', 'c1'],
    ['trailing bytes', '80c0'],
    ['truncated map', '82a161c0'],
    ['array length beyond the frame', 'ddffffffff'],
    ['invalid UTF-8', '81a2c328c0'],
  ])('reports malformed for %s', (_name, hex) => {
    expect(reasonOf(decodeInbound(Buffer.from(hex, 'hex')))).toBe('malformed');
  });

  it('reports malformed for nesting deeper than the cap instead of overflowing the stack', () => {
    const deep = Buffer.alloc(200_000, 0x91);
    expect(reasonOf(decodeInbound(deep))).toBe('malformed');
  });

  it.each([
    ['an array', [1, 2]],
    ['a string', 'Heartbeat'],
    ['nil', null],
    ['an int', 7],
  ])('reports not_a_map for %s', (_name, value) => {
    expect(reasonOf(decodeInbound(pack(value)))).toBe('not_a_map');
  });

  it('reports duplicate_key for a repeated key, even when both values agree', () => {
    const frame = rawMap([
      ['message_type', (w) => w.writeStr('RequestConfig')],
      ['account_id', (w) => w.writeStr('S1')],
      ['account_id', (w) => w.writeStr('S1')],
      ['timestamp', (w) => w.writeStr('2025-01-01T00:00:00+00:00')],
      ['ea_type', (w) => w.writeStr('Slave')],
    ]);
    expect(reasonOf(decodeInbound(frame))).toBe('duplicate_key');
  });

  it('reports duplicate_key inside nested maps too', () => {
    const frame = rawMap([
      ['message_type', (w) => w.writeStr('SyncRequest')],
      [
        'extra',
        (w) => {
          w.writeMapHeader(2);
          w.writeStr('k');
          w.writeNil();
          w.writeStr('k');
          w.writeNil();
        },
      ],
    ]);
    expect(reasonOf(decodeInbound(frame))).toBe('duplicate_key');
  });

  it.each(['heartbeat', 'TradeSignal', 'Config', ''])('reports unknown_message_type for %j', (type) => {
    expect(reasonOf(decodeInbound(pack({ ...heartbeat, message_type: type })))).toBe('unknown_message_type');
  });

  it('reports no_message_type_or_action for a map with neither', () => {
    expect(reasonOf(decodeInbound(pack({ account_id: 'M1' })))).toBe('no_message_type_or_action');
    expect(reasonOf(decodeInbound(pack({ message_type: null, action: null })))).toBe(
      'no_message_type_or_action',
    );
  });

  it('reports wrong_type:message_type when it is not a string', () => {
    expect(reasonOf(decodeInbound(pack({ message_type: 1 })))).toBe('wrong_type:message_type');
  });

  it('reports missing_field:<key> for a missing required key', () => {
    const { account_id: _, ...rest } = heartbeat;
    expect(reasonOf(decodeInbound(pack(rest)))).toBe('missing_field:account_id');
    const { ticket: __, ...noTicket } = closeSignal;
    expect(reasonOf(decodeInbound(pack(noTicket)))).toBe('missing_field:ticket');
  });

  it('reports wrong_type:ticket for a float64 ticket, even an integral one', () => {
    const frame = rawMap([
      ['action', (w) => w.writeStr('Close')],
      ['ticket', (w) => w.writeFloat64(12345)],
      ['timestamp', (w) => w.writeStr(closeSignal.timestamp)],
      ['source_account', (w) => w.writeStr('M1')],
    ]);
    expect(reasonOf(decodeInbound(frame))).toBe('wrong_type:ticket');
  });

  it('reports wrong_type for float32, bin and ext where an int is required', () => {
    const variants: ((w: MsgpackWriter) => void)[] = [
      (w) => w.writeRaw(Buffer.from('ca3f800000', 'hex')),
      (w) => w.writeRaw(Buffer.from('c4020102', 'hex')),
      (w) => w.writeRaw(Buffer.from('d40100', 'hex')),
    ];
    for (const write of variants) {
      const frame = rawMap([
        ['action', (w) => w.writeStr('Close')],
        ['ticket', write],
        ['timestamp', (w) => w.writeStr(closeSignal.timestamp)],
        ['source_account', (w) => w.writeStr('M1')],
      ]);
      expect(reasonOf(decodeInbound(frame))).toBe('wrong_type:ticket');
    }
  });

  it('reports wrong_type:ticket for a uint64 above 2^63−1, which no i64 can hold', () => {
    const frame = rawMap([
      ['action', (w) => w.writeStr('Close')],
      ['ticket', (w) => w.writeRaw(Buffer.from('cf8000000000000000', 'hex'))],
      ['timestamp', (w) => w.writeStr(closeSignal.timestamp)],
      ['source_account', (w) => w.writeStr('M1')],
    ]);
    expect(reasonOf(decodeInbound(frame))).toBe('wrong_type:ticket');
  });

  it('refuses ints beyond 2^53 in i32 fields and in epoch-ms timestamps instead of rounding them', () => {
    const key = Buffer.from('\xaeopen_positions', 'latin1').toString('hex');
    const hex = encodeInbound({ type: 'Heartbeat', message: heartbeat }).toString('hex');
    expect(hex).toContain(`${key}02`);
    const heartbeatFrame = Buffer.from(hex.replace(`${key}02`, `${key}cf0020000000000001`), 'hex');
    expect(reasonOf(decodeInbound(heartbeatFrame))).toBe('wrong_type:open_positions');
    const unregister = rawMap([
      ['message_type', (w) => w.writeStr('Unregister')],
      ['account_id', (w) => w.writeStr('M1')],
      ['timestamp', (w) => w.writeRaw(Buffer.from('cf0020000000000001', 'hex'))],
    ]);
    expect(reasonOf(decodeInbound(unregister))).toBe('wrong_type:timestamp');
  });

  it('reports wrong_type:open_positions for an i32 field out of range', () => {
    expect(reasonOf(decodeInbound(pack({ ...heartbeat, open_positions: 2 ** 31 })))).toBe(
      'wrong_type:open_positions',
    );
  });

  it('reports wrong_type:is_trade_allowed for nil on a Heartbeat and still names the account', () => {
    const result = decodeInbound(pack({ ...heartbeat, is_trade_allowed: null }));
    expect(reasonOf(result)).toBe('wrong_type:is_trade_allowed');
    expect(!result.ok && result.error.accountId).toBe('M1');
  });

  it('names the account of a Heartbeat that misses a field', () => {
    const { balance: _, ...rest } = heartbeat;
    const result = decodeInbound(pack(rest));
    expect(reasonOf(result)).toBe('missing_field:balance');
    expect(!result.ok && result.error.accountId).toBe('M1');
  });

  it('leaves accountId unset for failures of other message types', () => {
    const result = decodeInbound(pack({ ...register, leverage: 'x' }));
    expect(reasonOf(result)).toBe('wrong_type:leverage');
    expect(!result.ok && result.error.accountId).toBeUndefined();
  });

  it('reports nil for a defaulted non-Option field as wrong_type', () => {
    expect(reasonOf(decodeInbound(pack({ ...register, is_trade_allowed: null })))).toBe(
      'wrong_type:is_trade_allowed',
    );
  });

  it('reports nested keys as a path without array indices', () => {
    const snapshot = fixture('snapshot_in').message as Record<string, unknown>;
    const positions = snapshot.positions as Record<string, unknown>[];
    const bad = { ...snapshot, positions: [positions[0], { ...positions[0], symbol: 5 }] };
    expect(reasonOf(decodeInbound(pack(bad)))).toBe('wrong_type:positions.symbol');
    const noSuffix = { ...register, symbol_context: { detected_prefix: '', available_special_symbols: [] } };
    expect(reasonOf(decodeInbound(pack(noSuffix)))).toBe('missing_field:symbol_context.detected_suffix');
  });

  it('reports an unknown enum value as wrong_type', () => {
    expect(reasonOf(decodeInbound(pack({ ...closeSignal, action: 'Delete' })))).toBe('wrong_type:action');
    expect(reasonOf(decodeInbound(pack({ ...closeSignal, order_type: 'buy' })))).toBe(
      'wrong_type:order_type',
    );
  });
});

describe('decodeInbound leniency', () => {
  it('applies is_trade_allowed = false when a Register lacks it', () => {
    const { is_trade_allowed: _, ...rest } = register;
    const result = decodeInbound(pack(rest));
    expect(result).toEqual({
      ok: true,
      value: { type: 'Register', message: { ...register, is_trade_allowed: false } },
    });
  });

  it('turns an absent Option into null', () => {
    const { symbol_context: _, ...rest } = register;
    const result = decodeInbound(pack(rest));
    expect(result.ok && result.value.message).toEqual({ ...register, symbol_context: null });
  });

  it('ignores unknown keys, wherever they are', () => {
    const result = decodeInbound(
      pack({
        ...register,
        future_field: [1, { a: 2 }],
        symbol_context: { ...register.symbol_context, x: 1 },
      }),
    );
    expect(result).toEqual({ ok: true, value: { type: 'Register', message: register } });
  });

  it('ignores entries with non-string keys', () => {
    const w = new MsgpackWriter();
    w.writeMapHeader(5);
    w.writeInt(1);
    w.writeStr('ignored');
    for (const [k, v] of Object.entries(closeSignal)) {
      w.writeStr(k);
      if (typeof v === 'number') w.writeInt(v);
      else w.writeStr(v);
    }
    expect(decodeInbound(w.toBuffer()).ok).toBe(true);
  });

  it('accepts ints in float fields', () => {
    const result = decodeInbound(pack({ ...heartbeat, balance: 50000, equity: -3 }));
    expect(result.ok && result.value.message).toMatchObject({ balance: 50000, equity: -3 });
  });

  it('treats a map with action and no message_type as a TradeSignal', () => {
    expect(decodeInbound(pack(closeSignal))).toEqual({
      ok: true,
      value: { type: 'TradeSignal', message: closeSignal },
    });
  });

  it('treats a nil message_type as absent', () => {
    const result = decodeInbound(pack({ message_type: null, ...closeSignal }));
    expect(result.ok && result.value.type).toBe('TradeSignal');
  });

  it('lets message_type win over action', () => {
    const result = decodeInbound(encodeInbound({ type: 'Heartbeat', message: heartbeat }));
    expect(result.ok && result.value.type).toBe('Heartbeat');
    const both = decodeInbound(pack({ ...heartbeat, action: 'Open' }));
    expect(both.ok && both.value.type).toBe('Heartbeat');
  });

  it('accepts nil for omit-if-None fields and leaves the key out', () => {
    const result = decodeInbound(pack({ ...closeSignal, symbol: null, close_ratio: null }));
    expect(result.ok && result.value.message).toStrictEqual(closeSignal);
  });
});

describe('decodeOutboundFrame (the EA side)', () => {
  const slaveFrame = Buffer.from(fixture('slave_config_full').hex, 'hex');

  it('applies the DLL defaults to a sparse slave config', () => {
    const defaulted = new Set([
      'lot_calculation_mode',
      'sync_mode',
      'copy_pending_orders',
      'max_retries',
      'max_signal_delay_ms',
      'use_pending_order_for_delayed',
      'allow_new_orders',
      'warning_codes',
    ]);
    const sparse = Object.fromEntries(
      Object.entries(fixture('slave_config_full').message).filter(([k]) => !defaulted.has(k)),
    );
    // BigInt keeps msgpackr from writing the ms timestamp as a float64.
    const frame = Buffer.concat([
      Buffer.from('config/S1 '),
      pack({ ...sparse, timestamp: BigInt(sparse.timestamp as number) }),
    ]);
    const decoded = decodeOutboundFrame(frame, 'Slave');
    expect('message' in decoded && decoded.message.message).toMatchObject({
      lot_calculation_mode: 'multiplier',
      sync_mode: 'skip',
      copy_pending_orders: false,
      max_retries: 3,
      max_signal_delay_ms: 5000,
      use_pending_order_for_delayed: false,
      allow_new_orders: true,
      warning_codes: [],
    });
  });

  it('decodes a config topic by the receiving role, like the DLL', () => {
    const master = decodeOutboundFrame(Buffer.from(fixture('master_config_a').hex, 'hex'), 'Master');
    expect('message' in master && master.message.type).toBe('MasterConfig');
    const asSlave = decodeOutboundFrame(Buffer.from(fixture('master_config_a').hex, 'hex'), 'Slave');
    expect('error' in asSlave && asSlave.error.reason).toBe('missing_field:master_account');
    // A slave config carries every master config key, so a Master would read it as one (prefix collisions, §12.7).
    const slaveAsMaster = decodeOutboundFrame(slaveFrame, 'Master');
    expect('message' in slaveAsMaster && slaveAsMaster.message.type).toBe('MasterConfig');
  });

  it('ignores trade topics on a Master and unknown topics on anyone', () => {
    const trade = Buffer.from(fixture('open_forwarded').hex, 'hex');
    const ignored = decodeOutboundFrame(trade, 'Master');
    expect('error' in ignored && ignored.error.reason).toBe('unknown_message_type');
    const other = decodeOutboundFrame(Buffer.from('foo/bar \x80'), 'Slave');
    expect(other).toMatchObject({ topic: 'foo/bar', error: { reason: 'unknown_message_type' } });
  });

  it('reports malformed for a frame without a space and too_large above 4096 bytes', () => {
    expect(decodeOutboundFrame(Buffer.from('config/S1'), 'Slave')).toMatchObject({
      error: { reason: 'malformed' },
    });
    const big = Buffer.concat([Buffer.from('config/S1 '), Buffer.alloc(4100)]);
    expect(decodeOutboundFrame(big, 'Slave')).toMatchObject({ error: { reason: 'too_large' } });
  });
});

describe('decodeInbound account ids (docs/protocol.md D18)', () => {
  const ts = '2025-01-01T00:00:00+00:00';
  /** One frame per inbound account-id field, with `id` in that field and valid ids elsewhere. */
  const framesWith = (id: string): [string, Buffer][] => [
    ['Register account_id', pack({ ...register, account_id: id })],
    ['Heartbeat account_id', pack({ ...heartbeat, account_id: id })],
    [
      'RequestConfig account_id',
      pack({ message_type: 'RequestConfig', account_id: id, timestamp: ts, ea_type: 'Slave' }),
    ],
    ['Unregister account_id', pack({ message_type: 'Unregister', account_id: id, timestamp: 1 })],
    ['TradeSignal source_account', pack({ ...closeSignal, source_account: id })],
    [
      'PositionSnapshot source_account',
      pack({ message_type: 'PositionSnapshot', source_account: id, positions: [], timestamp: ts }),
    ],
    [
      'SyncRequest slave_account',
      pack({ message_type: 'SyncRequest', slave_account: id, master_account: 'M1', timestamp: ts }),
    ],
    [
      'SyncRequest master_account',
      pack({ message_type: 'SyncRequest', slave_account: 'S1', master_account: id, timestamp: ts }),
    ],
  ];
  const fieldOf = (name: string): string => name.split(' ')[1]!;

  it.each([
    ['empty', ''],
    ['64 ASCII bytes', 'A'.repeat(64)],
    ['64 UTF-8 bytes in 32 characters', 'é'.repeat(32)],
    ['64 UTF-8 bytes ending in a 4-byte character', `${'A'.repeat(60)}𝄞`],
    ['a space', 'MT 1'],
    ['a slash', 'MT/1'],
    ['NUL', 'MT\u00001'],
    ['a tab', 'MT\t1'],
    ['a newline', 'MT1\n'],
    ['DEL', 'MT\u007f1'],
    ['a C1 control (NEL)', 'MT\u00851'],
  ])('drops a frame whose account id is %s, naming the field', (_case, id) => {
    for (const [name, frame] of framesWith(id)) {
      expect(reasonOf(decodeInbound(frame)), name).toBe(`bad_account_id:${fieldOf(name)}`);
    }
  });

  it.each([
    ['1 byte', 'A'],
    ['63 ASCII bytes', 'A'.repeat(63)],
    ['63 UTF-8 bytes in 21 characters', '€'.repeat(21)],
    ['63 bytes with a 4-byte character', `${'A'.repeat(59)}𝄞`],
    ['punctuation and non-ASCII letters', 'Broker-1_x.y~z:ü'],
  ])('accepts an account id of %s', (_case, id) => {
    for (const [name, frame] of framesWith(id)) {
      expect(decodeInbound(frame).ok, name).toBe(true);
    }
  });

  it('checks the type first: a non-string id is wrong_type, not bad_account_id', () => {
    expect(reasonOf(decodeInbound(pack({ ...closeSignal, source_account: 7 })))).toBe(
      'wrong_type:source_account',
    );
  });
});
