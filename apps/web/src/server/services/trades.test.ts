import { describe, expect, it } from 'vitest';
import { buildTrade } from './trades';

const at = new Date('2026-06-01T12:00:00Z');
const open = (payload: Record<string, unknown>) => ({
  id: 1,
  masterAccount: 'M1',
  seq: 1,
  receivedAt: at,
  action: 'Open',
  ticket: '7',
  symbol: 'EURUSD',
  payload: { signal: { action: 'Open', ticket: '7', lots: 0.1 }, ...payload },
});
/** The delivery ledger's row of a copy of that Open sent to `slaveAccount`. */
const row = (slaveAccount: string) => ({
  masterAccount: 'M1',
  slaveAccount,
  ticket: '7',
  state: 'sent' as const,
  symbol: 'EURUSD',
  lots: 0.1,
  openedAt: at,
  updatedAt: at,
});

describe('buildTrade', () => {
  it('cluster: a member whose slave was on another relay is its ledger row, or not copied (reason not here)', () => {
    // Relay A copied SA; SB's relay copied SB (its ledger row); SC's relay filtered SC (no row, no reason here).
    const entry = open({ accepted: 1, filtered: {}, elsewhere: 2 });
    const trade = buildTrade(entry, [row('SA'), row('SB')], [], ['SA', 'SB', 'SC']);
    expect(trade.slaves.map((s) => [s.slaveAccount, s.outcome, s.reason])).toEqual([
      ['SA', 'copied', null],
      ['SB', 'copied', null],
      ['SC', 'unknown', null],
    ]);
    expect(trade).toMatchObject({ copied: 2, filtered: 0 });
    // Without slaves elsewhere, a member without a copy or a reason was not a member yet.
    const alone = buildTrade(open({ accepted: 1, filtered: {} }), [row('SA')], [], ['SA', 'SC']);
    expect(alone.slaves.map((s) => s.outcome)).toEqual(['copied', 'not_member']);
  });

  it("cluster: another relay's annex names the reason for its own slaves; unknown only where no relay said", () => {
    // Relay A copied SA; relay B filtered SB (symbol) and SC (lots) for this Open; relay C has not said about SD.
    // A only saw SB as not connected here (its slave was elsewhere at the time, KV lag): B's own reason wins.
    const entry = open({
      accepted: 1,
      filtered: { member_not_connected: 1 },
      filteredBy: { SB: 'member_not_connected' },
      elsewhere: 3,
    });
    const annex = [{ filteredBy: { SB: 'symbol_not_allowed', SC: 'lots_below_min' } }];
    const trade = buildTrade(entry, [row('SA')], [], ['SA', 'SB', 'SC', 'SD'], annex);
    expect(trade.slaves.map((s) => [s.slaveAccount, s.outcome, s.reason])).toEqual([
      ['SA', 'copied', null],
      ['SB', 'filtered', 'symbol_not_allowed'],
      ['SC', 'filtered', 'lots_below_min'],
      ['SD', 'unknown', null],
    ]);
    expect(trade).toMatchObject({ copied: 1, filtered: 2 });
  });
});
