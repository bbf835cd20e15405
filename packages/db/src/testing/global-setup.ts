// Vitest global setup: migrate once per run. SQLite: a template file each test file copies. PostgreSQL (when
// TEST_POSTGRES_URL is set): a schema of its own for this run, dropped at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { testPostgresUrl } from '../env';
import { migrate } from '../migrate';
import { parsePostgresUrl, quoteIdent, withPostgresSchema } from '../urls';

declare module 'vitest' {
  export interface ProvidedContext {
    sqliteTemplate: string;
    postgresUrl: string | null;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'sankey-db-test-'));
  const sqliteTemplate = join(dir, 'template.db');
  await migrate({ url: `file:${sqliteTemplate}` });
  project.provide('sqliteTemplate', sqliteTemplate);

  const base = testPostgresUrl();
  let postgresUrl: string | null = null;
  if (base) {
    const schema = `sankey_db_test_${process.pid}_${Date.now()}`;
    postgresUrl = withPostgresSchema(base, schema);
    await migrate({ url: postgresUrl });
  }
  project.provide('postgresUrl', postgresUrl);

  return async () => {
    rmSync(dir, { recursive: true, force: true });
    if (postgresUrl && base) {
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: parsePostgresUrl(base).connectionString });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(parsePostgresUrl(postgresUrl).schema)} CASCADE`);
      await client.end();
    }
  };
}
