import { describe, expect, it } from 'vitest';
import { riskCommand } from './cli-risk';

describe('risk CLI arguments', () => {
  it('builds a guard with a percent daily loss, a minimum, the day start and closeAll', () => {
    expect(
      riskCommand([
        'guard',
        'S1',
        '--daily-loss',
        '5%',
        '--min-equity',
        '900',
        '--day-start-hour',
        '7',
        '--tz',
        'Asia/Tokyo',
        '--close-all',
      ]),
    ).toEqual({
      method: 'POST',
      path: '/risk/guard',
      body: {
        accountId: 'S1',
        guard: {
          minEquity: 900,
          dailyLoss: { kind: 'percent', value: 5 },
          dayStartHour: 7,
          timeZone: 'Asia/Tokyo',
          closeAll: true,
        },
      },
    });
    expect(riskCommand(['guard', 'S1', '--daily-loss', '250'])).toMatchObject({
      body: { guard: { dailyLoss: { kind: 'amount', value: 250 } } },
    });
  });

  it('refuses what cannot be right, naming it', () => {
    expect(() => riskCommand(['guard', 'S1'])).toThrow(/--min-equity, --daily-loss/);
    expect(() => riskCommand(['guard', 'S1', '--min-equity', 'lots'])).toThrow(/--min-equity needs a number/);
    expect(() => riskCommand(['reset'])).toThrow(/needs an account id/);
    expect(() => riskCommand(['master-close-only', 'M1', 'maybe'])).toThrow(/on\|off/);
    expect(() => riskCommand(['frobnicate'])).toThrow(/unknown risk command "frobnicate"/);
  });

  it('maps show, reset, unguard, close-all and master close-only to the control API', () => {
    expect(riskCommand(['show'])).toEqual({ method: 'GET', path: '/risk/accounts' });
    expect(riskCommand(['show', 'S1'])).toEqual({ method: 'GET', path: '/risk/accounts?account=S1' });
    expect(riskCommand(['reset', 'S1'])).toMatchObject({ path: '/risk/reset', body: { accountId: 'S1' } });
    expect(riskCommand(['unguard', 'S1'])).toMatchObject({ path: '/risk/unguard' });
    expect(riskCommand(['close-all', 'S1'])).toMatchObject({ path: '/risk/close-all' });
    expect(riskCommand(['master-close-only', 'M1', 'on'])).toMatchObject({
      body: { accountId: 'M1', closeOnly: true },
    });
  });
});
