// Prisma CLI config for SQLite: WASM "js" schema engine + libsql adapter, so nothing is downloaded.
// DATABASE_URL is only needed for commands that touch a database (migrate deploy/status, db push).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaLibSQL } from '@prisma/adapter-libsql';
import { defineConfig } from 'prisma/config';
import { databaseUrl } from '../env';

const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: join(here, 'schema.prisma'),
  migrations: { path: join(here, 'migrations') },
  adapter: async () => new PrismaLibSQL({ url: databaseUrl() ?? `file:${join(here, 'dev.db')}` }),
});
