// packages/db's environment: the migration CLI's target database and the tests' PostgreSQL server. The only
// file of the package that reads process.env (biome: noProcessEnv); the apps pass URLs in explicitly.
import { fileURLToPath } from 'node:url';
import { resolveDataDir } from '@sankey/shared/data-dir';
import { defaultDatabaseUrl } from './urls';

const get = (name: string): string | undefined => process.env[name] || undefined;

/** `npm run db:migrate`'s target: DATABASE_URL, else `file:<data dir>/sankey.db` (docs/architecture.md, Processes, ports and environment). */
export function cliDatabaseUrl(): string {
  return (
    get('DATABASE_URL') ??
    defaultDatabaseUrl(resolveDataDir(get('SANKEY_DATA_DIR'), fileURLToPath(new URL('.', import.meta.url))))
  );
}

/** A PostgreSQL server URL for tests (TEST_POSTGRES_URL); undefined runs them on SQLite only. */
export function testPostgresUrl(): string | undefined {
  return get('TEST_POSTGRES_URL');
}
