import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultSlaveSettings, slaveSettingsSchema } from '../domain/settings';
import { slaveSettingsArb } from './__fixtures__/arbitraries';
import { fixture } from './__fixtures__/wire-fixtures';
import { encodeOutbound } from './codec';
import {
  buildMasterConfigMessage,
  buildRemovalMasterConfig,
  buildRemovalSlaveConfig,
  buildSlaveConfigMessage,
  camelFiltersToWire,
  slaveSettingsToWireFields,
  wireFieldsToSlaveSettings,
  wireFiltersToCamel,
} from './settings-wire';

const TS = 1735689600000;
describe('settings ⇄ wire mapping', () => {
  it('round-trips every slave setting through the wire fields', () => {
    fc.assert(
      fc.property(slaveSettingsArb, (s) => {
        // `whenOff` and `risk` are the relay's own and never go on the wire: a received config has the defaults.
        expect(wireFieldsToSlaveSettings(slaveSettingsToWireFields(s))).toEqual({
          ...s,
          whenOff: 'closeOnly',
          risk: { closeOnly: false, maxOpenPositions: null, tradingHours: null },
        });
      }),
    );
  });

  it('round-trips filters, keeping null as "no filter"', () => {
    const filters = {
      allowedSymbols: ['EURUSD'],
      blockedSymbols: null,
      allowedMagicNumbers: null,
      blockedMagicNumbers: ['7'],
    };
    expect(camelFiltersToWire(filters)).toEqual({
      allowed_symbols: ['EURUSD'],
      blocked_symbols: null,
      allowed_magic_numbers: null,
      blocked_magic_numbers: [7],
    });
    expect(wireFiltersToCamel(camelFiltersToWire(filters))).toEqual(filters);
  });

  it('turns magic-number strings into exact wire ints (bigint beyond 2^53) and back', () => {
    const filters = slaveSettingsSchema.parse({
      configVersion: 1,
      filters: {
        allowedMagicNumbers: ['9223372036854775807', '-9223372036854775808', '9007199254740993', '7'],
      },
    }).filters;
    const wire = camelFiltersToWire(filters);
    expect(wire.allowed_magic_numbers).toStrictEqual([2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n, 7]);
    expect(wireFiltersToCamel(wire)).toEqual(filters);
    expect(() => camelFiltersToWire({ ...filters, blockedMagicNumbers: ['9223372036854775808'] })).toThrow(
      TypeError,
    );
  });

  it('builds the golden slave config from settings and runtime values', () => {
    const f = fixture('slave_config_full');
    const settings = slaveSettingsSchema.parse({
      lotMultiplier: 1,
      symbolSuffix: '.m',
      symbolMappings: [{ sourceSymbol: 'XAUUSD', targetSymbol: 'GOLD' }],
      filters: { blockedSymbols: ['XAGUSD'], blockedMagicNumbers: [11111] },
      sourceLotMax: 10,
      maxSlippage: 30,
      configVersion: 4,
    });
    const msg = buildSlaveConfigMessage({
      slaveAccount: 'S1',
      masterAccount: 'M1',
      status: 2,
      allowNewOrders: true,
      warningCodes: [],
      masterEquity: 50000,
      settings,
      timestampMs: TS,
    });
    expect(msg).toEqual(f.message);
    expect(encodeOutbound('config/S1', { type: 'SlaveConfig', message: msg }).toString('hex')).toBe(f.hex);
  });

  it('builds the removal slave config of §7.3 byte for byte', () => {
    const f = fixture('slave_removed');
    const frame = encodeOutbound('config/S1', {
      type: 'SlaveConfig',
      message: buildRemovalSlaveConfig('S1', 'M1', TS),
    });
    expect(frame.toString('hex')).toBe(f.hex);
  });

  it('builds master configs, including the removal one', () => {
    const f = fixture('master_config_a');
    const msg = buildMasterConfigMessage({
      masterAccount: 'MASTER_001',
      status: 2,
      warningCodes: [],
      settings: { symbolPrefix: null, symbolSuffix: '.m', configVersion: 3 },
      timestampMs: TS,
    });
    expect(encodeOutbound('config/MASTER_001', { type: 'MasterConfig', message: msg }).toString('hex')).toBe(
      f.hex,
    );
    expect(buildRemovalMasterConfig('M1', TS)).toEqual({
      account_id: 'M1',
      status: -1,
      symbol_prefix: null,
      symbol_suffix: null,
      config_version: 0,
      timestamp: TS,
      warning_codes: [],
    });
  });

  it('does not share arrays with the settings it was built from', () => {
    const settings = defaultSlaveSettings();
    const warnings = ['slave_offline' as const];
    const msg = buildSlaveConfigMessage({
      slaveAccount: 'S1',
      masterAccount: 'M1',
      status: 0,
      allowNewOrders: false,
      warningCodes: warnings,
      masterEquity: null,
      settings,
      timestampMs: TS,
    });
    msg.warning_codes.push('master_offline');
    expect(warnings).toEqual(['slave_offline']);
  });
});
