import { describe, expect, it } from 'vitest';
import { EventLog } from './event-log';

const log = () => new EventLog<number>(100, (n) => `#${n}`);

describe('EventLog', () => {
  it('waitFor resolves with an item received earlier or later', async () => {
    const l = log();
    l.push(1);
    await expect(l.waitFor((n) => n === 1, 50, 0, 'w')).resolves.toBe(1);
    const later = l.waitFor((n) => n > 5, 500, 0, 'w');
    l.push(3);
    l.push(7);
    await expect(later).resolves.toBe(7);
  });

  it('waitFor after a mark ignores earlier items and times out with a descriptive message', async () => {
    const l = log();
    l.push(1);
    const mark = l.lastSeq;
    l.push(2);
    await expect(l.waitFor((n) => n === 1, 30, mark, 'wait one')).rejects.toThrow(
      /wait one: nothing matched within 30 ms; 1 item\(s\) arrived, last: \[#2\]/,
    );
    expect(l.since(mark)).toEqual([2]);
  });

  it('expectNone resolves after a quiet window and rejects on a matching arrival', async () => {
    const l = log();
    l.push(1);
    await expect(l.expectNone(() => true, 30, l.lastSeq, 'quiet')).resolves.toBeUndefined();
    const p = l.expectNone((n) => n > 1, 500, l.lastSeq, 'quiet');
    l.push(0);
    l.push(2);
    await expect(p).rejects.toThrow('quiet: unexpected #2');
    await expect(l.expectNone((n) => n === 1, 10, 0, 'past')).rejects.toThrow('past: unexpected #1');
  });

  it('keeps at most maxEntries items but keeps counting', () => {
    const l = new EventLog<number>(2, String);
    for (let i = 1; i <= 5; i++) l.push(i);
    expect(l.all()).toEqual([4, 5]);
    expect(l.lastSeq).toBe(5);
  });
});
