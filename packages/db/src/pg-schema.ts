// Throw-away PostgreSQL schemas (the cluster demo, tests): drop one with everything in it.
import pg from 'pg';
import { quoteIdent } from './urls';

/** Drops `schema` from the database `url` names (the URL's own `?schema=` is ignored). */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  const u = new URL(url);
  u.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: u.toString() });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}
