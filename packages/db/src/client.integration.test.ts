import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDb, openDatabase, providerOf, withTransaction } from './client';
import { defaultMigrationsDir, listMigrations, migrate } from './migrate';
import { withRepositoriesTransaction } from './repositories/index';
import { createOutboxRepository } from './repositories/outbox';
import { createTradeGroupRepository } from './repositories/trade-groups';
import { describeEachDb } from './testing/databases';
import { quoteIdent, withPostgresSchema } from './urls';

const tmp = mkdtempSync(join(tmpdir(), 'sankey-db-client-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('SQLite client', () => {
  it('creates the data directory and file, and turns WAL, busy_timeout and foreign keys on', async () => {
    const dataDir = join(tmp, 'fresh', 'data');
    await migrate({ url: `file:${join(dataDir, 'sankey.db')}` });
    const db = await openDatabase({ dataDir });
    try {
      expect(providerOf(db)).toBe('sqlite');
      expect(await db.$queryRawUnsafe('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
      expect(await db.$queryRawUnsafe('PRAGMA busy_timeout')).toEqual([{ timeout: 5000 }]);
      expect(await db.$queryRawUnsafe('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
      // The libsql client opens a new connection after a transaction: the pragmas must still hold there.
      await withTransaction(db, async (tx) => tx.tradeGroup.count());
      expect(await db.$queryRawUnsafe('PRAGMA busy_timeout')).toEqual([{ timeout: 5000 }]);
      expect(await db.$queryRawUnsafe('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
    } finally {
      await db.$disconnect();
    }
  });

  it('lets two clients share one file: one writes, the other reads', async () => {
    const url = `file:${join(tmp, 'shared.db')}`;
    await migrate({ url });
    const [relay, web] = await Promise.all([createDb({ url }), createDb({ url })]);
    try {
      await createTradeGroupRepository(web).create({ id: 'M1', members: [{ slaveAccount: 'S1' }] });
      expect((await createTradeGroupRepository(relay).get('M1'))?.id).toBe('M1');
      // Concurrent transactions from both clients serialise on the write lock instead of failing.
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          withTransaction(i % 2 ? relay : web, async (tx) => {
            await createTradeGroupRepository(tx).setEnabled('M1', i % 2 === 0);
            await createOutboxRepository(tx).append({
              kind: 'group.toggled',
              tradeGroupId: 'M1',
              payload: { enabled: i % 2 === 0 },
            });
          }),
        ),
      );
      expect((await createTradeGroupRepository(relay).get('M1'))?.configVersion).toBe(11);
      expect(await createOutboxRepository(relay).pending()).toHaveLength(10);
    } finally {
      await Promise.all([relay.$disconnect(), web.$disconnect()]);
    }
  });
});

describe('migrate', () => {
  it('applies the committed migrations once; running it again is a no-op', async () => {
    const url = `file:${join(tmp, 'twice.db')}`;
    const first = await migrate({ url });
    expect(first.applied).toEqual(listMigrations(defaultMigrationsDir('sqlite')).map((m) => m.name));
    const second = await migrate({ url });
    expect(second).toMatchObject({
      applied: [],
      alreadyApplied: first.applied.length,
      checksumMismatches: [],
    });
  });

  it('is safe when several processes migrate the same SQLite file at once', async () => {
    const url = `file:${join(tmp, 'race.db')}`;
    const results = await Promise.all(Array.from({ length: 4 }, () => migrate({ url })));
    expect(results.filter((r) => r.applied.length > 0)).toHaveLength(1);
  });

  const pg = inject('postgresUrl');
  it.skipIf(!pg)(
    'applies, is a no-op the second time and serialises concurrent runs on PostgreSQL',
    async () => {
      const schema = `sankey_db_migrate_${process.pid}_${Date.now()}`;
      const url = withPostgresSchema(pg ?? '', schema);
      try {
        const results = await Promise.all([migrate({ url }), migrate({ url })]);
        // One run applies every committed migration, the other waits for it and finds nothing left.
        const committed = listMigrations(defaultMigrationsDir('postgresql')).length;
        expect(results.map((r) => r.applied.length).sort((a, b) => a - b)).toEqual([0, committed]);
        expect((await migrate({ url })).applied).toEqual([]);
      } finally {
        const db = await createDb({ url: pg ?? '' });
        await db.$executeRawUnsafe(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
        await db.$disconnect();
      }
    },
  );
});

describeEachDb('withTransaction', (ctx) => {
  it('commits a change and its outbox row together', async () => {
    await withRepositoriesTransaction(ctx.db, async (repos) => {
      await repos.tradeGroups.create({ id: 'M1' });
      await repos.outbox.append({ kind: 'group.created', tradeGroupId: 'M1', payload: {} });
    });
    expect(await createTradeGroupRepository(ctx.db).get('M1')).not.toBeNull();
    expect(await createOutboxRepository(ctx.db).pending()).toHaveLength(1);
  });

  it('rolls back both when the function throws: no group, no outbox row', async () => {
    await expect(
      withRepositoriesTransaction(ctx.db, async (repos) => {
        await repos.tradeGroups.create({ id: 'M1' });
        await repos.outbox.append({ kind: 'group.created', tradeGroupId: 'M1', payload: {} });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await createTradeGroupRepository(ctx.db).get('M1')).toBeNull();
    expect(await createOutboxRepository(ctx.db).pending()).toEqual([]);
  });
});
