import { describe, expect, it } from 'vitest';
import { PERSISTENCE_BACKOFF, PersistenceHealth } from './health';

const busy = () => Object.assign(new Error('SQLITE_BUSY: database is locked'), { code: 'SQLITE_BUSY' });
const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

function setup(random = 0.5) {
  let now = 1_000_000;
  const logs: { level: string; msg: string | undefined }[] = [];
  const events: string[] = [];
  const log = {
    debug() {},
    info: (_o: object, msg?: string) => logs.push({ level: 'info', msg }),
    warn: (_o: object, msg?: string) => logs.push({ level: 'warn', msg }),
    error: (_o: object, msg?: string) => logs.push({ level: 'error', msg }),
  };
  const health = new PersistenceHealth({
    nowMs: () => now,
    random: () => random,
    log,
    metrics: {
      failed: (op, reason) => events.push(`failed ${op} ${reason}`),
      retried: (op) => events.push(`retried ${op}`),
      unavailable: (on) => events.push(`unavailable ${on}`),
    },
  });
  return { health, logs, events, advance: (ms: number) => (now += ms) };
}

describe('PersistenceHealth', () => {
  it('backs off 250 ms, 500 ms, 1 s, 2 s, 2 s … between attempts (no jitter at random 0.5)', () => {
    const { health, advance } = setup(0.5);
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      health.failed('journal', busy());
      delays.push(health.waitMs('journal'));
      expect(health.mayTry('journal')).toBe(false);
      advance(health.waitMs('journal'));
      expect(health.mayTry('journal')).toBe(true);
    }
    expect(delays).toEqual([250, 500, 1000, 2000, 2000, 2000]);
    expect(PERSISTENCE_BACKOFF.jitter).toBe(0.2);
  });

  it('jitters each delay by ±20 %', () => {
    const low = setup(0);
    low.health.failed('ledger', busy());
    expect(low.health.waitMs('ledger')).toBe(200);
    const high = setup(0.999_999);
    for (let i = 0; i < 4; i++) high.health.failed('ledger', busy());
    expect(high.health.waitMs('ledger')).toBe(2400);
  });

  it('logs an outage once when it starts and once when it ends, not per attempt', () => {
    const { health, logs, events, advance } = setup();
    for (let i = 0; i < 10; i++) {
      expect(health.failed('journal', busy())).toBe(true);
      advance(health.waitMs('journal'));
      health.mayTry('journal');
      expect(health.failed('status', busy())).toBe(true);
    }
    expect(health.unavailable).toBe(true);
    expect(logs).toEqual([{ level: 'warn', msg: expect.stringContaining('database unavailable') }]);
    health.succeeded('journal');
    expect(health.unavailable).toBe(false);
    expect(logs.at(-1)).toEqual({ level: 'info', msg: 'database available again; catching up' });
    expect(logs).toHaveLength(2);
    expect(events.filter((e) => e.startsWith('unavailable'))).toEqual([
      'unavailable true',
      'unavailable false',
    ]);
    expect(events.filter((e) => e === 'failed journal locked')).toHaveLength(10);
    expect(events.filter((e) => e === 'retried journal')).toHaveLength(10);
    // The journal's backoff ended with its success; the status writer's still runs.
    expect(health.waitMs('journal')).toBe(0);
    expect(health.waitMs('status')).toBeGreaterThan(0);
  });

  it('tells a PostgreSQL cut-off as unreachable and any other failure as other (the caller logs that one)', () => {
    const { health, events, logs } = setup();
    expect(health.failed('outbox', refused())).toBe(true);
    expect(health.failed('dead_letters', new Error('value too long'))).toBe(false);
    expect(events).toContain('failed outbox unreachable');
    expect(events).toContain('failed dead_letters other');
    expect(logs).toHaveLength(1);
  });
});
