// The transport's write side with real sockets: a signal's copies go to the socket as they are made (no microtask
// hop per frame), at most 1,024 per event-loop turn, in the send queue's order, each reported once as it settles.
import { afterEach, describe, expect, it } from 'vitest';
import { Subscriber } from 'zeromq';
import { tradeFrame as frame, startTransport } from '../testing/transport';
import type { ZmqTransport } from './zmq';

let transport: ZmqTransport | undefined;
let sub: Subscriber | undefined;
afterEach(async () => {
  sub?.close();
  await transport?.close();
});

async function start(): Promise<{ t: ZmqTransport; sent: number[]; received: string[] }> {
  const sent: number[] = [];
  const t = await startTransport((item) => sent.push(Number(item.ticket)));
  transport = t;
  const s = new Subscriber({ linger: 0, receiveHighWaterMark: 0 });
  sub = s;
  s.connect(`tcp://127.0.0.1:${t.publisherPort}`);
  s.subscribe('trade/M/S ');
  const received: string[] = [];
  void (async () => {
    for await (const [m] of s) received.push(String(m).slice('trade/M/S '.length));
  })().catch(() => {});
  // Wait until the subscription has reached the publisher (a frame sent before it would be dropped).
  let probe = 1_000_000;
  while (received.length === 0) {
    t.send(frame('M', probe++));
    await new Promise((r) => setTimeout(r, 20));
  }
  while (sent.length < probe - 1_000_000) await new Promise((r) => setImmediate(r));
  // A later probe may still be on its way (the first one to arrive took over 20 ms): wait for the last one, after
  // which no probe is left to arrive (one connection, in order).
  await expect.poll(() => received.at(-1)).toBe(String(probe - 1));
  received.length = 0;
  sent.length = 0;
  return { t, sent, received };
}

describe('ZmqTransport write side', () => {
  it('hands each frame to the socket while the caller is still running, not after it', async () => {
    const { t, sent, received } = await start();
    const depths: number[] = [];
    for (let i = 0; i < 100; i++) {
      t.send(frame('M', i));
      depths.push(t.queueDepth);
    }
    // Nothing waits in the queue: every frame went to the socket at once.
    expect(Math.max(...depths)).toBe(0);
    expect(sent).toEqual([]); // outcomes are reported as the sends settle, after this synchronous run
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual(Array.from({ length: 100 }, (_, i) => i));
    await expect.poll(() => received.length).toBe(100);
    expect(received).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));
  });

  it('sends at most 1,024 frames per event-loop turn; the rest follow, in order', async () => {
    const { t, sent, received } = await start();
    for (let i = 0; i < 2_500; i++) t.send(frame('M', i));
    // At most 1,024 went (the next one is held for the next turn), the rest wait in the queue.
    const first = t.queueDepth;
    expect(first).toBeGreaterThanOrEqual(2_500 - 1_025);
    await new Promise((r) => setImmediate(r));
    // One turn later, 1,024 more: not all at once.
    expect(t.queueDepth).toBe(first - 1_024);
    for (let turns = 0; sent.length < 2_500 && turns < 100; turns++)
      await new Promise((r) => setImmediate(r));
    expect(sent).toEqual(Array.from({ length: 2_500 }, (_, i) => i));
    await expect.poll(() => received.length).toBe(2_500);
    expect(received).toEqual(Array.from({ length: 2_500 }, (_, i) => String(i)));
    await t.flush();
    expect(t.queueDepth).toBe(0);
  });

  it('gives every turn the whole budget: what earlier turns sent does not split a later signal', async () => {
    const { t, sent } = await start();
    let next = 0;
    // Turn after turn, one signal's copies to 1,000 slaves: each goes to the socket whole, none waits in the queue.
    for (let turn = 0; turn < 3; turn++) {
      for (let i = 0; i < 1_000; i++) t.send(frame('M', next++));
      expect(t.queueDepth).toBe(0);
      await new Promise((r) => setImmediate(r));
    }
    await expect.poll(() => sent.length).toBe(3_000);
    expect(sent).toEqual(Array.from({ length: 3_000 }, (_, i) => i));
  });
});
