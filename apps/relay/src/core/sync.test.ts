import type { PositionSnapshotMessage } from '@sankey/shared/protocol/messages';
import { describe, expect, it } from 'vitest';
import { engines, heartbeat, makeCore } from '../testing/core-harness';

describe.each(Object.entries(engines))('position sync with the %s engine', (_name, engine) => {
  const setup = () => {
    const h = makeCore({ engine });
    h.addGroup('M1', { enabled: true }, [{ slaveAccount: 'S1', enabled: true }]);
    return h;
  };

  describe('sync', () => {
    it('forwards a SyncRequest only from a member', () => {
      const h = setup();
      const req = (slave: string) =>
        h.handle({
          type: 'SyncRequest',
          message: {
            message_type: 'SyncRequest',
            slave_account: slave,
            master_account: 'M1',
            timestamp: 't',
          },
        });
      req('S9');
      expect(h.take()).toEqual([]);
      req('S1');
      expect(h.take().map((f) => f.topic)).toEqual(['sync/M1/S1']);
    });

    it('filters and converts snapshots per CONNECTED member and splits them under 4096 bytes (D5)', () => {
      const h = makeCore({ engine });
      h.addGroup('M1', {}, [
        { slaveAccount: 'S1', settings: { symbolSuffix: '.m', filters: { blockedSymbols: ['GBPUSD'] } } },
        { slaveAccount: 'S2' },
      ]);
      h.handle(heartbeat('S1', 'Slave'));
      h.handle(heartbeat('M1', 'Master'));
      h.take();
      const positions = Array.from({ length: 60 }, (_, i) => ({
        ticket: 1000 + i,
        symbol: i % 2 ? 'EURUSD' : 'GBPUSD',
        order_type: i === 1 ? ('BuyLimit' as const) : ('Buy' as const),
        lots: 0.1,
        open_price: 1.1,
        open_time: '2025-01-01T09:30:00+00:00',
        comment: 'a comment that makes the frame bigger',
      }));
      const snapshot: PositionSnapshotMessage = {
        message_type: 'PositionSnapshot',
        source_account: 'M1',
        positions,
        timestamp: 't',
      };
      h.handle({ type: 'PositionSnapshot', message: snapshot });
      const frames = h.take();
      expect(frames.length).toBeGreaterThan(1);
      for (const f of frames) {
        expect(f.topic).toBe('sync/M1/S1');
        expect(f.frame.length).toBeLessThanOrEqual(4096);
      }
      const got = frames.flatMap((f) => (f.message.message as PositionSnapshotMessage).positions);
      // Odd tickets are EURUSD; ticket 1001 is a pending order and S1 does not copy pending orders.
      expect(got.map((p) => p.ticket)).toEqual(
        positions.filter((_, i) => i % 2 && i !== 1).map((p) => p.ticket),
      );
      expect(new Set(got.map((p) => p.symbol))).toEqual(new Set(['EURUSD.m']));
    });

    it('still delivers an empty snapshot to a connected member', () => {
      const h = setup();
      h.handle(heartbeat('S1', 'Slave'));
      h.handle(heartbeat('M1', 'Master'));
      h.take();
      h.handle({
        type: 'PositionSnapshot',
        message: { message_type: 'PositionSnapshot', source_account: 'M1', positions: [], timestamp: 't' },
      });
      const frames = h.take();
      expect(frames.map((f) => f.topic)).toEqual(['sync/M1/S1']);
      expect((frames[0]!.message.message as PositionSnapshotMessage).positions).toEqual([]);
    });
  });
});
