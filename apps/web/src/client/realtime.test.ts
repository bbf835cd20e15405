import { describe, expect, it, vi } from 'vitest';
import { relayUrl, TokenCache } from './realtime';

describe('socket token cache', () => {
  it('reuses a token until a minute before expiry, then fetches a new one', async () => {
    let now = 0;
    const fetchToken = vi.fn(async () => ({
      token: `t${fetchToken.mock.calls.length}`,
      expiresAt: new Date(now + 300_000).toISOString(),
    }));
    const cache = new TokenCache(fetchToken, () => now);
    expect(await cache.get()).toBe('t1');
    now = 200_000;
    expect(await cache.get()).toBe('t1');
    expect(cache.renewInMs()).toBe(40_000);
    now = 250_000;
    expect(await cache.get()).toBe('t2');
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it('fetches once for concurrent callers and again after invalidation', async () => {
    const fetchToken = vi.fn(async () => ({
      token: 'x',
      expiresAt: new Date(Date.now() + 300_000).toISOString(),
    }));
    const cache = new TokenCache(fetchToken);
    await Promise.all([cache.get(), cache.get(), cache.get()]);
    expect(fetchToken).toHaveBeenCalledTimes(1);
    cache.invalidate();
    await cache.get();
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });
});

describe('relay url', () => {
  it('uses the page host with the relay HTTP port', () => {
    expect(relayUrl({ protocol: 'http:', hostname: '127.0.0.1' }, 3001)).toBe('http://127.0.0.1:3001');
  });
});
