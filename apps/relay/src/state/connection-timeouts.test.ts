import type { HeartbeatMessage } from '@sankey/shared/protocol/messages';
import { describe, expect, it } from 'vitest';
import { heartbeat } from '../testing/core-harness';
import { ConnectionTable } from './connections';

const beat = (t: ConnectionTable, id: string, monoMs: number) =>
  t.heartbeat(heartbeat(id, 'Slave').message as HeartbeatMessage, { wallMs: monoMs, monoMs });

describe('ConnectionTable.checkTimeouts in slices', () => {
  it('times out every silent entry within one pass of `slices` calls, a slice per call', () => {
    const t = new ConnectionTable();
    for (let i = 0; i < 100; i++) beat(t, `E${i}`, 0);
    beat(t, 'LIVE', 9_000);
    const perCall: number[] = [];
    for (let call = 0; call < 10; call++) perCall.push(t.checkTimeouts(10_001, 10, 10).length);
    // ceil(101 / 10) = 11 entries checked per call: 11 silent ones time out per call until the pass ends.
    expect(perCall.slice(0, 9)).toEqual([11, 11, 11, 11, 11, 11, 11, 11, 11]);
    expect(perCall.reduce((a, b) => a + b)).toBe(100);
    expect(t.get('LIVE', 'Slave')?.status).toBe('Online');
    expect(t.get('E99', 'Slave')?.status).toBe('Timeout');
  });

  it('an entry that beats again before its slice is checked stays online', () => {
    const t = new ConnectionTable();
    for (let i = 0; i < 4; i++) beat(t, `E${i}`, 0);
    expect(t.checkTimeouts(20_000, 10, 2).map((e) => e.accountId)).toEqual(['E0', 'E1']);
    beat(t, 'E3', 19_500);
    expect(t.checkTimeouts(20_000, 10, 2).map((e) => e.accountId)).toEqual(['E2']);
  });

  it('one slice is the full check', () => {
    const t = new ConnectionTable();
    for (let i = 0; i < 50; i++) beat(t, `E${i}`, 0);
    expect(t.checkTimeouts(10_001, 10)).toHaveLength(50);
  });
});
