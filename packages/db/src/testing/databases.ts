// Runs a suite against every configured database: a copy of the migrated SQLite template, and PostgreSQL
// when TEST_POSTGRES_URL is set. Tables are emptied before each test.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, inject } from 'vitest';
import { createDb, type Db, type Provider } from '../client';

const TABLES = [
  'trade_group_members',
  'trade_groups',
  'global_settings',
  'outbox',
  'admin_credentials',
  'admin_sessions',
  'dead_letters',
  'trade_signal_journal',
  'delivery_ledger',
  'delivery_seq',
  'parked_frames',
  'change_history',
  'blocked_eas',
  'member_aliases',
];

export interface TestDb {
  db: Db;
  url: string;
  provider: Provider;
  /** A temporary directory for this suite (SQLite files etc.). */
  dir: string;
}

export function databases(): { provider: Provider; url: (dir: string) => string }[] {
  const list: { provider: Provider; url: (dir: string) => string }[] = [
    {
      provider: 'sqlite',
      url: (dir) => {
        const file = join(dir, 'suite.db');
        copyFileSync(inject('sqliteTemplate'), file);
        return `file:${file}`;
      },
    },
  ];
  const pg = inject('postgresUrl');
  if (pg) list.push({ provider: 'postgresql', url: () => pg });
  return list;
}

export async function truncateAll(db: Db, provider: Provider): Promise<void> {
  if (provider === 'postgresql') {
    await db.$executeRawUnsafe(
      `TRUNCATE TABLE ${TABLES.map((t) => `"${t}"`).join(', ')} RESTART IDENTITY CASCADE`,
    );
  } else {
    for (const t of TABLES) await db.$executeRawUnsafe(`DELETE FROM "${t}"`);
    await db.$executeRawUnsafe(`DELETE FROM sqlite_sequence`);
  }
}

/** `describe` once per database; `fn` gets a context whose `db` is open and empty in each test. */
export function describeEachDb(name: string, fn: (ctx: TestDb) => void): void {
  for (const d of databases()) {
    describe(`${name} [${d.provider}]`, () => {
      const ctx = { provider: d.provider } as TestDb;
      beforeAll(async () => {
        ctx.dir = mkdtempSync(join(tmpdir(), 'sankey-db-suite-'));
        ctx.url = d.url(ctx.dir);
        ctx.db = await createDb({ url: ctx.url });
      });
      beforeEach(() => truncateAll(ctx.db, ctx.provider));
      afterAll(async () => {
        await ctx.db?.$disconnect();
        if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true });
      });
      fn(ctx);
    });
  }
}
