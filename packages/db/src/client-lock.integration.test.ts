// Another process holds the SQLite write lock for a while (a backup tool, a sqlite3 shell): our writes fail with a
// busy/timeout error meanwhile, and once the other process lets go the client must not be the one holding the lock.
// Before the fix a COMMIT that failed ("cannot commit transaction - SQL statements in progress") left its
// transaction open, so the relay kept the write lock until restarted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, withTransaction } from './client';
import { asDatabaseUnavailable } from './errors';
import { migrate } from './migrate';
import { createRepositories } from './repositories/index';
import { holdSqliteLock } from './testing/sqlite-lock-holder';

const tmp = mkdtempSync(join(tmpdir(), 'sankey-db-lock-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Whether a separate connection can take the write lock right now (no waiting). */
function otherProcessCanWrite(file: string): boolean {
  const other = new Database(file);
  try {
    other.prepare('PRAGMA busy_timeout = 0').get();
    other.exec('BEGIN IMMEDIATE');
    other.exec('ROLLBACK');
    return true;
  } catch {
    return false;
  } finally {
    other.close();
  }
}

describe('SQLite client while another process holds the lock', () => {
  it('fails with a database-unavailable error meanwhile and holds no lock once the other process lets go', async () => {
    const file = join(tmp, 'locked.db');
    const url = `file:${file}`;
    await migrate({ url });
    const db = await createDb({ url, sqliteBusyTimeoutMs: 1000 });
    const repos = createRepositories(db);
    try {
      await repos.tradeGroups.create({ id: 'M1', members: [{ slaveAccount: 'S1' }] });
      expect(await db.$queryRawUnsafe('PRAGMA busy_timeout')).toEqual([{ timeout: 1000 }]);
      const lock = await holdSqliteLock(file, 6000);
      const failures: unknown[] = [];
      let seq = 0;
      // The relay's kinds of writes: journal batches (createMany: an internal transaction), status updates and
      // interactive transactions, attempted over and over while the lock is held and a little after.
      while (Date.now() - lock.lockedAt < 7000) {
        const s = ++seq;
        const row = {
          masterAccount: 'M1',
          seq: s,
          receivedAt: new Date(),
          action: 'Open',
          ticket: String(s),
        };
        const attempts = [
          repos.signalJournal.appendBatch([{ ...row, symbol: 'EURUSD', payload: {} }]),
          repos.members.setStatus('M1', 'S1', s % 3),
          withTransaction(db, (tx) =>
            tx.tradeGroup.update({ where: { id: 'M1' }, data: { configVersion: { increment: 1 } } }),
          ),
        ];
        for (const r of await Promise.allSettled(attempts))
          if (r.status === 'rejected') failures.push(r.reason);
        await new Promise((r) => setTimeout(r, 100));
      }
      await lock.released;
      // Released: within a second nobody holds the lock, and our own writes go through again.
      await new Promise((r) => setTimeout(r, 1000));
      expect(otherProcessCanWrite(file)).toBe(true);
      await expect(repos.members.setStatus('M1', 'S1', 2)).resolves.toBe(true);
      await withTransaction(db, (tx) =>
        tx.tradeGroup.update({ where: { id: 'M1' }, data: { enabled: false } }),
      );
      expect(otherProcessCanWrite(file)).toBe(true);

      // What failed meanwhile is recognisably "the database is unavailable", not a generic error.
      expect(failures.length).toBeGreaterThan(0);
      for (const err of failures) expect(asDatabaseUnavailable(err), String(err)).not.toBeNull();
    } finally {
      await db.$disconnect();
    }
  }, 60_000);
});
