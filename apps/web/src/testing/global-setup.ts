// Vitest global setup: migrate one SQLite template per run; integration test files copy it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '@sankey/db/migrate';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    sqliteTemplate: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'sankey-web-test-'));
  const sqliteTemplate = join(dir, 'template.db');
  await migrate({ url: `file:${sqliteTemplate}` });
  project.provide('sqliteTemplate', sqliteTemplate);
  return () => rmSync(dir, { recursive: true, force: true });
}
