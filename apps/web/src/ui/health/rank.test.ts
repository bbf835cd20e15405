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

describe('EA health rows in cluster mode (system.cluster, as the graph shows the EAs)', () => {
  const receivedAt = Date.parse('2026-06-01T12:00:10.000Z');
  const ea = (accountId: string, eaType: 'Master' | 'Slave', relayId: string, over = {}) => ({
    accountId,
    eaType,
    relayId,
    status: 'Online' as const,
    lastHeartbeat: '1999-01-01T00:00:00.000Z',
    ...over,
  });
  const cluster = healthRows({
    endpoints: [endpoint('M1')],
    connections: [connection('M1', 'Master', { broker: 'Alpha' })],
    blocked: [],
    tradeGroups: [group('M1')],
    members: [member('M1', 'S1')],
    cluster: {
      relayId: 'relay-a',
      receivedAt,
      eas: [
        ea('M1', 'Master', 'relay-a', { ageMs: 100 }),
        ea('S1', 'Slave', 'relay-b', { ageMs: 2500, platform: 'MT4', broker: 'Beta' }),
        ea('S2', 'Slave', 'relay-c', { status: 'Timeout', ageMs: 9000 }),
        ea('S3', 'Slave', 'relay-c'),
      ],
    },
  });
  const by = new Map(cluster.map((r) => [r.accountId, r]));

  it('lists every EA of the cluster with its relay, its status and when its relay last heard of it', () => {
    expect([...by.keys()].sort()).toEqual(['M1', 'S1', 'S2', 'S3']);
    // Here: this relay's own connection and counters, and this relay's id.
    expect(by.get('M1')).toMatchObject({ relays: ['relay-a'], remote: false, broker: 'Alpha', issues: [] });
    // On another relay: the KV bucket's word, dated by its age on system.cluster's answer (not by B's clock).
    expect(by.get('S1')).toMatchObject({
      roles: ['Slave'],
      relays: ['relay-b'],
      remote: true,
      status: 'Online',
      platform: 'MT4',
      broker: 'Beta',
      lastSeenAt: '2026-06-01T12:00:07.500Z',
      issues: [],
    });
    expect(by.get('S2')).toMatchObject({ relays: ['relay-c'], status: 'Timeout', issues: ['offline'] });
    // A relay that does not say the age: its own wall time of the last heartbeat.
    expect(by.get('S3')?.lastSeenAt).toBe('1999-01-01T00:00:00.000Z');
  });

  it('alone, rows name no relay', () => {
    expect(rows.every((r) => r.relays.length === 0 && !r.remote)).toBe(true);
  });
});
