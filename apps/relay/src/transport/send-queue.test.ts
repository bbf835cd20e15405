import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FrameClass, OutboundFrame } from '../core/ports';
import { SendQueue } from './send-queue';

const frame = (stream: string, cls: FrameClass, ticket?: number, slave = 'S1'): OutboundFrame => ({
  frame: Buffer.alloc(0),
  topic: cls === 'control' ? `config/${slave}` : `trade/${stream}/${slave}`,
  stream,
  cls,
  ticket,
});
const label = (f: OutboundFrame | undefined) => (f ? `${f.stream}:${f.cls}${f.ticket ?? ''}` : 'none');
const drain = (q: SendQueue) => {
  const out: string[] = [];
  for (let f = q.shift(); f; f = q.shift()) out.push(label(f));
  return out;
};

describe('SendQueue (D14)', () => {
  it("keeps one master's frames in the order they were queued, whatever their action", () => {
    const q = new SendQueue({ capacity: 100 }, () => {});
    q.push(frame('M1', 'open', 1));
    q.push(frame('M1', 'modify', 1));
    q.push(frame('M1', 'control'));
    q.push(frame('M1', 'close', 1));
    expect(drain(q)).toEqual(['M1:open1', 'M1:modify1', 'M1:control', 'M1:close1']);
  });

  it('lets a stream whose next frame is a Close go before a stream whose next frame is an Open', () => {
    const q = new SendQueue({ capacity: 100 }, () => {});
    q.push(frame('M1', 'open', 1));
    q.push(frame('M1', 'open', 2));
    q.push(frame('M2', 'close', 9));
    q.push(frame('M2', 'open', 10));
    expect(drain(q)).toEqual(['M2:close9', 'M1:open1', 'M2:open10', 'M1:open2']);
  });

  it('takes turns between streams of equal rank', () => {
    const q = new SendQueue({ capacity: 100 }, () => {});
    for (const t of [1, 2]) for (const m of ['A', 'B', 'C']) q.push(frame(m, 'open', t));
    expect(drain(q)).toEqual(['A:open1', 'B:open1', 'C:open1', 'A:open2', 'B:open2', 'C:open2']);
  });

  it('when full refuses Opens together with their later Modify/Close, never a Close whose Open is queued', () => {
    const refused: string[] = [];
    const q = new SendQueue({ capacity: 2, hardCapacity: 10 }, (f) => refused.push(label(f)));
    q.push(frame('M1', 'open', 1));
    q.push(frame('M1', 'open', 2));
    q.push(frame('M1', 'open', 3)); // full: refused
    q.push(frame('M1', 'modify', 1)); // its Open is queued: accepted
    q.push(frame('M1', 'modify', 3)); // its Open was refused: refused
    q.push(frame('M1', 'close', 2));
    q.push(frame('M1', 'close', 3));
    q.push(frame('M1', 'control'));
    expect(refused).toEqual(['M1:open3', 'M1:modify3', 'M1:close3']);
    expect(drain(q)).toEqual(['M1:open1', 'M1:open2', 'M1:modify1', 'M1:close2', 'M1:control']);
    // Room again: a new Open of the same ticket number (a new trade) is accepted.
    expect(q.push(frame('M1', 'open', 3))).toBe(true);
  });

  it('admits a frame sent past an empty queue as push would: the Close of an Open refused earlier is refused', () => {
    const refused: string[] = [];
    const q = new SendQueue({ capacity: 1, hardCapacity: 10 }, (f) => refused.push(label(f)));
    q.push(frame('M1', 'open', 1));
    q.push(frame('M1', 'open', 2)); // full: refused
    drain(q);
    expect(q.admitDirect(frame('M1', 'modify', 2))).toBe(false);
    expect(q.admitDirect(frame('M1', 'close', 2))).toBe(false);
    expect(q.admitDirect(frame('M1', 'close', 1))).toBe(true);
    expect(q.admitDirect(frame('M1', 'modify', 2))).toBe(true); // the Close cleared it, as with push
    expect(refused).toEqual(['M1:open2', 'M1:modify2', 'M1:close2']);
    expect(q.size).toBe(0);
  });

  it('past the hard capacity refuses Opens and control frames, never a Close or a Modify of an open ticket', () => {
    const refused: string[] = [];
    const over: string[] = [];
    const q = new SendQueue(
      { capacity: 1, hardCapacity: 2, onOverCapacity: (f) => over.push(label(f)) },
      (f, reason) => refused.push(`${label(f)} ${reason}`),
    );
    q.push(frame('M1', 'open', 5));
    q.push(frame('M1', 'control'));
    q.push(frame('M1', 'control')); // at the hard capacity: refused
    q.push(frame('M1', 'open', 6)); // refused, and so are its later Modify/Close
    q.push(frame('M1', 'modify', 6));
    q.push(frame('M1', 'close', 6));
    for (let t = 0; t < 100; t++) q.push(frame('M2', 'close', t)); // never refused
    q.push(frame('M1', 'modify', 5)); // its Open is queued: admitted
    q.push(frame('M1', 'close', 5));
    expect(refused).toEqual([
      'M1:control queue_full',
      'M1:open6 queue_full',
      'M1:modify6 open_refused',
      'M1:close6 open_refused',
    ]);
    expect(over).toHaveLength(102);
    expect(q.size).toBe(104);
    const out = drain(q);
    expect(out.filter((l) => l.startsWith('M1:'))).toEqual([
      'M1:open5',
      'M1:control',
      'M1:modify5',
      'M1:close5',
    ]);
    expect(out.filter((l) => l.startsWith('M2:'))).toHaveLength(100);
  });

  it('for any interleaving of masters, each stream leaves in its own order (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('A', 'B', 'C'),
            fc.constantFrom<FrameClass>('open', 'modify', 'close', 'control'),
          ),
          { maxLength: 200 },
        ),
        (ops) => {
          const q = new SendQueue({ capacity: 1000 }, () => {});
          ops.forEach(([m, cls], i) => {
            q.push(frame(m, cls, i));
          });
          const out: OutboundFrame[] = [];
          for (let f = q.shift(); f; f = q.shift()) out.push(f);
          expect(out).toHaveLength(ops.length);
          for (const m of ['A', 'B', 'C']) {
            const seq = out.filter((f) => f.stream === m).map((f) => f.ticket);
            expect(seq).toEqual([...seq].sort((a, b) => Number(a) - Number(b)));
          }
        },
      ),
    );
  });
});
