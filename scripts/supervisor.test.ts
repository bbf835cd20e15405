// The supervisor's rules on a fake clock and fake children: restarts after the exact backoff, giving up, and one
// stop with a deadline.
import { backoffDelay } from '@sankey/shared/retry';
import { describe, expect, it } from 'vitest';
import { type ChildHandle, Supervisor, type SupervisorOptions } from './supervisor';

class FakeClock {
  now = 0;
  private timers: { at: number; fn: () => void; live: boolean }[] = [];
  readonly delays: number[] = [];
  setTimer = (fn: () => void, ms: number) => {
    const t = { at: this.now + ms, fn, live: true };
    this.timers.push(t);
    this.delays.push(ms);
    return {
      cancel: () => {
        t.live = false;
      },
    };
  };
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.now = next.at;
      next.live = false;
      next.fn();
    }
    this.now = end;
  }
}

let nextPid = 100;
class FakeChild implements ChildHandle {
  readonly pid = nextPid++;
  readonly signals: NodeJS.Signals[] = [];
  private cb: ((code: number | null, signal: NodeJS.Signals | null) => void) | null = null;
  /** What the child does on SIGTERM: exit at once (as the relay and Next do) or ignore it. */
  constructor(private readonly onTerm: 'exit' | 'ignore' = 'exit') {}
  kill(signal: NodeJS.Signals): void {
    this.signals.push(signal);
    if (signal === 'SIGKILL') this.exit(null, 'SIGKILL');
    else if (this.onTerm === 'exit') this.exit(0, null);
  }
  onExit(cb: (code: number | null, signal: NodeJS.Signals | null) => void): void {
    this.cb = cb;
  }
  exit(code: number | null, signal: NodeJS.Signals | null): void {
    const cb = this.cb;
    this.cb = null;
    cb?.(code, signal);
  }
}

const opts: SupervisorOptions = {
  backoff: { baseMs: 500, maxMs: 4000, maxAttempts: 5, jitter: 0.2 },
  stableAfterMs: 30_000,
  stopDeadlineMs: 10_000,
};

function setup(onTerm: 'exit' | 'ignore' = 'exit') {
  const clock = new FakeClock();
  const lines: string[] = [];
  const random = () => 0.75;
  const sup = new Supervisor(
    { nowMs: () => clock.now, setTimer: clock.setTimer, random, log: (l) => lines.push(l) },
    opts,
  );
  const runs: Record<string, FakeChild[]> = {};
  const add = (name: string) => {
    runs[name] = [];
    sup.add({
      name,
      start: () => {
        const c = new FakeChild(onTerm);
        runs[name]!.push(c);
        return c;
      },
    });
  };
  return { clock, lines, sup, runs, add, delay: (n: number) => backoffDelay(n, opts.backoff, random) };
}

describe('supervisor', () => {
  it('restarts a crashed child after the backoff delay, growing per quick crash, and logs and counts each', () => {
    const { clock, lines, sup, runs, add, delay } = setup();
    add('relay');
    add('web');
    runs.relay![0]!.exit(null, 'SIGKILL');
    expect(runs.relay).toHaveLength(1);
    clock.advance(delay(1) - 1);
    expect(runs.relay).toHaveLength(1);
    clock.advance(1);
    expect(runs.relay).toHaveLength(2);
    // The web was never touched: copying does not depend on it, nor it on the relay.
    expect(runs.web).toHaveLength(1);
    expect(runs.web![0]!.signals).toEqual([]);

    clock.advance(1000);
    runs.relay![1]!.exit(1, null);
    clock.advance(delay(2));
    expect(runs.relay).toHaveLength(3);
    expect(sup.stats('relay')).toEqual({ starts: 3, crashes: 2, failuresInRow: 2 });
    expect(lines.filter((l) => l.startsWith('relay'))).toEqual([
      `relay started (pid ${runs.relay![0]!.pid}, run 1)`,
      `relay exited (SIGKILL) after 0 ms; restart 1 in ${delay(1)} ms`,
      `relay started (pid ${runs.relay![1]!.pid}, run 2)`,
      `relay exited (code 1) after 1000 ms; restart 2 in ${delay(2)} ms`,
      `relay started (pid ${runs.relay![2]!.pid}, run 3)`,
    ]);
    expect(delay(1)).toBe(550);
    expect(delay(2)).toBe(1100);
  });

  it('starts the backoff again after a healthy run', () => {
    const { clock, sup, runs, add, delay } = setup();
    add('web');
    runs.web![0]!.exit(1, null);
    clock.advance(delay(1));
    clock.advance(opts.stableAfterMs);
    runs.web![1]!.exit(1, null);
    expect(sup.stats('web')!.failuresInRow).toBe(1);
    clock.advance(delay(1));
    expect(runs.web).toHaveLength(3);
  });

  it('gives up after too many quick crashes in a row: stops the others and ends with code 1', async () => {
    const { clock, lines, sup, runs, add, delay } = setup();
    add('relay');
    add('web');
    for (let i = 1; i < opts.backoff.maxAttempts; i++) {
      runs.relay!.at(-1)!.exit(1, null);
      clock.advance(delay(i));
    }
    runs.relay!.at(-1)!.exit(1, null);
    expect(await sup.done()).toBe(1);
    expect(runs.relay).toHaveLength(opts.backoff.maxAttempts);
    expect(runs.web![0]!.signals).toEqual(['SIGTERM']);
    expect(lines.at(-2)).toMatch(/^relay exited \(code 1\) after 0 ms; 5 failed runs in a row, giving up$/);
  });

  it('stops once however often it is asked: one SIGTERM per child, no restart, code 0', async () => {
    const { sup, runs, add } = setup();
    add('relay');
    add('web');
    const a = sup.stop();
    const b = sup.stop();
    expect(await a).toBe(0);
    expect(await b).toBe(0);
    expect(await sup.done()).toBe(0);
    expect(runs.relay![0]!.signals).toEqual(['SIGTERM']);
    expect(runs.web![0]!.signals).toEqual(['SIGTERM']);
    expect(runs.relay).toHaveLength(1);
  });

  it('counts an exit with code 143 (128 + SIGTERM, as Next.js exits) after a stop request as clean', async () => {
    const { sup, runs, add } = setup('ignore');
    add('web');
    const stopped = sup.stop();
    runs.web![0]!.exit(143, null);
    expect(await stopped).toBe(0);
  });

  it('cancels a pending restart when stopping', async () => {
    const { clock, sup, runs, add } = setup();
    add('relay');
    runs.relay![0]!.exit(1, null);
    expect(await sup.stop()).toBe(0);
    clock.advance(60_000);
    expect(runs.relay).toHaveLength(1);
  });

  it('kills a child that ignores SIGTERM at the deadline and ends with code 1', async () => {
    const { clock, lines, sup, runs, add } = setup('ignore');
    add('web');
    const stopped = sup.stop();
    clock.advance(opts.stopDeadlineMs - 1);
    expect(runs.web![0]!.signals).toEqual(['SIGTERM']);
    clock.advance(1);
    expect(runs.web![0]!.signals).toEqual(['SIGTERM', 'SIGKILL']);
    expect(await stopped).toBe(1);
    expect(lines).toContain('web still running after 10000 ms: SIGKILL');
  });
});
