// `npm run db:migrate -w @sankey/db`: applies pending migrations to DATABASE_URL (default file:<repo>/data/sankey.db).
import { fileURLToPath } from 'node:url';
import { migrate } from './migrate';
import { defaultDatabaseUrl } from './urls';

const url =
  process.env['DATABASE_URL'] ??
  defaultDatabaseUrl(
    process.env['SANKEY_DATA_DIR'] ?? fileURLToPath(new URL('../../../data', import.meta.url)),
  );
const result = await migrate({ url });
console.log(
  `${result.provider}: applied ${result.applied.length} migration(s)${result.applied.length ? ` (${result.applied.join(', ')})` : ''}, ` +
    `${result.alreadyApplied} already applied, ${result.durationMs} ms`,
);
if (result.checksumMismatches.length)
  console.warn(`changed after applying: ${result.checksumMismatches.join(', ')}`);
