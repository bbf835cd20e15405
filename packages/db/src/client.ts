// The Prisma client factory: one API for SQLite (default, a file shared by relay and web) and PostgreSQL.
// Both generated clients come from the same model source, so they have the same model API; `Db` is the
// SQLite client's type and the PostgreSQL client is exposed under it.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PrismaLibSQL } from '@prisma/adapter-libsql';
import type { Prisma, PrismaClient } from '../generated/sqlite/client';
import { acquireFileLock, withFileLock } from './sqlite-lock';
import { defaultDatabaseUrl, type Provider, parsePostgresUrl, providerOfUrl, sqliteFilePath } from './urls';

export { defaultDatabaseUrl, type Provider, providerOfUrl, sqliteFilePath } from './urls';

export type Db = PrismaClient;
/** The client inside `withTransaction` / `$transaction(fn)`. */
export type DbTx = Prisma.TransactionClient;
/** Anything repositories can run queries on: the client or a transaction client. */
export type DbClient = Db | DbTx;
/** SQLite's default busy_timeout: how long a statement waits for another process's write lock (ms). */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;
/**
 * Per-connection SQLite settings. journal_mode=WAL is persistent in the file; the others are not. libsql waits for
 * a lock synchronously, blocking its thread for up to `busyTimeoutMs`: processes pass their own bound (the relay's
 * database worker 1 s, the web 3 s; docs/database.md).
 */
const sqlitePragmas = (busyTimeoutMs: number) => [
  `PRAGMA busy_timeout = ${busyTimeoutMs}`,
  'PRAGMA journal_mode = WAL',
  'PRAGMA foreign_keys = ON',
  'PRAGMA synchronous = NORMAL',
];

type LibsqlConfig = ConstructorParameters<typeof PrismaLibSQL>[0];
type LibsqlClient = ReturnType<PrismaLibSQL['createClient']>;
type InStatement = Parameters<LibsqlClient['execute']>[0];

/** A failure that says nothing about the connection (a constraint or a bad statement): the connection is kept. */
const keepsConnection = (err: unknown) => {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT');
};

/**
 * Wraps the libsql client of one SQLite file:
 * - The libsql client opens a new connection after every transaction (the old one belongs to the transaction),
 *   so per-connection pragmas (busy_timeout!) would silently be lost: they are applied to every new connection.
 * - Prisma's `BEGIN DEFERRED` becomes `BEGIN IMMEDIATE`, so a transaction that reads before it writes waits
 *   for the write lock (busy_timeout) instead of failing with SQLITE_BUSY when another process wrote meanwhile.
 * - Every statement and transaction holds the process-wide lock of the file (sqlite-lock.ts), so several
 *   clients of one file in one process queue instead of blocking the thread in SQLite's busy handler.
 * - A connection never outlives a failure in a state that holds a lock: a failed COMMIT is rolled back (libsql
 *   leaves the transaction open, and with it the file's write lock, for good: after another process had held the
 *   lock, "cannot commit transaction - SQL statements in progress" kept every writer out until a restart), and a
 *   statement that failed for any reason but a constraint retires the client's connection for a fresh one.
 */
function wrapLibsqlClient(
  create: () => LibsqlClient,
  file: string,
  pragmas: readonly string[],
): LibsqlClient {
  let client = create();
  let fresh = true;
  const ensurePragmas = async () => {
    if (!fresh) return;
    fresh = false;
    // One at a time: some pragmas return a row, which executeMultiple rejects.
    for (const pragma of pragmas) await client.execute(pragma);
  };
  const retire = () => {
    const old = client;
    try {
      old.close();
    } catch {
      // Closing a connection that failed may fail too; it is dropped either way.
    }
    client = create();
    fresh = true;
  };
  return new Proxy(client, {
    get(_target, prop) {
      const target = client;
      const value = Reflect.get(target, prop, target);
      if (prop === 'transaction') {
        return async (mode?: 'write' | 'read' | 'deferred') => {
          const release = await acquireFileLock(file);
          try {
            await ensurePragmas();
            const tx = await target.transaction(mode === undefined || mode === 'deferred' ? 'write' : mode);
            fresh = true;
            return releasingOnEnd(tx, release);
          } catch (err) {
            if (!keepsConnection(err)) retire();
            release();
            throw err;
          }
        };
      }
      if (prop === 'execute' || prop === 'batch' || prop === 'executeMultiple' || prop === 'migrate') {
        return (...args: unknown[]) =>
          withFileLock(file, async () => {
            await ensurePragmas();
            const current = client;
            try {
              return await (Reflect.get(current, prop, current) as (...a: unknown[]) => unknown).apply(
                current,
                args,
              );
            } catch (err) {
              if (!keepsConnection(err) && client === current) retire();
              throw err;
            }
          });
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

type LibsqlTx = Awaited<ReturnType<LibsqlClient['transaction']>>;

/** Ends the transaction whatever state it is in; `close()` rolls back if the connection is still inside it. */
function abandon(tx: LibsqlTx): void {
  try {
    tx.close();
  } catch {
    // Nothing more can be done from here; the connection belongs to this transaction only.
  }
}

function releasingOnEnd(tx: LibsqlTx, release: () => void): LibsqlTx {
  return new Proxy(tx, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop === 'commit') {
        return async () => {
          try {
            return await (value as () => Promise<void>).call(target);
          } catch (err) {
            // A failed COMMIT leaves the transaction (and the write lock) open: roll it back.
            try {
              await target.rollback();
            } catch {
              abandon(target);
            }
            throw err;
          } finally {
            release();
          }
        };
      }
      if (prop === 'rollback') {
        return async () => {
          try {
            return await (value as () => Promise<void>).call(target);
          } catch (err) {
            abandon(target);
            throw err;
          } finally {
            release();
          }
        };
      }
      if (prop === 'close') {
        return () => {
          try {
            (value as () => void).call(target);
          } finally {
            release();
          }
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

class SankeyLibSQL extends PrismaLibSQL {
  private direct: LibsqlClient | null = null;
  constructor(
    private readonly file: string,
    private readonly pragmas: readonly string[],
  ) {
    super({ url: `file:${file}` });
  }
  override createClient(config: LibsqlConfig): LibsqlClient {
    return wrapLibsqlClient(() => super.createClient(config), this.file, this.pragmas);
  }
  /** A connection of its own for `driverExecutor` (opened on first use), under the same pragmas and file lock. */
  directClient(): LibsqlClient {
    this.direct ??= this.createClient({ url: `file:${this.file}` });
    return this.direct;
  }
  closeDirect(): void {
    this.direct?.close();
    this.direct = null;
  }
}

/** A libsql adapter factory for `url` with our per-connection pragmas (also used by the migration runner). */
export function sqliteAdapter(url: string, busyTimeoutMs = SQLITE_BUSY_TIMEOUT_MS): PrismaLibSQL {
  const file = sqliteFilePath(url);
  mkdirSync(dirname(file), { recursive: true });
  return new SankeyLibSQL(file, sqlitePragmas(busyTimeoutMs));
}

const providers = new WeakMap<object, Provider>();

/**
 * Runs one statement straight on the database driver, past Prisma: `?` placeholders on SQLite, `$1`… on
 * PostgreSQL; resolves to the rows changed. For hot bulk writes only (the relay's delivery ledger): Prisma's raw
 * query path costs more CPU per parameter than the database spends on the row (BENCHMARKS.md). Errors are the
 * driver's own (`asDatabaseUnavailable` classifies them like Prisma's).
 */
export type DriverExecutor = (sql: string, args: unknown[]) => Promise<number>;
const driverExecutors = new WeakMap<object, DriverExecutor>();

/** The driver executor of a client made by `createDb`; none for a transaction client (use its own methods). */
export const driverExecutor = (client: DbClient): DriverExecutor | undefined => driverExecutors.get(client);

export const providerOf = (db: Db): Provider => providers.get(db) ?? 'sqlite';

/**
 * The provider behind any client, a transaction's included (the WeakMap above only knows the top-level clients):
 * Prisma's generated clients carry it as `_activeProvider`, and transaction clients inherit it.
 */
export function providerOfClient(client: DbClient): Provider {
  const active = (client as unknown as { _activeProvider?: unknown })._activeProvider;
  return active === 'postgresql' ? 'postgresql' : 'sqlite';
}

export interface CreateDbOptions {
  /** PostgreSQL: connections in the pool (DATABASE_POOL_SIZE, default 10). */
  poolSize?: number;
  /** PostgreSQL: an idle connection failed (logged by the caller; the pool replaces it). */
  onPoolError?: (err: Error) => void;
  url: string;
  /** Prisma log levels, e.g. ['query'] while debugging. */
  log?: Prisma.LogLevel[];
  /** SQLite: how long a statement waits for another process's lock before SQLITE_BUSY (default 5 s). */
  sqliteBusyTimeoutMs?: number;
  /** PostgreSQL: how long opening a connection may take (default 5 s), so a cut network fails fast. */
  connectTimeoutMs?: number;
}

/** PostgreSQL: a connection that cannot be opened within this long fails (the server or the network is away). */
export const POSTGRES_CONNECT_TIMEOUT_MS = 5000;

/**
 * Opens a client for `url` (provider chosen by the URL). SQLite: creates the directory and file if missing and
 * sets WAL, busy_timeout, foreign_keys on every connection. PostgreSQL: `?schema=` selects the schema.
 * Does not migrate: call `migrate()` first (once per process start).
 */
export async function createDb(options: CreateDbOptions): Promise<Db> {
  const provider = providerOfUrl(options.url);
  let db: Db;
  if (provider === 'sqlite') {
    const { PrismaClient } = await import('../generated/sqlite/client');
    const adapter = sqliteAdapter(options.url, options.sqliteBusyTimeoutMs) as SankeyLibSQL;
    db = new PrismaClient({ adapter, log: options.log ?? [] });
    driverExecutors.set(db, async (sql, args) => {
      const r = await adapter.directClient().execute({ sql, args } as InStatement);
      return r.rowsAffected;
    });
    const disconnect = db.$disconnect.bind(db);
    db.$disconnect = async () => {
      adapter.closeDirect();
      await disconnect();
    };
  } else {
    const [{ PrismaClient }, { PrismaPg }, { default: pg }] = await Promise.all([
      import('../generated/postgres/client'),
      import('@prisma/adapter-pg'),
      import('pg'),
    ]);
    const { connectionString, schema } = parsePostgresUrl(options.url);
    // Our own pool, so that a connection dropped while idle (server restart, network cut) is an event we log, not
    // an unhandled 'error' that ends the process; the next query reconnects.
    const pool = new pg.Pool({
      connectionString,
      // search_path too, so raw queries see the same schema as the model API.
      options: `-c search_path=${schema}`,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? POSTGRES_CONNECT_TIMEOUT_MS,
    });
    pool.on('error', (err) => options.onPoolError?.(err));
    const client = new PrismaClient({
      adapter: new PrismaPg(pool, { schema }),
      log: options.log ?? [],
    });
    db = client as unknown as Db;
    driverExecutors.set(db, async (sql, args) => (await pool.query(sql, args)).rowCount ?? 0);
  }
  await db.$connect();
  providers.set(db, provider);
  return db;
}

/** `createDb` with the spec's default URL: `DATABASE_URL` if given, else `file:<dataDir>/sankey.db`. */
export function openDatabase(options: {
  url?: string | undefined;
  dataDir: string;
  log?: Prisma.LogLevel[];
  poolSize?: number;
  onPoolError?: (err: Error) => void;
  sqliteBusyTimeoutMs?: number;
}) {
  return createDb({
    url: options.url ?? defaultDatabaseUrl(options.dataDir),
    log: options.log ?? [],
    ...(options.poolSize !== undefined && { poolSize: options.poolSize }),
    ...(options.onPoolError && { onPoolError: options.onPoolError }),
    ...(options.sqliteBusyTimeoutMs !== undefined && { sqliteBusyTimeoutMs: options.sqliteBusyTimeoutMs }),
  });
}

export interface TransactionOptions {
  /** How long to wait for a connection / the SQLite write lock (ms). */
  maxWait?: number;
  /** How long the transaction may run (ms). */
  timeout?: number;
}

/**
 * Runs `fn` in one interactive transaction: commits when it resolves, rolls back when it throws. Services use
 * it (through `withRepositoriesTransaction` in repositories/index.ts) to write a change and its outbox row
 * atomically: repositories created over `tx` join the transaction.
 */
export function withTransaction<T>(db: Db, fn: (tx: DbTx) => Promise<T>, options: TransactionOptions = {}) {
  return db.$transaction(fn, { maxWait: options.maxWait ?? 10_000, timeout: options.timeout ?? 15_000 });
}

/**
 * Runs `fn` in `tx` when the caller already has a transaction, else in a new one. Repositories use it for
 * multi-statement operations so they are atomic either way.
 */
export function inTransaction<T>(client: DbClient, fn: (tx: DbTx) => Promise<T>): Promise<T> {
  return typeof (client as Partial<Db>).$transaction === 'function'
    ? withTransaction(client as Db, fn)
    : fn(client);
}
