// `npm run db:migrate -w @sankey/db`: applies pending migrations to DATABASE_URL (default file:<repo>/data/sankey.db).
import { cliDatabaseUrl } from './env';
import { migrate } from './migrate';

const url = cliDatabaseUrl();
const result = await migrate({ url });
console.log(
  `${result.provider}: applied ${result.applied.length} migration(s)${result.applied.length ? ` (${result.applied.join(', ')})` : ''}, ` +
    `${result.alreadyApplied} already applied, ${result.durationMs} ms`,
);
if (result.checksumMismatches.length)
  console.warn(`changed after applying: ${result.checksumMismatches.join(', ')}`);
