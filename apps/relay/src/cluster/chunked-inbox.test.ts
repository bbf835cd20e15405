import { describe, expect, it } from 'vitest';
import { ChunkedInbox } from './chunked-inbox';

const turn = () => new Promise((r) => setImmediate(r));
const until = async (done: () => boolean) => {
  for (let i = 0; i < 1000 && !done(); i++) await turn();
};

describe('ChunkedInbox', () => {
  it('handles a lone message at once, in the turn it came in', () => {
    const handled: number[] = [];
    const inbox = new ChunkedInbox<number>((n) => handled.push(n), 16);
    inbox.push(1);
    expect(handled).toEqual([1]);
    inbox.push(2);
    expect(handled).toEqual([1, 2]);
  });

  it('handles a pull of 100 a chunk per turn, in order, letting timers run between chunks', async () => {
    const handled: number[] = [];
    // Each message takes 0.1 ms: a chunk outlasts the timer's 1 ms, so the timer is due by the next turn (with an
    // instant handler the whole pull could go through before the timer is due, and the test said nothing).
    const slowly = (n: number) => {
      const until = performance.now() + 0.1;
      while (performance.now() < until);
      handled.push(n);
    };
    const inbox = new ChunkedInbox<number>(slowly, 16);
    let handledWhenTimerRan = -1;
    setTimeout(() => {
      handledWhenTimerRan = handled.length;
    }, 0);
    for (let n = 1; n <= 100; n++) inbox.push(n);
    expect(handled.length).toBe(16);
    expect(inbox.waiting).toBe(84);
    await until(() => handled.length === 100);
    expect(handled).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    // The timer due at once ran after a chunk or two, long before the pull was through.
    expect(handledWhenTimerRan).toBeGreaterThanOrEqual(16);
    expect(handledWhenTimerRan).toBeLessThanOrEqual(48);
  });

  it('keeps the order when messages come while others wait, and gives the budget back once drained', async () => {
    const handled: number[] = [];
    const inbox = new ChunkedInbox<number>((n) => handled.push(n), 4);
    for (let n = 1; n <= 10; n++) inbox.push(n);
    await turn();
    inbox.push(11); // waits behind 9 and 10
    expect(handled).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    await until(() => inbox.waiting === 0);
    await turn();
    await turn();
    expect(handled).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    inbox.push(12);
    expect(handled.at(-1)).toBe(12);
  });

  it('handles nothing once stopped (what waits is never acked: the next consumer gets it again)', async () => {
    const handled: number[] = [];
    const inbox = new ChunkedInbox<number>((n) => handled.push(n), 2);
    for (let n = 1; n <= 5; n++) inbox.push(n);
    inbox.stop();
    inbox.push(6);
    await turn();
    await turn();
    expect(handled).toEqual([1, 2]);
    expect(inbox.waiting).toBe(0);
  });
});
