// The database worker boundary: calls made on the main thread run in the worker over a real SQLite file, a
// database error arrives with the name and code the caller branches on, and no call waits forever.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createDb } from '@sankey/db/client';
import { migrate } from '@sankey/db/migrate';
import type { TradeSignal } from '@sankey/shared/protocol/messages';
import { classifyFailure } from '@sankey/shared/retry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalJournal } from '../journal/journal';
import { open } from '../testing/core-harness';
import type { JournalEntry, RelayStorage } from './storage';
import { startWorkerRelayStorage } from './worker-storage';

const dir = mkdtempSync(join(tmpdir(), 'sankey-worker-storage-'));
let storage: RelayStorage;

beforeAll(async () => {
  const url = `file:${join(dir, 'sankey.db')}`;
  await migrate({ url });
  storage = await startWorkerRelayStorage(url);
});
afterAll(async () => {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

const entry = (seq: number, masterAccount = 'M1'): JournalEntry => ({
  masterAccount,
  seq,
  receivedAt: new Date('2026-01-01T00:00:00Z'),
  action: 'Open',
  ticket: '7',
  symbol: 'EURUSD',
  payload: { signal: { symbol: 'EURUSD' }, accepted: 1, filtered: {} },
});

describe('worker relay storage', () => {
  it('forwards calls and returns structured values (Map, Date) from the worker', async () => {
    await storage.appendJournal([entry(1), entry(2)]);
    expect(await storage.journalLastSeqs()).toEqual(new Map([['M1', 2]]));
    const [latest] = await storage.recentSignals({ masterAccount: 'M1', limit: 1 });
    expect(latest).toMatchObject({ seq: 2, receivedAt: new Date('2026-01-01T00:00:00Z') });
  });

  it("keeps a database error's name and code across the thread boundary", async () => {
    // (M1, 2) is journaled already: the unique constraint fails in the worker (libsql's code, as UniqueViolation).
    const err = await storage.appendJournal([entry(2)]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ name: 'UniqueViolation', code: 'SQLITE_CONSTRAINT_UNIQUE' });
    expect((err as Error).message).toMatch(/TradeSignalJournal already exists/);
  });

  it('fails a call the database does not answer in time with a transient timeout error, and keeps working', async () => {
    const url = `file:${join(dir, 'sankey.db')}`;
    const slow = await startWorkerRelayStorage(url, { callTimeoutMs: 300 });
    // Another connection (as the web app would be) holds SQLite's write lock: the worker's write waits in
    // SQLite's busy handler, far longer than the call's deadline.
    const other = await createDb({ url });
    let release!: () => void;
    let locked!: () => void;
    const lockedNow = new Promise<void>((r) => {
      locked = r;
    });
    const holding = other.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe('DELETE FROM outbox WHERE id = -1');
        locked();
        await new Promise<void>((r) => {
          release = r;
        });
      },
      { timeout: 10_000 },
    );
    await lockedNow;
    const t0 = Date.now();
    const err = await slow.appendJournal([entry(10, 'M9')]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ name: 'StorageTimeoutError', code: 'ETIMEDOUT' });
    expect(classifyFailure(err)).toBe('transient');
    expect(Date.now() - t0).toBeLessThan(2000);
    release();
    await holding;
    // The worker is still there: the delayed write lands, and the next calls are answered.
    await expect
      .poll(() => slow.journalLastSeqs(), { timeout: 10_000 })
      .toEqual(
        new Map([
          ['M1', 2],
          ['M9', 10],
        ]),
      );
    await slow.close();
    await other.$disconnect();
  });

  it('treats a journal batch that already landed (a timed-out write, retried) as written, not failed', async () => {
    // The write that timed out in the caller but completed in the worker: (MJ, 5) is in the database.
    await storage.appendJournal([entry(5, 'MJ')]);
    const warnings: string[] = [];
    const log = {
      debug() {},
      info() {},
      error() {},
      warn: (_: object, msg?: string) => warnings.push(msg ?? ''),
    };
    // Its retry: the same sequence number (the clock reads 5 ms, nothing journalled before for MJ).
    const journal = new SignalJournal(storage, new Map(), () => 5, log);
    expect(journal.record(open('MJ').message as TradeSignal, 1, {})).toBe(5);
    await journal.flush();
    expect(journal.unwritten).toBe(0);
    expect(journal.dropped).toBe(0);
    expect(warnings).toEqual(['journal batch was already written']);
    expect(await storage.recentSignals({ masterAccount: 'MJ' })).toHaveLength(1);
  });

  it('fails pending and later calls at once when the worker dies, and reports the crash once', async () => {
    // A worker speaking the same messages that dies on `crash` and never answers `hang`.
    const script = `
      const { parentPort } = require('node:worker_threads');
      parentPort.on('message', (req) => {
        if (req.method === 'crash') process.exit(3);
        if (req.method !== 'hang') parentPort.postMessage({ id: req.id, ok: true, value: req.method });
      });
      parentPort.postMessage({ ready: true });`;
    const crashes: Error[] = [];
    const dying = await startWorkerRelayStorage('unused', {
      spawn: () => new Worker(script, { eval: true }),
      onCrash: (err) => crashes.push(err),
    });
    const untyped = dying as unknown as Record<string, () => Promise<unknown>>;
    expect(await untyped.ping!()).toBe('ping');
    const hanging = untyped.hang!();
    void untyped.crash!().catch(() => {});
    await expect(hanging).rejects.toThrow('database worker exited with code 3');
    const t0 = Date.now();
    await expect(untyped.ping!()).rejects.toThrow('database worker exited with code 3');
    expect(Date.now() - t0).toBeLessThan(100);
    expect(crashes.map((e) => e.message)).toEqual(['database worker exited with code 3']);
    // Closing a dead storage does not hang either.
    await dying.close();
  });

  it('closes only after the calls before it are done, and lets the worker end on its own (not terminated)', async () => {
    // A shutdown hands the worker every queued copy as a dead letter and closes at once. Terminating the thread
    // inside that write could abort the process (libsql's binding panics); the write is finished instead.
    const url = `file:${join(dir, 'sankey.db')}`;
    let worker!: Worker;
    const closing = await startWorkerRelayStorage(url, {
      spawn: () => {
        worker = new Worker(new URL('./storage-worker-entry.mjs', import.meta.url), { workerData: { url } });
        return worker;
      },
    });
    const exitCode = new Promise<number>((resolve) => worker.once('exit', resolve));
    const at = new Date('2026-03-01T00:00:00Z');
    const letters = Array.from({ length: 5000 }, (_, i) => ({
      topic: `trade/MC/S${i % 50}`,
      payload: new Uint8Array(100).fill(i % 256),
      reason: 'shutdown_deadline',
      attempts: 0,
      firstAttemptAt: at,
      lastAttemptAt: at,
      destination: `S${i % 50}`,
      masterAccount: 'MC',
      ticket: String(i),
      action: 'Open',
    }));
    const written = closing.addDeadLetters(letters);
    await closing.close();
    await written;
    expect(await exitCode).toBe(0); // 1 when terminated
    expect(await storage.countDeadLetters()).toBeGreaterThanOrEqual(letters.length);
    expect(
      (await storage.listDeadLetters({ limit: 10_000 })).filter((d) => d.masterAccount === 'MC'),
    ).toHaveLength(letters.length);
  });

  it('rejects a method the storage does not have', async () => {
    const untyped = storage as unknown as { noSuchMethod(): Promise<unknown> };
    await expect(untyped.noSuchMethod()).rejects.toMatchObject({
      name: 'TypeError',
      message: 'RelayStorage has no method noSuchMethod',
    });
  });
});
