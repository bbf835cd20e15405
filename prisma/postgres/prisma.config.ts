// Prisma CLI config for PostgreSQL: WASM "js" schema engine + adapter-pg behind the type-id wrapper
// (packages/db/src/pg-cli-adapter.ts), so nothing is downloaded.
// DATABASE_URL (postgresql://...; `?schema=` honoured) is needed for commands that touch a database, including
// `migrate diff --from-migrations` (it creates and drops a shadow database).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';
import { pgCliAdapter } from '../../packages/db/src/pg-cli-adapter';
import { databaseUrl } from '../env';

const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: join(here, 'schema.prisma'),
  migrations: { path: join(here, 'migrations') },
  adapter: async () => pgCliAdapter(databaseUrl() ?? 'postgresql://postgres@127.0.0.1:5432/sankey'),
});
