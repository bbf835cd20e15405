import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultSlaveSettings, type SlaveSettings } from '../domain/settings';
import { slaveSettingsArb } from './__fixtures__/arbitraries';
import { encodeOutbound } from './codec';
import { worstCaseSlaveConfigFrameBytes } from './config-size';
import { MAX_OUTBOUND_FRAME_BYTES, Status, WARNING_CODES } from './constants';
import { buildSlaveConfigMessage } from './settings-wire';

const withMappings = (n: number): SlaveSettings => ({
  ...defaultSlaveSettings(),
  symbolMappings: Array.from({ length: n }, (_, i) => ({
    sourceSymbol: `EURUSD${i}`,
    targetSymbol: `EURUSD${i}.m`,
  })),
});

describe('worstCaseSlaveConfigFrameBytes', () => {
  it('is far below the limit for default settings', () => {
    expect(worstCaseSlaveConfigFrameBytes('S1', 'M1', defaultSlaveSettings())).toBeLessThan(1000);
  });

  it('assumes a 63-byte master alias in both id fields for isolated delivery (D23)', () => {
    const shared = worstCaseSlaveConfigFrameBytes('S1', 'M1', defaultSlaveSettings());
    const isolated = worstCaseSlaveConfigFrameBytes('S1', 'M1', defaultSlaveSettings(), 'isolated');
    expect(isolated - shared).toBe(2 * (63 - 2) + 2);
  });

  it('grows with every mapping', () => {
    const sizes = [0, 1, 10, 50].map((n) => worstCaseSlaveConfigFrameBytes('S1', 'M1', withMappings(n)));
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]!).toBeGreaterThan(sizes[i - 1]!);
  });

  it('exceeds 4096 bytes with about 100 mappings', () => {
    expect(worstCaseSlaveConfigFrameBytes('S1', 'M1', withMappings(100))).toBeGreaterThan(
      MAX_OUTBOUND_FRAME_BYTES,
    );
  });

  it('counts every magic filter at the 9-byte int64 width, whatever its value', () => {
    const withMagic = (magic: string[]): SlaveSettings => ({
      ...defaultSlaveSettings(),
      filters: { ...defaultSlaveSettings().filters, allowedMagicNumbers: magic },
    });
    const small = worstCaseSlaveConfigFrameBytes('S1', 'M1', withMagic(Array(10).fill('0')));
    const widest = worstCaseSlaveConfigFrameBytes(
      'S1',
      'M1',
      withMagic(Array(10).fill('-9223372036854775808')),
    );
    expect(small).toBe(widest);
    expect(small - worstCaseSlaveConfigFrameBytes('S1', 'M1', withMagic(['0']))).toBe(9 * 9);
  });

  it('is never below the frame actually sent, whatever the runtime values', () => {
    fc.assert(
      fc.property(
        slaveSettingsArb,
        fc.constantFrom(...Object.values(Status)),
        fc.subarray([...WARNING_CODES]),
        fc.option(fc.double({ noNaN: true }), { nil: null }),
        fc.boolean(),
        (settings, status, warningCodes, masterEquity, allowNewOrders) => {
          const msg = buildSlaveConfigMessage({
            slaveAccount: 'SLAVE_ACCOUNT_1',
            masterAccount: 'MASTER_ACCOUNT_1',
            status,
            allowNewOrders,
            warningCodes,
            masterEquity,
            settings,
            timestampMs: Date.now(),
          });
          const actual = encodeOutbound('config/SLAVE_ACCOUNT_1', {
            type: 'SlaveConfig',
            message: msg,
          }).length;
          expect(
            worstCaseSlaveConfigFrameBytes('SLAVE_ACCOUNT_1', 'MASTER_ACCOUNT_1', settings),
          ).toBeGreaterThanOrEqual(actual);
        },
      ),
      { numRuns: 200 },
    );
  });
});
