// The table of relays with a browser connected: a `watching` counts for the TTL, `bye` ends it at once, `hello`
// changes nothing (the watching relays answer it with `watching`).
import { describe, expect, it } from 'vitest';
import { WatcherTable } from './event-watchers';

describe('WatcherTable', () => {
  it('counts a relay as watching for the TTL after its last announcement', () => {
    const t = new WatcherTable(100);
    expect(t.any(0)).toBe(false);
    expect(t.heard('a', 'watching', 0)).toBe(true);
    expect(t.heard('a', 'watching', 60)).toBe(false);
    expect(t.any(159)).toBe(true);
    expect(t.any(160)).toBe(false);
    expect(t.heard('a', 'watching', 200)).toBe(true);
  });

  it('forgets a relay on bye, and ignores hello', () => {
    const t = new WatcherTable(100);
    expect(t.heard('a', 'hello', 0)).toBe(false);
    expect(t.any(0)).toBe(false);
    t.heard('a', 'watching', 0);
    t.heard('b', 'watching', 0);
    expect(t.heard('a', 'bye', 10)).toBe(true);
    expect(t.heard('a', 'bye', 10)).toBe(false);
    expect(t.any(10)).toBe(true);
    t.heard('b', 'bye', 20);
    expect(t.any(20)).toBe(false);
  });
});
