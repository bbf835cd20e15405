import { encodeOutbound } from '@sankey/shared/protocol/codec';
import type { PositionSnapshotMessage } from '@sankey/shared/protocol/messages';
import { describe, expect, it } from 'vitest';
import { decodeAny, engines, heartbeat, makeCore } from '../testing/core-harness';
import { SnapshotEncoder } from './snapshot-split';

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

    it('leaves out a position too large for any frame and still delivers the rest to every member', () => {
      const h = makeCore({ engine });
      h.addGroup('M1', { enabled: true }, [
        { slaveAccount: 'S1', enabled: true },
        { slaveAccount: 'S2', enabled: true },
      ]);
      for (const s of ['S1', 'S2']) h.handle(heartbeat(s, 'Slave'));
      h.handle(heartbeat('M1', 'Master'));
      h.take();
      const pos = (ticket: number, comment = '') => ({
        ticket,
        symbol: 'EURUSD',
        order_type: 'Buy' as const,
        lots: 0.1,
        open_price: 1.1,
        open_time: 't',
        comment,
      });
      h.handle({
        type: 'PositionSnapshot',
        message: {
          message_type: 'PositionSnapshot',
          source_account: 'M1',
          positions: [pos(1), pos(2, 'x'.repeat(5000)), pos(3)],
          timestamp: 't',
        },
      });
      const frames = h.take();
      expect(frames.map((f) => f.topic)).toEqual(['sync/M1/S1', 'sync/M1/S2']);
      for (const f of frames) {
        expect((f.message.message as PositionSnapshotMessage).positions.map((p) => p.ticket)).toEqual([1, 3]);
      }
    });
  });

  it('assembles frames byte-identical to encoding each batch whole', () => {
    const msg: PositionSnapshotMessage = {
      message_type: 'PositionSnapshot',
      source_account: 'M1',
      positions: Array.from({ length: 40 }, (_, i) => ({
        ticket: 2n ** 53n + BigInt(i),
        symbol: `SYM${i}`,
        order_type: 'Sell' as const,
        lots: 0.01 * (i + 1),
        open_price: 1.23456,
        open_time: '2025-01-01T09:30:00+00:00',
        stop_loss: i % 3 ? 1.1 : undefined,
        magic_number: i,
        comment: 'c'.repeat(i * 7),
      })).map((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as never),
      timestamp: '2025-01-01T09:30:01+00:00',
    };
    const frames = new SnapshotEncoder(msg).frames('sync/M1/S1', msg.positions, () => {
      throw new Error('nothing is too large here');
    });
    expect(frames.length).toBeGreaterThan(1);
    let from = 0;
    for (const frame of frames) {
      expect(frame.length).toBeLessThanOrEqual(4096);
      const batch = (decodeAny(frame).message.message as PositionSnapshotMessage).positions;
      const whole = encodeOutbound('sync/M1/S1', {
        type: 'PositionSnapshot',
        message: { ...msg, positions: msg.positions.slice(from, from + batch.length) },
      });
      expect(frame.equals(whole)).toBe(true);
      from += batch.length;
    }
    expect(from).toBe(msg.positions.length);
  });
});
