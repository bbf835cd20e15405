// `npm run relay -- risk …` argument parsing (docs/risk-controls.md): pure, so that a typo gets a clear message
// before anything reaches the relay. The relay validates the guard again with the shared zod schema.

export type RiskCommand =
  | { method: 'GET'; path: string }
  | { method: 'POST'; path: string; body: Record<string, unknown> };

export const RISK_USAGE = `  risk show [account]                 equity guards (trip, day-start equity, until when) and master close-only
  risk guard <account> [--min-equity N] [--daily-loss N | N%] [--day-start-hour H] [--tz ZONE] [--close-all]
  risk unguard <account> | reset <account>      remove a guard | clear a tripped guard
  risk master-close-only <master> on|off         refuse the master's Opens for every member
  risk close-all <account>            one Close per copy still open on the account (isolated delivery only)`;

const num = (v: string | undefined, name: string): number => {
  const n = Number(v);
  if (v === undefined || v === '' || !Number.isFinite(n)) throw new Error(`${name} needs a number`);
  return n;
};

export function riskCommand(args: readonly string[]): RiskCommand {
  const [sub, account] = args;
  const flag = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const need = () => {
    if (!account || account.startsWith('--')) throw new Error(`risk ${sub} needs an account id`);
    return account;
  };
  switch (sub) {
    case 'show':
      return {
        method: 'GET',
        path: `/risk/accounts${account ? `?account=${encodeURIComponent(account)}` : ''}`,
      };
    case 'guard': {
      const accountId = need();
      const guard: Record<string, unknown> = {};
      if (args.includes('--min-equity')) guard.minEquity = num(flag('min-equity'), '--min-equity');
      if (args.includes('--daily-loss')) {
        const v = flag('daily-loss') ?? '';
        guard.dailyLoss = v.endsWith('%')
          ? { kind: 'percent', value: num(v.slice(0, -1), '--daily-loss') }
          : { kind: 'amount', value: num(v, '--daily-loss') };
      }
      if (args.includes('--day-start-hour'))
        guard.dayStartHour = num(flag('day-start-hour'), '--day-start-hour');
      if (args.includes('--tz')) guard.timeZone = flag('tz');
      if (args.includes('--close-all')) guard.closeAll = true;
      if (guard.minEquity === undefined && guard.dailyLoss === undefined)
        throw new Error('risk guard needs --min-equity, --daily-loss or both');
      return { method: 'POST', path: '/risk/guard', body: { accountId, guard } };
    }
    case 'unguard':
      return { method: 'POST', path: '/risk/unguard', body: { accountId: need() } };
    case 'reset':
      return { method: 'POST', path: '/risk/reset', body: { accountId: need() } };
    case 'close-all':
      return { method: 'POST', path: '/risk/close-all', body: { accountId: need() } };
    case 'master-close-only': {
      const accountId = need();
      const onOff = args[2];
      if (onOff !== 'on' && onOff !== 'off') throw new Error('risk master-close-only <master> on|off');
      return {
        method: 'POST',
        path: '/risk/master-close-only',
        body: { accountId, closeOnly: onOff === 'on' },
      };
    }
    default:
      throw new Error(`unknown risk command${sub ? ` "${sub}"` : ''}\n${RISK_USAGE}`);
  }
}
