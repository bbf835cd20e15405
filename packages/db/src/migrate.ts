// Applies the committed migrations (prisma/<provider>/migrations/*/migration.sql) at process start.
// A small runner instead of `prisma migrate deploy` in a child process: it needs no schema engine, takes
// milliseconds instead of 1.5 s (SQLite) / 11 s (PostgreSQL), and is safe when relay and web start at once.
// It records applied migrations in `_prisma_migrations` exactly like Prisma (same table, sha256 checksum of
// the file), so `prisma migrate status|deploy` and this runner agree with each other.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaLibSQL } from '@prisma/adapter-libsql';
import { MigrationError } from './errors';
import { withFileLock } from './sqlite-lock';
import { type Provider, parsePostgresUrl, providerOfUrl, quoteIdent, sqliteFilePath } from './urls';

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateOptions {
  url: string;
  /** Defaults to prisma/sqlite/migrations or prisma/postgres/migrations of this repository. */
  migrationsDir?: string;
  /** How long to wait for another process that is migrating the same database (ms). */
  lockTimeoutMs?: number;
}

export interface MigrateResult {
  provider: Provider;
  /** Names of the migrations applied by this call, in order. */
  applied: string[];
  /** Number of migrations that were already applied. */
  alreadyApplied: number;
  /** Applied migrations whose file changed since (reported, not fatal — e.g. CRLF checkouts). */
  checksumMismatches: string[];
  durationMs: number;
}

const PROVIDER_DIR: Record<Provider, string> = { sqlite: 'sqlite', postgresql: 'postgres' };

export const defaultMigrationsDir = (provider: Provider): string =>
  fileURLToPath(new URL(`../../../prisma/${PROVIDER_DIR[provider]}/migrations`, import.meta.url));

/** The committed migrations in apply order (directory name order, as Prisma does). */
export function listMigrations(dir: string): Migration[] {
  if (!existsSync(dir)) throw new MigrationError(`migrations directory not found: ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'migration.sql')))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const bytes = readFileSync(join(dir, name, 'migration.sql'));
      return {
        name,
        sql: bytes.toString('utf8'),
        checksum: createHash('sha256').update(bytes).digest('hex'),
      };
    });
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

function plan(migrations: Migration[], rows: AppliedRow[]) {
  const failed = rows.find((r) => r.finished_at === null && r.rolled_back_at === null);
  if (failed) {
    throw new MigrationError(
      `migration ${failed.migration_name} failed earlier and was not marked as rolled back; fix the database, then ` +
        `run "prisma migrate resolve --rolled-back ${failed.migration_name}" (see docs/database.md)`,
    );
  }
  const applied = new Map(
    rows.filter((r) => r.finished_at !== null && r.rolled_back_at === null).map((r) => [r.migration_name, r]),
  );
  const checksumMismatches = migrations
    .filter((m) => applied.has(m.name) && applied.get(m.name)?.checksum !== m.checksum)
    .map((m) => m.name);
  return {
    pending: migrations.filter((m) => !applied.has(m.name)),
    alreadyApplied: migrations.length - migrations.filter((m) => !applied.has(m.name)).length,
    checksumMismatches,
  };
}

const SQLITE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

const PG_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/** Prisma's timestamp format in SQLite's _prisma_migrations. */
const sqliteNow = () => new Date().toISOString().replace('Z', '+00:00');

/**
 * SQLite: everything in one `BEGIN IMMEDIATE` transaction, so a second process waits (busy_timeout) and then
 * finds nothing to do, and a failing migration leaves the database unchanged. Foreign keys are switched off on
 * this connection (it must happen outside the transaction): Prisma's table-redefining migrations drop and
 * recreate tables, which with foreign keys on would cascade-delete child rows. `foreign_key_check` runs
 * before the commit instead.
 */
async function migrateSqlite(url: string, migrations: Migration[], lockTimeoutMs: number) {
  const file = sqliteFilePath(url);
  mkdirSync(dirname(file), { recursive: true });
  return withFileLock(file, async () => {
    const client = new PrismaLibSQL({ url: `file:${file}` }).createClient({ url: `file:${file}` });
    try {
      for (const pragma of [`busy_timeout = ${lockTimeoutMs}`, 'journal_mode = WAL', 'foreign_keys = OFF']) {
        await client.execute(`PRAGMA ${pragma}`);
      }
      const tx = await client.transaction('write');
      try {
        await tx.execute(SQLITE_MIGRATIONS_TABLE);
        const rows = (await tx.execute('SELECT * FROM "_prisma_migrations"')).rows as unknown as AppliedRow[];
        const p = plan(migrations, rows);
        for (const m of p.pending) {
          const id = randomUUID();
          await tx.execute({
            sql: 'INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at") VALUES (?, ?, ?, ?)',
            args: [id, m.checksum, m.name, sqliteNow()],
          });
          try {
            await tx.executeMultiple(m.sql);
          } catch (err) {
            throw new MigrationError(`migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
          }
          await tx.execute({
            sql: 'UPDATE "_prisma_migrations" SET "finished_at" = ?, "applied_steps_count" = 1 WHERE "id" = ?',
            args: [sqliteNow(), id],
          });
        }
        if (p.pending.length > 0) {
          const violations = (await tx.execute('PRAGMA foreign_key_check')).rows;
          if (violations.length > 0) {
            throw new MigrationError(
              `migrations leave foreign key violations: ${JSON.stringify(violations)}`,
            );
          }
        }
        await tx.commit();
        // Fold the WAL into the main file, so the file alone is complete (backups, copied test templates).
        if (p.pending.length > 0) await client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
        return p;
      } catch (err) {
        await tx.rollback().catch(() => {});
        throw err;
      } finally {
        tx.close();
      }
    } finally {
      client.close();
    }
  });
}

/**
 * PostgreSQL: a session advisory lock serialises concurrent runners; each migration runs in its own
 * transaction (DDL is transactional), so a failure leaves no half-applied migration. `?schema=` selects
 * (and creates) the schema.
 */
async function migratePostgres(url: string, migrations: Migration[], lockTimeoutMs: number) {
  const { default: pg } = await import('pg');
  const { connectionString, schema } = parsePostgresUrl(url);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(`SET lock_timeout = ${Math.max(1, Math.floor(lockTimeoutMs))}`);
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`sankey-migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await client.query(`SET search_path TO ${quoteIdent(schema)}`);
    await client.query(PG_MIGRATIONS_TABLE);
    const rows = (await client.query<AppliedRow>('SELECT * FROM "_prisma_migrations"')).rows;
    const p = plan(migrations, rows);
    for (const m of p.pending) {
      await client.query('BEGIN');
      try {
        const id = randomUUID();
        await client.query(
          'INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at") VALUES ($1, $2, $3, now())',
          [id, m.checksum, m.name],
        );
        await client.query(m.sql);
        await client.query(
          'UPDATE "_prisma_migrations" SET "finished_at" = now(), "applied_steps_count" = 1 WHERE "id" = $1',
          [id],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw new MigrationError(`migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
      }
    }
    return p;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Applies the pending committed migrations to the database at `url`. Idempotent and safe to call from several
 * processes at once; the relay, `npm start` and test global setups call it once at start.
 */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const started = performance.now();
  const provider = providerOfUrl(options.url);
  const migrations = listMigrations(options.migrationsDir ?? defaultMigrationsDir(provider));
  const lockTimeoutMs = options.lockTimeoutMs ?? 60_000;
  const p =
    provider === 'sqlite'
      ? await migrateSqlite(options.url, migrations, lockTimeoutMs)
      : await migratePostgres(options.url, migrations, lockTimeoutMs);
  return {
    provider,
    applied: p.pending.map((m) => m.name),
    alreadyApplied: p.alreadyApplied,
    checksumMismatches: p.checksumMismatches,
    durationMs: Math.round(performance.now() - started),
  };
}
