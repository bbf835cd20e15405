// `npm run start|dev -w @sankey/web` runs this first: applies pending migrations (unless SANKEY_SKIP_MIGRATE=1,
// set by the root `npm start`, which has already done so). Lives outside the Next bundle on purpose.
import { migrate } from '@sankey/db/migrate';
import { defaultDatabaseUrl } from '@sankey/db/urls';
import { EnvError, env } from '../src/server/env';

try {
  const e = env();
  if (e.migrate) {
    const url = e.databaseUrl ?? defaultDatabaseUrl(e.dataDir);
    const result = await migrate({ url });
    if (result.applied.length > 0) process.stdout.write(`migrations applied: ${result.applied.join(', ')}\n`);
  }
} catch (err) {
  process.stderr.write(`${err instanceof EnvError ? err.message : String(err)}\n`);
  process.exit(err instanceof EnvError ? 2 : 1);
}
