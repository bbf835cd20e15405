import { describe, expect, it } from 'vitest';
import { backoffDelay, classifyFailure, RetryExhaustedError, withRetry } from './retry';

const policy = { baseMs: 100, maxMs: 1000, maxAttempts: 5, jitter: 0.2 };

describe('classifyFailure', () => {
  it('calls locks, timeouts, resets and 5xx transient', () => {
    expect(classifyFailure(Object.assign(new Error('x'), { code: 'SQLITE_BUSY' }))).toBe('transient');
    expect(classifyFailure(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe('transient');
    expect(classifyFailure(new Error('database unavailable (locked), retry'))).toBe('transient');
    expect(classifyFailure(new Error('Operation has timed out'))).toBe('transient');
    expect(classifyFailure({ status: 503 })).toBe('transient');
    expect(classifyFailure(new Error('outer', { cause: { code: 'P1001' } }))).toBe('transient');
  });

  it('calls constraint errors, 4xx and unknown errors permanent', () => {
    expect(classifyFailure(Object.assign(new Error('unique'), { code: 'P2002' }))).toBe('permanent');
    expect(classifyFailure({ status: 400 })).toBe('permanent');
    expect(classifyFailure(new TypeError('bad'))).toBe('permanent');
  });
});

describe('backoffDelay', () => {
  it('doubles from the base up to the cap, within ±20 %', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy, () => 0.5))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
    expect(backoffDelay(1, policy, () => 0)).toBe(80);
    expect(backoffDelay(1, policy, () => 0.999999)).toBe(120);
    expect(backoffDelay(4, policy, () => 0)).toBe(640);
  });
});

describe('withRetry', () => {
  it('retries transient failures with the exact injected delays, then succeeds', async () => {
    const slept: number[] = [];
    const randoms = [0, 0.5, 0.75];
    let calls = 0;
    const out = await withRetry(
      async () => {
        if (++calls < 4) throw Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' });
        return 'ok';
      },
      policy,
      { sleep: async (ms) => void slept.push(ms), random: () => randoms.shift()! },
    );
    expect(out).toBe('ok');
    expect(slept).toEqual([80, 200, 440]);
  });

  it('stops at once on a permanent failure and after maxAttempts on transient ones', async () => {
    const deps = { sleep: async () => {}, random: () => 0.5 };
    let calls = 0;
    const permanent = withRetry(
      async () => {
        calls++;
        throw Object.assign(new Error('unique'), { code: 'P2002' });
      },
      policy,
      deps,
    );
    await expect(permanent).rejects.toMatchObject({
      name: 'RetryExhaustedError',
      attempts: 1,
      failureClass: 'permanent',
    });
    expect(calls).toBe(1);
    calls = 0;
    const transient = withRetry(
      async () => {
        calls++;
        throw new Error('timed out');
      },
      policy,
      deps,
    );
    await expect(transient).rejects.toBeInstanceOf(RetryExhaustedError);
    expect(calls).toBe(5);
  });
});
