import { describe, expect, it } from 'vitest';
import { type BackoffPolicy, createLoginLimiter, type LoginLimiterOptions } from './login-limiter';

const policy = (p: Partial<BackoffPolicy> = {}): BackoffPolicy => ({
  free: 3,
  baseMs: 1000,
  maxMs: 8000,
  forgetAfterMs: 60_000,
  ...p,
});
const opts = (o: Partial<LoginLimiterOptions> = {}): LoginLimiterOptions => ({
  perClient: policy(),
  global: policy({ free: 100 }),
  maxClients: 100,
  ...o,
});

function setup(o?: Partial<LoginLimiterOptions>) {
  const clock = { t: 1_000_000 };
  return { clock, limiter: createLoginLimiter(() => clock.t, opts(o)) };
}

describe('login limiter', () => {
  it('admits `free` attempts, then makes the client wait 1 s, 2 s, 4 s … up to the maximum', () => {
    const { clock, limiter } = setup();
    expect(limiter.attempt('a')).toEqual({ ok: true });
    expect(limiter.attempt('a')).toEqual({ ok: true });
    expect(limiter.attempt('a')).toEqual({ ok: true });
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const refused = limiter.attempt('a');
      if (refused.ok) throw new Error('expected a refusal');
      waits.push(refused.retryAfterS);
      clock.t += refused.retryAfterS * 1000;
      expect(limiter.attempt('a')).toEqual({ ok: true });
    }
    expect(waits).toEqual([1, 2, 4, 8, 8, 8]);
  });

  it('a refused attempt does not extend the wait; Retry-After counts down and rounds up', () => {
    const { clock, limiter } = setup();
    for (let i = 0; i < 3; i++) limiter.attempt('a');
    clock.t += 1000;
    expect(limiter.attempt('a')).toEqual({ ok: true });
    // the 4th failure set a 2 s wait; refusals in between change nothing
    expect(limiter.attempt('a')).toEqual({ ok: false, retryAfterS: 2 });
    expect(limiter.attempt('a')).toEqual({ ok: false, retryAfterS: 2 });
    clock.t += 1500;
    expect(limiter.attempt('a')).toEqual({ ok: false, retryAfterS: 1 });
    clock.t += 500;
    expect(limiter.attempt('a')).toEqual({ ok: true });
  });

  it('keeps clients apart and forgets failures after the quiet period', () => {
    const { clock, limiter } = setup();
    for (let i = 0; i < 3; i++) limiter.attempt('a');
    expect(limiter.attempt('a').ok).toBe(false);
    expect(limiter.attempt('b').ok).toBe(true);
    // the quiet period counts from the end of the 1 s wait: just before it ends, the count goes on
    clock.t += 60_999;
    expect(limiter.attempt('a')).toEqual({ ok: true });
    expect(limiter.attempt('a')).toEqual({ ok: false, retryAfterS: 2 });
    clock.t += 62_000;
    for (let i = 0; i < 3; i++) expect(limiter.attempt('a').ok).toBe(true);
  });

  it('success clears the client', () => {
    const { limiter } = setup();
    limiter.attempt('a');
    limiter.attempt('a');
    limiter.succeeded('a');
    for (let i = 0; i < 3; i++) expect(limiter.attempt('a').ok).toBe(true);
    expect(limiter.attempt('a').ok).toBe(false);
  });

  it('counts every client against the global budget', () => {
    const { clock, limiter } = setup({ global: policy({ free: 4, maxMs: 2000 }) });
    for (const c of ['a', 'b', 'c', 'd']) expect(limiter.attempt(c).ok).toBe(true);
    expect(limiter.attempt('e')).toEqual({ ok: false, retryAfterS: 1 });
    clock.t += 1000;
    expect(limiter.attempt('e').ok).toBe(true);
    expect(limiter.attempt('f')).toEqual({ ok: false, retryAfterS: 2 });
    clock.t += 2000;
    expect(limiter.attempt('g').ok).toBe(true);
    expect(limiter.attempt('h')).toEqual({ ok: false, retryAfterS: 2 });
  });

  it('a parallel burst is cut at `free` admitted attempts (admitted attempts count before they finish)', () => {
    const { limiter } = setup();
    const results = Array.from({ length: 50 }, () => limiter.attempt('a').ok);
    expect(results.filter(Boolean)).toHaveLength(3);
  });

  it('a success gives its global count back', () => {
    const { limiter } = setup({ global: policy({ free: 2 }) });
    expect(limiter.attempt('a').ok).toBe(true);
    limiter.succeeded('a');
    expect(limiter.attempt('b').ok).toBe(true);
    expect(limiter.attempt('c').ok).toBe(true);
    expect(limiter.attempt('d').ok).toBe(false);
  });

  it('keeps at most maxClients entries, dropping the least recently failed', () => {
    const { limiter } = setup({ maxClients: 2 });
    for (let i = 0; i < 3; i++) limiter.attempt('a');
    limiter.attempt('b');
    limiter.attempt('c');
    // 'a' was dropped, so it starts afresh
    expect(limiter.attempt('a').ok).toBe(true);
  });
});
