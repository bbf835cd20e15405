import { describe, expect, it } from 'vitest';
import { createLinkInputSchema, memberKeyInputSchema, settingsUpdateInputSchema } from '../api/inputs';
import {
  globalSettingsSchema,
  masterSettingsInputSchema,
  slaveSettingsInputSchema,
  slaveSettingsSchema,
} from './settings';

const issue = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);

describe('D16 symbol characters', () => {
  it.each([
    ['a line break', 'EUR\r\nUSD'],
    ['a tab', 'EUR\tUSD'],
    ['a comma', 'EUR,USD'],
    ['a bracket', '[Hack]'],
    ['an equals sign', 'A=B'],
    ['a semicolon', 'EURUSD;x'],
  ])('refuses %s in mappings, filters, affixes and synonyms', (_case, bad) => {
    const message = 'must not contain control characters or any of , [ ] = ;';
    expect(
      issue(
        slaveSettingsInputSchema.safeParse({ symbolMappings: [{ sourceSymbol: bad, targetSymbol: 'X' }] }),
      ),
    ).toEqual([`symbolMappings.0.sourceSymbol: ${message}`]);
    expect(issue(slaveSettingsInputSchema.safeParse({ filters: { blockedSymbols: [bad] } }))).toEqual([
      `filters.blockedSymbols.0: ${message}`,
    ]);
    expect(issue(slaveSettingsInputSchema.safeParse({ symbolSuffix: bad }))).toEqual([
      `symbolSuffix: ${message}`,
    ]);
    expect(issue(masterSettingsInputSchema.safeParse({ symbolPrefix: bad }))).toEqual([
      `symbolPrefix: ${message}`,
    ]);
    expect(issue(settingsUpdateInputSchema.safeParse({ synonymGroups: [['GOLD', bad]] }))).toEqual([
      `synonymGroups.0.1: ${message}`,
    ]);
  });

  it('accepts the symbols brokers use', () => {
    const ok = ['EURUSD.m', 'XAUUSD#', 'US30-Cash', 'GER40_i', '#AAPL', 'BTC/USD', 'ゴールド'];
    expect(slaveSettingsInputSchema.safeParse({ filters: { allowedSymbols: ok } }).success).toBe(true);
  });

  it('still reads settings stored before the rule, so an old row keeps loading', () => {
    expect(slaveSettingsSchema.safeParse({ configVersion: 2, symbolSuffix: ',x' }).success).toBe(true);
    expect(globalSettingsSchema.safeParse({ synonymGroups: [['A,B']] }).success).toBe(true);
  });
});

describe('D16 account ids starting with "global"', () => {
  it('refuses them for a new link, naming the field and the reason', () => {
    const r = createLinkInputSchema.safeParse({ masterAccount: 'M1', slaveAccount: 'global7' });
    expect(issue(r)).toEqual([
      'slaveAccount: must not start with "global": every EA subscribes config/global and would receive its configs',
    ]);
    expect(createLinkInputSchema.safeParse({ masterAccount: 'globalX', slaveAccount: 'S1' }).success).toBe(
      false,
    );
  });

  it('still names an existing account so it can be deleted, and allows other spellings', () => {
    expect(memberKeyInputSchema.safeParse({ tradeGroupId: 'M1', slaveAccount: 'global7' }).success).toBe(
      true,
    );
    expect(
      createLinkInputSchema.safeParse({ masterAccount: 'Global1', slaveAccount: 'myglobal' }).success,
    ).toBe(true);
  });
});
