import type { DecodedInbound } from '@sankey/shared/protocol/messages';
import { describe, expect, it } from 'vitest';
import { destinationOf, EndpointStats, senderOf } from './endpoint-stats';

describe('endpoint statistics', () => {
  it('counts frames and bytes per EA, in by sender and out by the topic’s last segment', () => {
    let now = 1000;
    const stats = new EndpointStats(() => now);
    stats.frameIn('S1', 40);
    now = 2000;
    stats.frameIn('S1', 60);
    stats.decodeError('S1', 7);
    stats.decodeError(undefined, 9);
    stats.frameOut('trade/M1/S1', 100);
    stats.frameOut('config/S1', 50);
    stats.frameOut('config/global', 20);
    stats.blockedFrame('X');
    const none = { parked: () => 0, deadLetters: () => 0, listening: () => false, blocked: () => false };
    expect(stats.view([], none)).toEqual([
      expect.objectContaining({ accountId: 'S1', framesIn: 2, bytesIn: 107, decodeErrors: 1, framesOut: 2 }),
      expect.objectContaining({ accountId: 'X', dropped: 1, framesIn: 0, lastSeenMs: null }),
    ]);
    expect(stats.view([], none)[0]).toMatchObject({ bytesOut: 150, lastSeenMs: 2000 });
    expect(destinationOf('sync/M1/S1')).toBe('S1');
    expect(destinationOf('config/global')).toBeNull();
    expect(
      senderOf({
        type: 'SyncRequest',
        message: { slave_account: 'S1', master_account: 'M1' },
      } as DecodedInbound),
    ).toBe('S1');
  });

  it('reports throttled once past the high-water mark and recovered once below half of it', () => {
    const stats = new EndpointStats(() => 0, 10);
    const events: string[] = [];
    const sink = {
      throttled: (ea: string, parked: number) => events.push(`throttled ${ea} ${parked}`),
      recovered: (ea: string, parked: number) => events.push(`recovered ${ea} ${parked}`),
    };
    stats.watch(new Map([['S1', 10]]), sink);
    stats.watch(new Map([['S1', 11]]), sink);
    stats.watch(new Map([['S1', 12]]), sink);
    stats.watch(new Map([['S1', 6]]), sink);
    expect(stats.isThrottled('S1')).toBe(true);
    stats.watch(new Map(), sink);
    expect(events).toEqual(['throttled S1 11', 'recovered S1 0']);
    expect(stats.isThrottled('S1')).toBe(false);
  });
});
