import { describe, expect, it } from 'vitest';
import { magicNumberSchema, slaveSettingsInputSchema, slaveSettingsSchema } from './settings';

describe('magic-number filters (docs/protocol.md D18)', () => {
  it('holds magic numbers as normalised decimal strings over the full i64 range', () => {
    const parsed = slaveSettingsInputSchema.parse({
      filters: {
        allowedMagicNumbers: ['9223372036854775807', '-9223372036854775808', '9007199254740993', '007'],
      },
    });
    expect(parsed.filters.allowedMagicNumbers).toEqual([
      '9223372036854775807',
      '-9223372036854775808',
      '9007199254740993',
      '7',
    ]);
  });

  it('reads numbers stored before as strings', () => {
    const stored = slaveSettingsSchema.parse({
      configVersion: 3,
      filters: { blockedMagicNumbers: [7, -12] },
    });
    expect(stored.filters.blockedMagicNumbers).toEqual(['7', '-12']);
  });

  it.each([
    ['a string beyond i64', '9223372036854775808'],
    ['a string below i64', '-9223372036854775809'],
    ['a fraction', '1.5'],
    ['an exponent', '1e3'],
    ['text', 'x'],
    ['an empty string', ''],
    ['a number beyond 2^53 (maybe rounded already)', 2 ** 53 + 2],
    ['a fractional number', 1.5],
  ])('refuses %s', (_case, value) => {
    expect(magicNumberSchema.safeParse(value).success).toBe(false);
    const result = slaveSettingsInputSchema.safeParse({ filters: { allowedMagicNumbers: [value] } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['filters', 'allowedMagicNumbers', 0]);
  });
});
