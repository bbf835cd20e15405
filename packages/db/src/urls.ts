// Database URL handling shared by the client factory, the migration runner and the Prisma CLI configs.
import { join, resolve } from 'node:path';

export type Provider = 'sqlite' | 'postgresql';

export function providerOfUrl(url: string): Provider {
  if (/^postgres(ql)?:\/\//i.test(url)) return 'postgresql';
  if (url.startsWith('file:')) return 'sqlite';
  throw new Error(`DATABASE_URL must be a file: (SQLite) or postgresql:// URL, got ${JSON.stringify(url)}`);
}

/** Absolute path of the file of a SQLite URL (`file:./x.db`, `file:/abs/x.db`, `file:///abs/x.db`). */
export function sqliteFilePath(url: string): string {
  let path = url.slice('file:'.length).replace(/[?#].*$/, '');
  if (path.startsWith('//')) path = path.slice(2);
  return resolve(decodeURIComponent(path));
}

/** `file:<dataDir>/sankey.db` (docs/architecture.md, Processes, ports and environment). */
export const defaultDatabaseUrl = (dataDir: string): string => `file:${join(resolve(dataDir), 'sankey.db')}`;

/** Splits Prisma's `?schema=` convention off a PostgreSQL URL (default schema `public`). */
export function parsePostgresUrl(url: string): { connectionString: string; schema: string } {
  const u = new URL(url);
  const schema = u.searchParams.get('schema') ?? 'public';
  u.searchParams.delete('schema');
  return { connectionString: u.toString(), schema };
}

/** `url` with `?schema=<schema>` set. */
export function withPostgresSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('schema', schema);
  return u.toString();
}

/** Quotes a PostgreSQL identifier. */
export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
