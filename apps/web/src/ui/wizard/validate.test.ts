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

  it('warns (without blocking) about offline or unknown EAs and circular links', () => {
    const r = checkAccounts({ master: 'M1', slave: 'S1', connections, members: [member('S1', 'M1')] });
    expect(r.errors).toEqual({});
    expect(r.warnings.map((w) => w.key)).toEqual(['wizard.warn.offline', 'wizard.warn.circular']);
    const typed = checkAccounts({ master: 'M9', slave: 'S1', connections, members: [] });
    expect(typed.warnings[0]).toEqual({ key: 'wizard.warn.notFound', params: { id: 'M9' } });
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
      allowedMagicNumbers: 'Use comma-separated whole numbers.',
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
