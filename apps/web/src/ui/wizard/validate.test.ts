import { describe, expect, it } from 'vitest';
import { defaultSlaveForm, serverFieldErrors, slaveFormToInput } from '../forms/slave-form';
import { translate } from '../i18n/dict';
import { connection, member } from '../test-fixtures';
import { checkAccounts } from './validate';

const t = (k: Parameters<typeof translate>[1], p?: Record<string, string | number>) => translate('en', k, p);

describe('wizard account checks', () => {
  const connections = [connection('M1', 'Master'), connection('S1', 'Slave', { status: 'Offline' })];

  it('requires both accounts', () => {
    const r = checkAccounts({ master: '', slave: ' ', connections, members: [] });
    expect(r.errors.master?.key).toBe('wizard.err.masterRequired');
    expect(r.errors.slave?.key).toBe('wizard.err.slaveRequired');
  });

  it('refuses the same account, a duplicate link and ids the API would refuse', () => {
    expect(checkAccounts({ master: 'A', slave: 'A', connections, members: [] }).errors.slave?.key).toBe(
      'wizard.err.same',
    );
    expect(
      checkAccounts({ master: 'M1', slave: 'S1', connections, members: [member('M1', 'S1')] }).errors.slave
        ?.key,
    ).toBe('wizard.err.duplicate');
    expect(
      checkAccounts({ master: 'has space', slave: 'S1', connections, members: [] }).errors.master?.key,
    ).toBe('form.err.accountId');
  });

  it('warns (without blocking) about offline or unknown EAs', () => {
    const r = checkAccounts({ master: 'M1', slave: 'S1', connections, members: [] });
    expect(r.errors).toEqual({});
    expect(r.warnings.map((w) => w.key)).toEqual(['wizard.warn.offline']);
    const typed = checkAccounts({ master: 'M9', slave: 'S1', connections, members: [] });
    expect(typed.warnings[0]).toEqual({ key: 'wizard.warn.notFound', params: { id: 'M9' } });
  });
});

describe('wizard checks of docs/protocol.md D16', () => {
  const connections = [connection('M1', 'Master'), connection('S1', 'Slave')];

  it('refuses a link that closes a copy cycle, naming the cycle', () => {
    const r = checkAccounts({
      master: 'M1',
      slave: 'S1',
      connections,
      members: [member('S1', 'X'), member('X', 'M1')],
    });
    expect(r.errors.slave).toEqual({ key: 'wizard.err.cycle', params: { cycle: 'M1 → S1 → X → M1' } });
    expect(t('wizard.err.cycle', r.errors.slave?.params)).toBe(
      'This link would close a copy cycle (M1 → S1 → X → M1): trades would be copied around it until margin runs out.',
    );
  });

  it('refuses ids starting with "global" with their own message', () => {
    const r = checkAccounts({ master: 'M1', slave: 'global2', connections, members: [] });
    expect(r.errors.slave).toEqual({ key: 'form.err.globalPrefix' });
  });

  it('warns about an id that is the start of a linked id', () => {
    const r = checkAccounts({ master: 'M1', slave: 'S1', connections, members: [member('M2', 'S12')] });
    expect(r.errors).toEqual({});
    expect(r.warnings).toEqual([{ key: 'wizard.warn.prefix', params: { id: 'S1', peers: 'S12' } }]);
  });
});

describe('slave settings form', () => {
  it('converts the defaults into a valid input', () => {
    const r = slaveFormToInput(defaultSlaveForm(), t);
    expect(r).toMatchObject({ ok: true, value: { lotMultiplier: 1, maxRetries: 3, maxSignalDelayMs: 5000 } });
  });

  it('reports schema errors on the right fields in the chosen language', () => {
    const r = slaveFormToInput(
      {
        ...defaultSlaveForm(),
        lotMultiplier: '0',
        sourceLotMin: '2',
        sourceLotMax: '1',
        maxRetries: '1.5',
        allowedMagicNumbers: '1, x',
      },
      t,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toMatchObject({
      maxRetries: 'Enter a whole number.',
      allowedMagicNumbers:
        'Use comma-separated whole numbers from -9223372036854775808 to 9223372036854775807.',
    });
    const r2 = slaveFormToInput(
      { ...defaultSlaveForm(), lotMultiplier: '0', sourceLotMin: '2', sourceLotMax: '1' },
      (k, p) => translate('ja', k, p),
    );
    expect(r2).toMatchObject({
      ok: false,
      errors: {
        lotMultiplier: '0 より大きくしてください。',
        sourceLotMax: '最小ロットは最大ロット以下にしてください。',
      },
    });
  });

  it('parses mappings and filter lists', () => {
    const r = slaveFormToInput(
      {
        ...defaultSlaveForm(),
        symbolMappings: [
          { source: 'XAUUSD', target: 'GOLD' },
          { source: '', target: '' },
        ],
        allowedSymbols: 'EURUSD, GBPUSD',
      },
      t,
    );
    expect(r).toMatchObject({
      ok: true,
      value: {
        symbolMappings: [{ sourceSymbol: 'XAUUSD', targetSymbol: 'GOLD' }],
        filters: { allowedSymbols: ['EURUSD', 'GBPUSD'] },
      },
    });
  });

  it('sends magic numbers as the decimal strings typed, over the whole signed 64-bit range', () => {
    const r = slaveFormToInput(
      {
        ...defaultSlaveForm(),
        blockedMagicNumbers: '9223372036854775807, -9223372036854775808 9007199254740993',
      },
      t,
    );
    expect(r).toMatchObject({
      ok: true,
      value: {
        filters: { blockedMagicNumbers: ['9223372036854775807', '-9223372036854775808', '9007199254740993'] },
      },
    });
    const over = slaveFormToInput({ ...defaultSlaveForm(), allowedMagicNumbers: '9223372036854775808' }, t);
    expect(over).toMatchObject({
      ok: false,
      errors: { allowedMagicNumbers: expect.stringContaining('9223372036854775807') },
    });
  });

  it('keeps whenOff through a save and refuses unsafe symbol characters in words', () => {
    const form = { ...defaultSlaveForm(), whenOff: 'freeze' as const, blockedSymbols: 'A=B' };
    expect(slaveFormToInput(form, t)).toEqual({
      ok: false,
      errors: { blockedSymbols: 'Symbols must not contain control characters or any of , [ ] = ;' },
    });
    expect(slaveFormToInput({ ...form, blockedSymbols: '' }, t)).toMatchObject({
      ok: true,
      value: { whenOff: 'freeze' },
    });
  });

  it('places server BAD_REQUEST messages on fields', () => {
    expect(
      serverFieldErrors(
        'slaveSettings.lotMultiplier: must be ≤ 1000; slaveSettings.filters.allowedSymbols.0: too long',
      ),
    ).toEqual({
      lotMultiplier: 'must be ≤ 1000',
      allowedSymbols: 'too long',
    });
    expect(serverFieldErrors('config too large: remove 3 mappings')).toEqual({
      form: 'config too large: remove 3 mappings',
    });
  });
});
