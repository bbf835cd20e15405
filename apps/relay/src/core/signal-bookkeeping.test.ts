// A signal's copies go out before its bookkeeping: the journal entry and the delivery ledger's changes (D15) are
// made once the last copy was handed to the frame sink, so they never delay a copy — and they are all there when
// the signal's handling returns.
import { describe, expect, it } from 'vitest';
import type { OutboundFrame } from '../core/ports';
import { engines, heartbeat, makeCore, open } from '../testing/core-harness';

describe.each(Object.entries(engines))('bookkeeping after the sends (%s engine)', (_name, engine) => {
  it('journals an Open and records its copies in the ledger after the last copy went out', () => {
    const slaves = ['S1', 'S2', 'S3'];
    let journalled = 0;
    const atSend: { to: string; journalled: number; open: number[] }[] = [];
    const h = makeCore({
      engine,
      journal: { record: () => void journalled++ },
      frames: {
        send(f: OutboundFrame) {
          if (!f.topic.startsWith('trade/')) return;
          atSend.push({
            to: f.topic.split('/')[2]!,
            journalled,
            open: slaves.map((s) => h.ledger.openCount('M1', s)),
          });
        },
      },
    });
    h.addGroup(
      'M1',
      { enabled: true },
      slaves.map((s) => ({ slaveAccount: s, enabled: true })),
    );
    for (const s of slaves) h.handle(heartbeat(s, 'Slave'));
    h.handle(heartbeat('M1', 'Master'));

    h.handle(open('M1', { ticket: 7 }));
    expect(atSend.map((s) => s.to)).toEqual(slaves);
    for (const s of atSend) expect(s).toMatchObject({ journalled: 0, open: [0, 0, 0] });
    expect(journalled).toBe(1);
    expect(slaves.map((s) => h.ledger.openCount('M1', s))).toEqual([1, 1, 1]);

    atSend.length = 0;
    h.handle(open('M1', { ticket: 7, action: 'Close' }));
    expect(atSend.map((s) => s.to)).toEqual(slaves);
    // Every Close copy went out while the ledger still held the ticket open for all three.
    for (const s of atSend) expect(s).toMatchObject({ journalled: 1, open: [1, 1, 1] });
    expect(journalled).toBe(2);
    expect(slaves.map((s) => h.ledger.openCount('M1', s))).toEqual([0, 0, 0]);
  });
});
