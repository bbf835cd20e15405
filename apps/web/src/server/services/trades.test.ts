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

describe('buildTrade', () => {
  it('cluster: a member whose slave was on another relay is its ledger row, or not copied (reason not here)', () => {
    // Relay A copied SA; SB's relay copied SB (its ledger row); SC's relay filtered SC (no row, no reason here).
    const entry = open({ accepted: 1, filtered: {}, elsewhere: 2 });
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
});
