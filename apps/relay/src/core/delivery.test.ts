import type { TradeSignal } from '@sankey/shared/protocol/messages';
import { describe, expect, it } from 'vitest';
import { engines, heartbeat, makeCore, open } from '../testing/core-harness';

const close = (ticket: number): { type: 'TradeSignal'; message: TradeSignal } => ({
  type: 'TradeSignal',
  message: { action: 'Close', ticket, timestamp: '2025-01-01T00:00:00.000Z', source_account: 'M1' },
});

describe.each(Object.entries(engines))(
  'delivery: parking and dead letters (D19, D20) with the %s engine',
  (_n, engine) => {
    /** M1 with S1 and S2 online and CONNECTED; S2 listens (exact trade topic), S1 does not (yet). */
    const setup = (maxDelay = 5000) => {
      const h = makeCore({ engine });
      h.addGroup('M1', { enabled: true }, [
        { slaveAccount: 'S1', enabled: true, settings: { maxSignalDelayMs: maxDelay } },
        { slaveAccount: 'S2', enabled: true },
      ]);
      for (const s of ['S1', 'S2']) h.handle(heartbeat(s, 'Slave'));
      h.handle(heartbeat('M1', 'Master'));
      h.subscribe('trade/M1/S2');
      h.take();
      return h;
    };
    const topics = (h: ReturnType<typeof makeCore>) => h.take().map((f) => f.topic);

    it('parks copies for a slave that is not listening and releases them after its config when it is', () => {
      const h = setup();
      h.subscribe('trade/M1/S1');
      expect(topics(h)).toEqual(['config/S1']);
      h.handle(open('M1', { ticket: 1 }));
      expect(topics(h)).toEqual(['trade/M1/S1', 'trade/M1/S2']);
      h.subscribe('trade/M1/S1', false);
      h.handle(open('M1', { ticket: 2 }));
      h.handle(close(1));
      expect(topics(h)).toEqual(['trade/M1/S2', 'trade/M1/S2']);
      expect(h.parkedRows.size).toBe(2);
      h.advance(2000);
      h.subscribe('trade/M1/S1');
      const frames = h.take();
      expect(frames.map((f) => f.topic)).toEqual(['config/S1', 'trade/M1/S1', 'trade/M1/S1']);
      const [, openCopy, closeCopy] = frames.map((f) => f.message.message as TradeSignal);
      expect([openCopy!.action, openCopy!.ticket, closeCopy!.action, closeCopy!.ticket]).toEqual([
        'Open',
        2,
        'Close',
        1,
      ]);
      // The Close waited: it goes out re-stamped (the DLL drops signals older than its max delay); the Open keeps
      // the master's time (it was fresh enough to release).
      expect(closeCopy!.timestamp).toBe(new Date(h.nowMs()).toISOString());
      expect(openCopy!.timestamp).toBe('2025-01-01T00:00:00.250Z');
      expect(h.parkedRows.size).toBe(0);
      expect(h.deadLetters).toEqual([]);
    });

    it('an Open that waited longer than the member allows becomes a dead letter, never released', () => {
      const h = setup(3000);
      h.handle(open('M1', { ticket: 5 }));
      h.take();
      h.advance(3001);
      h.core.checkTimeouts();
      expect(h.deadLetters).toEqual([
        expect.objectContaining({
          reason: 'expired_while_offline',
          destination: 'S1',
          ticket: '5',
          action: 'Open',
        }),
      ]);
      expect(h.ledger.isOpen('M1', 'S1', 5)).toBe(false);
      h.subscribe('trade/M1/S1');
      expect(topics(h)).toEqual(['config/S1']);
    });

    it('a parked Open whose ticket the master closed meanwhile is cancelled with its Close (closed_while_offline)', () => {
      const h = setup();
      h.handle(open('M1', { ticket: 7 }));
      h.handle(close(7));
      expect(topics(h)).toEqual(['trade/M1/S2', 'trade/M1/S2']);
      expect(h.deadLetters.map((d) => [d.reason, d.action, d.ticket])).toEqual([
        ['closed_while_offline', 'Open', '7'],
      ]);
      h.subscribe('trade/M1/S1');
      expect(topics(h)).toEqual(['config/S1']);
    });

    it('a timed-out slave gets no Opens (filtered) but its Closes are parked until it is back', () => {
      const h = setup();
      h.subscribe('trade/M1/S1');
      h.handle(open('M1', { ticket: 9 }));
      h.subscribe('trade/M1/S1', false);
      h.advance(31_000);
      h.handle(heartbeat('M1', 'Master'));
      h.handle(heartbeat('S2', 'Slave'));
      h.core.checkTimeouts();
      h.take();
      // Dated now: an Open sent 31 s ago would be refused as stale (D22) whatever the slave's status.
      h.handle(open('M1', { ticket: 10, timestamp: new Date(h.nowMs()).toISOString() }));
      h.handle(close(9));
      expect(topics(h)).toEqual(['trade/M1/S2', 'trade/M1/S2']);
      h.handle(heartbeat('S1', 'Slave'));
      h.take();
      h.subscribe('trade/M1/S1');
      const frames = h.take();
      expect(frames.map((f) => f.topic)).toEqual(['config/S1', 'trade/M1/S1']);
      expect((frames[1]!.message.message as TradeSignal).action).toBe('Close');
    });

    it('bounds what one slave may have parked; the oldest gives way as a dead letter', () => {
      const h = makeCore({ engine, parking: { maxPerSlave: 3 } });
      h.addGroup('M1', { enabled: true }, [{ slaveAccount: 'S1', enabled: true }]);
      h.handle(heartbeat('S1', 'Slave'));
      h.handle(heartbeat('M1', 'Master'));
      h.subscribe('config/S1');
      for (let t = 1; t <= 5; t++) h.handle(open('M1', { ticket: t }));
      expect(h.deadLetters.map((d) => [d.reason, d.ticket])).toEqual([
        ['queue_overflow', '1'],
        ['queue_overflow', '2'],
      ]);
      expect([...h.parkedRows.values()].map((c) => c.ticket)).toEqual(['3', '4', '5']);
    });

    it('parked copies survive a restart (restored from the store) and are released in order', () => {
      const before = setup();
      before.handle(close(11));
      before.handle(open('M1', { ticket: 12 }));
      const stored = [...before.parkedRows.values()];
      // A Close goes to every connected member: the slave may hold the ticket from a position sync (D5).
      expect(stored.map((c) => c.action)).toEqual(['Close', 'Open']);
      const after = makeCore({ engine });
      after.addGroup('M1', { enabled: true }, [{ slaveAccount: 'S1', enabled: true }]);
      after.core.restoreParked(stored);
      after.handle(heartbeat('S1', 'Slave'));
      after.handle(heartbeat('M1', 'Master'));
      after.take();
      after.subscribe('trade/M1/S1');
      const frames = after.take();
      expect(frames.map((f) => f.topic)).toEqual(['config/S1', 'trade/M1/S1', 'trade/M1/S1']);
      expect(frames.slice(1).map((f) => (f.message.message as TradeSignal).ticket)).toEqual([11, 12]);
    });
  },
);
