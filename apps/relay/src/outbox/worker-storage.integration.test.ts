// The database worker boundary: calls made on the main thread run in the worker over a real SQLite file, and a
// database error arrives with the name and code the caller branches on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '@sankey/db/migrate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const entry = (seq: number): JournalEntry => ({
  masterAccount: 'M1',
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
    // (M1, 2) is journaled already: the unique constraint fails in the worker (Prisma P2002).
    const err = await storage.appendJournal([entry(2)]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ name: 'PrismaClientKnownRequestError', code: 'P2002' });
    expect((err as Error).message).toMatch(/Unique constraint/i);
  });

  it('rejects a method the storage does not have', async () => {
    const untyped = storage as unknown as { noSuchMethod(): Promise<unknown> };
    await expect(untyped.noSuchMethod()).rejects.toMatchObject({
      name: 'TypeError',
      message: 'RelayStorage has no method noSuchMethod',
    });
  });
});
