import { describe, expect, it } from 'vitest';
import type { Priority } from '../core/ports';
import { type QueuedFrame, SendQueue } from './send-queue';

const item = (topic: string, priority: Priority): QueuedFrame => ({
  frame: Buffer.from(topic),
  topic,
  priority,
  tracker: undefined,
});

describe('SendQueue', () => {
  it('sends closes before configs before opens', () => {
    const q = new SendQueue(10, () => {});
    q.push(item('open', 2));
    q.push(item('config', 1));
    q.push(item('close', 0));
    expect([q.shift()?.topic, q.shift()?.topic, q.shift()?.topic, q.shift()]).toEqual([
      'close',
      'config',
      'open',
      undefined,
    ]);
  });

  it('keeps FIFO order within one priority', () => {
    const q = new SendQueue(10, () => {});
    for (const t of ['a', 'b', 'c']) q.push(item(t, 1));
    expect([q.shift()?.topic, q.shift()?.topic, q.shift()?.topic]).toEqual(['a', 'b', 'c']);
  });

  it('drops an open to make room for a close when full, and reports it', () => {
    const dropped: string[] = [];
    const q = new SendQueue(2, (d) => dropped.push(d.topic));
    q.push(item('open1', 2));
    q.push(item('open2', 2));
    expect(q.push(item('close', 0))).toBe(true);
    expect(dropped).toEqual(['open2']);
    expect([q.shift()?.topic, q.shift()?.topic]).toEqual(['close', 'open1']);
  });

  it('refuses a new open when full of higher priority frames', () => {
    const dropped: string[] = [];
    const q = new SendQueue(1, (d) => dropped.push(d.topic));
    q.push(item('close', 0));
    expect(q.push(item('open', 2))).toBe(false);
    expect(dropped).toEqual(['open']);
    expect(q.size).toBe(1);
  });

  it('stays bounded over many push/shift cycles', () => {
    const q = new SendQueue(4, () => {});
    for (let i = 0; i < 10_000; i++) {
      q.push(item(`x${i}`, 1));
      expect(q.shift()?.topic).toBe(`x${i}`);
    }
    expect(q.size).toBe(0);
  });
});
