import { describe, expect, it } from 'vitest';
import { connection, endpoint, group, member } from '../test-fixtures';
import { healthRows, sortRows } from './rank';

const rows = healthRows({
  endpoints: [
    endpoint('M1'),
    endpoint('S_ok'),
    endpoint('S_away', { parked: 3, listening: false }),
    endpoint('S_full', { parked: 120, throttled: true }),
    endpoint('S_bad', { decodeErrors: 2, deadLetters: 1 }),
    endpoint('S_blocked', { blocked: true, dropped: 7, framesIn: 0 }),
  ],
  connections: [
    connection('M1', 'Master', { broker: 'Alpha' }),
    connection('S_ok', 'Slave'),
    connection('S_away', 'Slave', { status: 'Timeout' }),
    connection('S_full', 'Slave'),
    connection('S_bad', 'Slave'),
    connection('S_warn', 'Slave'),
  ],
  blocked: [{ accountId: 'S_blocked', reason: 'lost terminal', blockedAt: '2026-06-01T12:00:00.000Z' }],
  tradeGroups: [group('M1')],
  members: [member('M1', 'S_warn', { warningCodes: ['slave_auto_trading_disabled'] })],
});

describe('EA health rows', () => {
  it('join statistics, connections, the blocklist and warnings, and name what needs attention', () => {
    const by = new Map(rows.map((r) => [r.accountId, r]));
    expect(by.get('M1')).toMatchObject({ roles: ['Master'], broker: 'Alpha', status: 'Online', issues: [] });
    expect(by.get('S_away')?.issues).toEqual(['parked_offline', 'offline']);
    expect(by.get('S_full')?.issues).toEqual(['throttled']);
    expect(by.get('S_bad')?.issues).toEqual(['dead_letters', 'decode_errors']);
    expect(by.get('S_blocked')).toMatchObject({
      status: 'Unknown',
      blocked: true,
      blockReason: 'lost terminal',
      issues: ['blocked', 'dropping'],
    });
    // Connected but never counted by the relay: zeros, and its link's warning.
    expect(by.get('S_warn')).toMatchObject({ framesIn: 0, warnings: ['slave_auto_trading_disabled'] });
    expect(by.get('S_warn')?.issues).toEqual(['warnings']);
  });

  it('put the EAs that need attention first, and sort by any column either way', () => {
    const ranked = sortRows(rows, { key: 'attention', dir: 'desc' }).map((r) => r.accountId);
    expect(ranked).toEqual(['S_away', 'S_full', 'S_blocked', 'S_bad', 'S_warn', 'M1', 'S_ok']);
    expect(
      sortRows(rows, { key: 'parked', dir: 'desc' })
        .map((r) => r.accountId)
        .slice(0, 2),
    ).toEqual(['S_full', 'S_away']);
    expect(sortRows(rows, { key: 'accountId', dir: 'asc' })[0]?.accountId).toBe('M1');
    expect(sortRows(rows, { key: 'status', dir: 'desc' })[0]?.accountId).toBe('S_blocked');
  });
});
