// The shutdown deadline's dead letters when the database is too slow to take them all: the rest goes to a spill
// file, the next start imports it exactly once (a chunk that was still in flight is not doubled).
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger, OutboundFrame } from '../core/ports';
import { RelayMetrics } from '../observability/metrics';
import type { StoredDeadLetter } from '../outbox/storage';
import { deadLetterAbandoned } from '../shutdown-deadline';
import { importSpilledLetters, spillLetters } from './letter-spill';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'sankey-spill-'));
  dirs.push(d);
  return d;
};
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

const frames = (n: number): OutboundFrame[] =>
  Array.from({ length: n }, (_, i) => ({
    frame: Buffer.from(`trade/M1/S${i % 7} payload-${i}`),
    topic: `trade/M1/S${i % 7}`,
    stream: 'M1',
    cls: 'open' as const,
    ticket: BigInt(i + 1),
  }));

/** A database that stores the first chunk, keeps the second in flight until `commit()`, and refuses nothing. */
function slowDatabase() {
  const stored: StoredDeadLetter[] = [];
  let calls = 0;
  let commit: () => void = () => {};
  return {
    stored,
    commitInFlight: () => commit(),
    write: (rows: StoredDeadLetter[]) => {
      calls++;
      if (calls === 1) {
        stored.push(...rows);
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        commit = () => {
          stored.push(...rows);
          resolve();
        };
      });
    },
  };
}

describe('dead letters the database does not take in time', () => {
  it('are spilled to a file and imported once at the next start, the in-flight chunk not doubled', async () => {
    const dir = tempDir();
    const db = slowDatabase();
    const metrics = new RelayMetrics();
    const kept = await deadLetterAbandoned(frames(1300), {
      write: db.write,
      spill: (rows) => spillLetters(dir, rows),
      metrics,
      log: quiet,
      now: new Date('2026-11-27T08:00:00Z'),
      timeoutMs: 50,
    });
    expect(kept).toBe(1300);
    expect(db.stored).toHaveLength(500);
    expect(readdirSync(join(dir, 'dead-letter-spill'))).toHaveLength(1);
    expect(await metrics.registry.getSingleMetricAsString('sankey_dead_letters_total')).toContain(
      'sankey_dead_letters_total{reason="shutdown_deadline"} 1300',
    );

    // The chunk in flight at the deadline did commit after all (the process lived on for a moment).
    db.commitInFlight();
    expect(db.stored).toHaveLength(1000);

    const result = await importSpilledLetters(dir, {
      stored: async () => [...db.stored],
      write: async (rows) => {
        db.stored.push(...rows);
      },
      log: quiet,
    });
    expect(result).toEqual({ imported: 300, skipped: 500, unreadable: 0 });
    expect(db.stored).toHaveLength(1300);
    const payloads = new Set(db.stored.map((r) => Buffer.from(r.payload).toString()));
    expect(payloads.size).toBe(1300); // every copy once
    expect(readdirSync(join(dir, 'dead-letter-spill'))).toHaveLength(0);
  });

  it('imports an in-flight chunk that never committed, and skips an unreadable line with a count', async () => {
    const dir = tempDir();
    const db = slowDatabase();
    await deadLetterAbandoned(frames(600), {
      write: db.write,
      spill: (rows) => spillLetters(dir, rows),
      metrics: new RelayMetrics(),
      log: quiet,
      now: new Date(),
      timeoutMs: 50,
    });
    const [file] = readdirSync(join(dir, 'dead-letter-spill'));
    writeFileSync(join(dir, 'dead-letter-spill', file!), '{"topic": 7}\nnot json\n', { flag: 'a' });
    const imported: StoredDeadLetter[] = [];
    const result = await importSpilledLetters(dir, {
      stored: async () => [...db.stored],
      write: async (rows) => {
        imported.push(...rows);
      },
      log: quiet,
    });
    expect(result).toEqual({ imported: 100, skipped: 0, unreadable: 2 });
    expect(imported.map((r) => r.ticket)).toEqual(Array.from({ length: 100 }, (_, i) => String(501 + i)));
    expect(imported[0]).toMatchObject({ reason: 'shutdown_deadline', masterAccount: 'M1', action: 'Open' });
  });

  it('keeps the file when the database refuses the import, for the next start', async () => {
    const dir = tempDir();
    spillLetters(dir, [
      {
        row: {
          topic: 'trade/M1/S1',
          payload: new Uint8Array(Buffer.from('x')),
          reason: 'shutdown_deadline',
          attempts: 1,
          firstAttemptAt: new Date(),
          lastAttemptAt: new Date(),
          destination: 'S1',
          masterAccount: 'M1',
          ticket: '1',
          action: 'Open',
        },
        maybeWritten: false,
      },
    ]);
    await expect(
      importSpilledLetters(dir, {
        stored: async () => [],
        write: () => Promise.reject(new Error('database is locked')),
        log: quiet,
      }),
    ).rejects.toThrow('database is locked');
    expect(existsSync(join(dir, 'dead-letter-spill'))).toBe(true);
    expect(readdirSync(join(dir, 'dead-letter-spill'))).toHaveLength(1);
  });
});
