import { describe, expect, it } from 'vitest';
import { SweepCursor } from './sweep-cursor';

const range = (n: number) => new Map(Array.from({ length: n }, (_, i) => [i, i] as const));

describe('SweepCursor', () => {
  it('visits every value once per pass, a slice per call, resuming where it stopped', () => {
    const map = range(10);
    const cursor = new SweepCursor(map);
    const calls: number[][] = [];
    let done = false;
    while (!done) {
      const seen: number[] = [];
      done = cursor.step(4, (v) => seen.push(v));
      calls.push(seen);
    }
    // ceil(10 / 4) = 3 per call: the pass ends on the 4th call.
    expect(calls).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
    const again: number[] = [];
    cursor.step(4, (v) => again.push(v));
    expect(again).toEqual([0, 1, 2]);
  });

  it('never walks the whole of a large map in one call', () => {
    const cursor = new SweepCursor(range(25_000));
    let visited = 0;
    cursor.step(40, () => visited++);
    expect(visited).toBe(625);
  });

  it('one slice walks everything: the full check', () => {
    const cursor = new SweepCursor(range(5));
    const seen: number[] = [];
    expect(cursor.step(1, (v) => seen.push(v))).toBe(false);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(cursor.step(1, () => {})).toBe(true);
  });

  it('skips values deleted before it reaches them and visits values added during the pass', () => {
    const map = range(6);
    const cursor = new SweepCursor(map);
    const seen: number[] = [];
    cursor.step(3, (v) => seen.push(v));
    map.delete(3);
    map.set(6, 6);
    while (!cursor.step(3, (v) => seen.push(v)));
    expect(seen).toEqual([0, 1, 2, 4, 5, 6]);
  });

  it('an empty map finishes a pass at once', () => {
    const cursor = new SweepCursor(new Map<number, number>());
    expect(cursor.step(10, () => {})).toBe(true);
  });

  it('sizes each slice from the map as it is now, so a map that grows mid-pass does not stretch the pass', () => {
    const map = range(4);
    const cursor = new SweepCursor(map);
    cursor.step(4, () => {});
    for (let i = 4; i < 4000; i++) map.set(i, i);
    let calls = 1;
    while (!cursor.step(4, () => {})) calls++;
    expect(calls).toBeLessThanOrEqual(5);
  });
});
