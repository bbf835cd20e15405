// Authors the next migration for BOTH providers from the model source (npm run db:migration:new -w @sankey/db -- <name>).
// Uses `prisma migrate diff --from-schema-datamodel <snapshot of the last migration> --to-schema-datamodel
// <current schema> --script`; every migration directory keeps the schema it was made from
// (schema.snapshot.prisma, ignored by Prisma). Why not --from-migrations: with the libsql adapter the SQLite
// shadow database is `:memory:`, and libsql opens a new (empty) connection after each transaction, so the
// replay is lost and the diff recreates everything; `migrate dev` misbehaves with the js engine too.
// PostgreSQL diffs still connect once: DATABASE_URL or TEST_POSTGRES_URL (postgresql://...), default
// postgresql://postgres@127.0.0.1:5432/postgres.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnv, databaseUrl, testPostgresUrl } from './env';

const here = dirname(fileURLToPath(import.meta.url));
const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: new-migration.ts <name>   (lower case letters, digits, _)');
  process.exit(2);
}

execFileSync(process.execPath, ['--import', 'tsx', join(here, 'generate-schemas.ts')], { stdio: 'inherit' });

const stamp = new Date().toISOString().replace(/[-:T]/g, '').replace(/\..*$/, '');
const pgUrl =
  [databaseUrl(), testPostgresUrl()].find((u) => u?.startsWith('postgres')) ??
  'postgresql://postgres@127.0.0.1:5432/postgres';

for (const dir of ['sqlite', 'postgres']) {
  const migrations = join(here, dir, 'migrations');
  const last = readdirSync(migrations, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(migrations, e.name, 'schema.snapshot.prisma')))
    .map((e) => e.name)
    .sort()
    .at(-1);
  const from = last
    ? ['--from-schema-datamodel', join(migrations, last, 'schema.snapshot.prisma')]
    : ['--from-empty'];
  const sql = execFileSync(
    'npx',
    [
      'prisma',
      'migrate',
      'diff',
      '--config',
      join(here, dir, 'prisma.config.ts'),
      ...from,
      '--to-schema-datamodel',
      join(here, dir, 'schema.prisma'),
      '--script',
    ],
    {
      encoding: 'utf8',
      env: childEnv({ DATABASE_URL: dir === 'postgres' ? pgUrl : `file:${join(here, dir, 'dev.db')}` }),
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  if (!/^\s*(CREATE|ALTER|DROP|INSERT|UPDATE|DELETE|PRAGMA)\b/im.test(sql)) {
    console.log(`${dir}: no changes`);
    continue;
  }
  const target = join(migrations, `${stamp}_${name}`, 'migration.sql');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, sql);
  copyFileSync(join(here, dir, 'schema.prisma'), join(dirname(target), 'schema.snapshot.prisma'));
  console.log(`${dir}: wrote ${target}`);
}
