import { describe, expect, it } from 'vitest';
import { tradeFrame as frame, startTransport } from '../testing/transport';
import { FlushBarriers } from './flush-barriers';

describe('FlushBarriers', () => {
  it('resolves once the last frame of every stream it holds has been handed over, not before', async () => {
    const b = new FlushBarriers();
    const [a1, a2, m1] = [frame('A', 1), frame('A', 2), frame('M', 1)];
    let done = false;
    const p = b
      .add(
        new Map([
          ['A', a2],
          ['M', m1],
        ]),
      )
      .then(() => {
        done = true;
      });
    b.handed(a1);
    b.handed(m1);
    await Promise.resolve();
    expect(done).toBe(false);
    b.handed(a2);
    await p;
    expect(done).toBe(true);
    expect(b.active).toBe(false);
  });

  it('keeps later barriers waiting when an earlier one resolves, and releases all at once', async () => {
    const b = new FlushBarriers();
    const [a1, a2] = [frame('A', 1), frame('A', 2)];
    const order: string[] = [];
    const first = b.add(new Map([['A', a1]])).then(() => order.push('first'));
    const second = b.add(new Map([['A', a2]])).then(() => order.push('second'));
    b.handed(a1);
    await first;
    expect(order).toEqual(['first']);
    expect(b.active).toBe(true);
    b.releaseAll();
    await second;
    expect(order).toEqual(['first', 'second']);
  });

  it('resolves at once with nothing to wait for', async () => {
    await new FlushBarriers().add(new Map());
  });
});

describe('ZmqTransport.flush under a steady stream of frames', () => {
  it('resolves once the frames queued before the call have left, while later frames keep the queue busy', async () => {
    let sent = 0;
    const t = await startTransport(() => {
      sent++;
    });
    let n = 0;
    const push = (count: number) => {
      for (let i = 0; i < count; i++) t.send(frame(`M${n % 7}`, n++));
    };
    push(20_000);
    const before = n;
    let resolved = false;
    const flushed = t.flush().then(() => {
      resolved = true;
    });
    // A burst that never lets the queue run dry until the flush has answered (at most 30 s of it).
    const deadline = Date.now() + 30_000;
    let queueAtResolve = 0;
    while (!resolved && Date.now() < deadline) {
      push(2_000);
      await new Promise((r) => setImmediate(r));
      if (resolved) queueAtResolve = t.queueDepth;
    }
    await flushed;
    expect(sent).toBeGreaterThanOrEqual(before);
    // The answer came while frames queued after the call were still waiting: it did not wait for an empty queue.
    expect(queueAtResolve).toBeGreaterThan(0);
    await t.close();
  }, 60_000);
});
