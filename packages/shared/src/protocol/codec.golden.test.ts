import { readFileSync } from 'node:fs';
import { pack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import {
  COMMITTED_FIXTURES_PATH,
  fixture,
  loadWireFixtures,
  SPEC_FIXTURES_PATH,
  type WireFixture,
} from './__fixtures__/wire-fixtures';
import { decodeInbound, decodeOutboundFrame, encodeInbound, encodeOutbound } from './codec';
import type { OutboundMessage, SlaveConfigMessage } from './messages';
import { type FieldSpec, type MapSpec, mapSpec, omit, writeMap } from './msgpack/schema';
import { MsgpackWriter } from './msgpack/writer';
import { slaveConfigSpec } from './schemas';

const OUTBOUND_TYPE_BY_FIXTURE: Record<string, { type: OutboundMessage['type']; role: 'Master' | 'Slave' }> =
  {
    master_config_a: { type: 'MasterConfig', role: 'Master' },
    partial_close_c: { type: 'TradeSignal', role: 'Slave' },
    slave_config_full: { type: 'SlaveConfig', role: 'Slave' },
    slave_removed: { type: 'SlaveConfig', role: 'Slave' },
    global_config: { type: 'GlobalConfig', role: 'Master' },
    open_forwarded: { type: 'TradeSignal', role: 'Slave' },
  };

const fixtures = loadWireFixtures();
const outbound = fixtures.filter((f) => f.topic !== null);
const inbound = fixtures.filter((f) => f.topic === null);

const outboundOf = (f: WireFixture): OutboundMessage => {
  const entry = OUTBOUND_TYPE_BY_FIXTURE[f.name];
  if (!entry) throw new Error(`add ${f.name} to OUTBOUND_TYPE_BY_FIXTURE`);
  return { type: entry.type, message: f.message } as unknown as OutboundMessage;
};

/** Encodes a slave config through a modified field table, to show what a golden comparison catches. */
function encodeWith(spec: MapSpec<SlaveConfigMessage>, topic: string, msg: SlaveConfigMessage): string {
  const w = new MsgpackWriter();
  w.writeUtf8(topic);
  w.writeByte(0x20);
  writeMap(w, spec, msg);
  return w.toBuffer().toString('hex');
}

const withFields = (fields: FieldSpec[]): MapSpec<SlaveConfigMessage> => ({ name: 'Altered', fields });

describe('golden wire fixtures', () => {
  it('covers every fixture direction', () => {
    expect(outbound.length).toBeGreaterThanOrEqual(6);
    expect(inbound.length).toBeGreaterThanOrEqual(4);
  });

  it('keeps the committed fixture copy identical to the spec', () => {
    if (SPEC_FIXTURES_PATH === COMMITTED_FIXTURES_PATH) return;
    expect(JSON.parse(readFileSync(COMMITTED_FIXTURES_PATH, 'utf8'))).toEqual(fixtures);
  });

  for (const f of outbound) {
    it(`encodes ${f.name} to the exact bytes`, () => {
      const frame = encodeOutbound(f.topic!, outboundOf(f));
      expect(frame.toString('hex')).toBe(f.hex);
      expect(frame.length).toBe(f.bytes);
    });

    it(`decodes ${f.name} back as the EA would`, () => {
      const role = OUTBOUND_TYPE_BY_FIXTURE[f.name]!.role;
      expect(decodeOutboundFrame(Buffer.from(f.hex, 'hex'), role)).toEqual({
        topic: f.topic,
        message: outboundOf(f),
      });
    });
  }

  for (const f of inbound) {
    it(`decodes ${f.name} to the message`, () => {
      const result = decodeInbound(Buffer.from(f.hex, 'hex'));
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.value.message).toStrictEqual(f.message);
    });

    it(`re-encodes ${f.name} byte for byte like the DLL`, () => {
      const result = decodeInbound(Buffer.from(f.hex, 'hex'));
      if (!result.ok) throw result.error;
      expect(encodeInbound(result.value).toString('hex')).toBe(f.hex);
    });
  }
});

describe('§3.7 worked examples', () => {
  it('(a) master config: nil prefix kept, uint64 timestamp, empty fixarray', () => {
    const frame = encodeOutbound('config/MASTER_001', {
      type: 'MasterConfig',
      message: {
        account_id: 'MASTER_001',
        status: 2,
        symbol_prefix: null,
        symbol_suffix: '.m',
        config_version: 3,
        timestamp: 1735689600000,
        warning_codes: [],
      },
    });
    const hex = frame.toString('hex');
    expect(frame.length).toBe(131);
    expect(hex.startsWith(Buffer.from('config/MASTER_001 ').toString('hex') + '87')).toBe(true);
    expect(hex).toContain(Buffer.from('symbol_prefix').toString('hex') + 'c0');
    expect(hex).toContain('a974696d657374616d70' + 'cf000001941f297c00');
    expect(hex.endsWith('ad7761726e696e675f636f64657390')).toBe(true);
  });

  it('(b) inbound RequestConfig is a 99-byte fixmap 4 without topic', () => {
    const bytes = encodeInbound({
      type: 'RequestConfig',
      message: {
        message_type: 'RequestConfig',
        account_id: 'SLAVE_001',
        timestamp: '2025-01-01T00:00:00+00:00',
        ea_type: 'Slave',
      },
    });
    expect(bytes.length).toBe(99);
    expect(bytes[0]).toBe(0x84);
    expect(bytes.toString('hex')).toContain('b9' + Buffer.from('2025-01-01T00:00:00+00:00').toString('hex'));
  });

  it('(c) partial close omits absent options and writes 0.5 as float64', () => {
    const frame = encodeOutbound('trade/M1/S1', {
      type: 'TradeSignal',
      message: {
        action: 'Close',
        ticket: 12345,
        lots: 0.5,
        timestamp: '2025-01-01T00:00:00.250Z',
        source_account: 'M1',
        close_ratio: 0.5,
      },
    });
    const hex = frame.toString('hex');
    expect(frame.length).toBe(124);
    expect(hex.startsWith(Buffer.from('trade/M1/S1 ').toString('hex') + '86')).toBe(true);
    expect(hex).toContain('a67469636b6574cd3039');
    expect(hex).toContain('a46c6f7473cb3fe0000000000000');
    expect(hex.endsWith('ab636c6f73655f726174696fcb3fe0000000000000')).toBe(true);
  });

  it('(d) a slave config starts with map16 of 26 entries, account_id first', () => {
    const f = fixture('slave_config_full');
    const frame = encodeOutbound('config/S1', { type: 'SlaveConfig', message: f.message as never });
    expect(frame.subarray(0, 10).toString()).toBe('config/S1 ');
    expect(frame.subarray(10, 13).toString('hex')).toBe('de001a');
    expect(frame.subarray(13, 27).toString('hex')).toBe('aa6163636f756e745f6964a25331');
  });
});

describe('the golden comparison is sensitive to', () => {
  const f = fixture('slave_config_full');
  const msg = f.message as unknown as SlaveConfigMessage;

  it('key order (yet a decoder accepts either order)', () => {
    const fields = [...slaveConfigSpec.fields];
    [fields[0], fields[1]] = [fields[1]!, fields[0]!];
    const swapped = encodeWith(withFields(fields), 'config/S1', msg);
    expect(swapped).not.toBe(f.hex);
    expect(decodeOutboundFrame(Buffer.from(swapped, 'hex'), 'Slave')).toEqual({
      topic: 'config/S1',
      message: { type: 'SlaveConfig', message: msg },
    });
  });

  it('an integral float written as an int', () => {
    // msgpackr picks the int form for 1.0, which is exactly the mistake the field tables prevent.
    expect(msg.lot_multiplier).toBe(1);
    const asGeneric = Buffer.concat([Buffer.from('config/S1 '), pack(msg)]).toString('hex');
    expect(asGeneric).not.toBe(f.hex);
    const intSpec = mapSpec<SlaveConfigMessage>('IntMultiplier', [
      ...slaveConfigSpec.fields.map(
        (s) =>
          [s.key, s.key === 'lot_multiplier' ? { kind: 'int', range: 'i64' } : s.type, s.presence] as const,
      ),
    ] as never);
    expect(encodeWith(intSpec, 'config/S1', msg)).not.toBe(f.hex);
  });

  it('nil written as an omitted key', () => {
    const omitting = withFields(
      slaveConfigSpec.fields.map((s) => (s.key === 'symbol_prefix' ? { ...s, presence: omit } : s)),
    );
    const hex = encodeWith(omitting, 'config/S1', msg);
    expect(hex).not.toBe(f.hex);
    expect(hex).toContain('de0019');
  });
});
