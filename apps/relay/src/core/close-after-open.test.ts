// "A Close whose Open was already sent" through the real send queue (docs/protocol.md D14, D15): the core's frames
// go into a SendQueue that this test drains as the socket would, so "the wire" is the order frames leave it.
import type { TradeSignal } from '@sankey/shared/protocol/messages';
import { describe, expect, it } from 'vitest';
import { decodeAny, heartbeat, makeCore, open } from '../testing/core-harness';
import { SendQueue } from '../transport/send-queue';
import type { OutboundFrame } from './ports';

const close = (master: string, ticket: number): { type: 'TradeSignal'; message: TradeSignal } => ({
  type: 'TradeSignal',
  message: { action: 'Close', ticket, timestamp: 't', source_account: master },
});

/** What a slave's SUB socket reads on its own topic, in wire order. */
const onTopic = (wire: OutboundFrame[], topic: string) =>
  wire
    .filter((f) => f.topic === topic)
    .map((f) => {
      const m = decodeAny(f.frame).message.message as TradeSignal;
      return `${m.action}${m.ticket}`;
    });

describe('a Close whose Open was already sent', () => {
  const setup = () => {
    const refused: string[] = [];
    const queue = new SendQueue({ capacity: 20, hardCapacity: 40 }, (f, reason) =>
      refused.push(`${f.topic} ${f.cls}${f.ticket ?? ''} ${reason}`),
    );
    const wire: OutboundFrame[] = [];
    const h = makeCore({ frames: { send: (f) => queue.push(f) } });
    /** The socket takes `n` frames (all when absent). */
    const drain = (n = Number.POSITIVE_INFINITY) => {
      for (let i = 0; i < n; i++) {
        const f = queue.shift();
        if (!f) break;
        wire.push(f);
      }
    };
    h.addGroup('M1', {}, [{ slaveAccount: 'S1' }]);
    h.addGroup('M2', {}, [{ slaveAccount: 'T1' }]);
    for (const s of ['S1', 'T1']) h.handle(heartbeat(s, 'Slave'));
    for (const m of ['M1', 'M2']) h.handle(heartbeat(m, 'Master'));
    drain();
    wire.length = 0;
    const switchOff = () => {
      const member = { ...h.core.membersOf('M1')[0]!, enabled: false };
      h.core.applyMemberChanged(h.core.group('M1')!, member, 'member.toggled');
    };
    return { h, queue, wire, drain, refused, switchOff };
  };

  it('is delivered after its Open although the queue is past its hard capacity and the member was switched off', () => {
    const { h, queue, wire, drain, refused, switchOff } = setup();
    h.handle(open('M1', { ticket: 7 }));
    drain(); // the Open is on the wire
    // Another master's backlog fills the queue past its hard capacity.
    for (let t = 1; t <= 60; t++) h.handle(open('M2', { ticket: t }));
    // ...and a config storm for other EAs fills it to the hard capacity.
    for (let i = 0; i < 40; i++) {
      queue.push({
        frame: Buffer.from('config/X x'),
        topic: `config/X${i}`,
        stream: `X${i}`,
        cls: 'control',
      });
    }
    switchOff();
    expect(h.core.membersOf('M1')[0]!.status).not.toBe(2);
    expect(queue.size).toBeGreaterThanOrEqual(40);
    h.handle(close('M1', 7));
    drain();
    expect(onTopic(wire, 'trade/M1/S1')).toEqual(['Open7', 'Close7']);
    // What was refused were M2's Opens, never a Close.
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.some((r) => r.startsWith('trade/M2/T1 open'))).toBe(true);
    expect(refused.every((r) => r.endsWith('queue_full') && !r.includes(' close'))).toBe(true);
  });

  it('follows its Open on the wire when the Open is still queued behind a backlog (other masters’ Closes first)', () => {
    const { h, wire, drain, refused, switchOff } = setup();
    for (let t = 1; t <= 10; t++) h.handle(open('M2', { ticket: t }));
    h.handle(open('M1', { ticket: 8 }));
    h.handle(open('M1', { ticket: 9 }));
    drain(3); // the socket is slow: the Opens of M1 are still queued
    switchOff();
    expect(h.core.membersOf('M1')[0]!.status).not.toBe(2);
    for (let t = 1; t <= 10; t++) h.handle(close('M2', t)); // Closes rank before Opens between masters
    h.handle(close('M1', 9));
    h.handle(close('M1', 8));
    drain();
    expect(onTopic(wire, 'trade/M1/S1')).toEqual(['Open8', 'Open9', 'Close9', 'Close8']);
    expect(refused).toEqual([]);
  });

  it('an Open refused under overload takes its Close with it, the slave never sees either', () => {
    const { h, wire, drain, refused } = setup();
    for (let t = 1; t <= 25; t++) h.handle(open('M2', { ticket: t }));
    h.handle(open('M1', { ticket: 5 })); // the queue is at capacity: refused
    h.handle(close('M1', 5));
    drain();
    expect(onTopic(wire, 'trade/M1/S1')).toEqual([]);
    expect(refused).toContain('trade/M1/S1 open5 queue_full');
    expect(refused).toContain('trade/M1/S1 close5 open_refused');
  });
});
