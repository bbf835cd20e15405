import { describe, expect, it } from 'vitest';
import type { ConnectionEntry } from '../state/connections';
import { eaStateValue, isDue, KV_REFRESHES_PER_TIMEOUT, kvRefreshEveryMs, remoteInput } from './ea-state';

const entry = (over: Partial<ConnectionEntry> = {}): ConnectionEntry => ({
  accountId: 'M.1',
  eaType: 'Master',
  platform: 'MT5',
  accountNumber: 2n ** 60n,
  broker: 'B',
  accountName: 'N',
  server: 'S',
  balance: 1000,
  equity: 990,
  currency: 'USD',
  leverage: 100,
  lastHeartbeatMs: 1000,
  lastSeenMono: 5,
  status: 'Online',
  connectedAtMs: 0,
  isTradeAllowed: true,
  symbolContext: null,
  ...over,
});

describe('EA state in the KV bucket', () => {
  it('is written on a change of status or trade-allowed at once, else at most every refresh while heartbeating', () => {
    const last = { status: 'Online' as const, isTradeAllowed: true, lastHeartbeatMs: 1000, atMono: 0 };
    expect(isDue(undefined, entry(), 0, 5000)).toBe(true);
    expect(isDue(last, entry({ lastHeartbeatMs: 2000 }), 1000, 5000)).toBe(false);
    expect(isDue(last, entry({ lastHeartbeatMs: 2000 }), 5000, 5000)).toBe(true);
    expect(isDue(last, entry({ isTradeAllowed: false }), 10, 5000)).toBe(true);
    expect(isDue(last, entry({ status: 'Timeout' }), 10, 5000)).toBe(true);
    // A silent EA is not refreshed: the other relays time it out on their own clocks.
    expect(isDue(last, entry(), 60_000, 5000)).toBe(false);
  });

  it('turns another relay’s live master into a heartbeat and an offline one into an Unregister', () => {
    const v = eaStateValue('relay-a', entry({ isTradeAllowed: false }));
    expect(v).toMatchObject({ relayId: 'relay-a', accountNumber: String(2n ** 60n), status: 'Online' });
    const hb = remoteInput(JSON.parse(JSON.stringify(v)), 0);
    expect(hb).toMatchObject({
      type: 'Heartbeat',
      message: {
        account_id: 'M.1',
        ea_type: 'Master',
        is_trade_allowed: false,
        equity: 990,
        account_number: 2n ** 60n,
      },
    });
    expect(remoteInput({ ...v, status: 'Timeout' }, 7)).toEqual({
      type: 'Unregister',
      message: { message_type: 'Unregister', account_id: 'M.1', timestamp: 7, ea_type: 'Master' },
    });
    expect(remoteInput({ ...v, eaType: 'Slave' }, 0)).toBeNull();
  });
});

describe('kvRefreshEveryMs', () => {
  it('rewrites a live entry at least three times per heartbeat timeout, whatever the timeout', () => {
    expect(KV_REFRESHES_PER_TIMEOUT).toBeGreaterThanOrEqual(3);
    for (const s of [2, 3, 6, 30, 3600]) expect(kvRefreshEveryMs(s) * 3).toBeLessThanOrEqual(s * 1000);
    expect(kvRefreshEveryMs(3)).toBe(1000);
    // Long timeouts keep the entry's equity fresh for the other relays' views.
    expect(kvRefreshEveryMs(30)).toBe(5000);
  });
});
