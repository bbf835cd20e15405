import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Migrates a SQLite template and (with TEST_POSTGRES_URL) a fresh PostgreSQL schema once per run.
    globalSetup: ['./src/testing/global-setup.ts'],
    // Test files share the run's PostgreSQL schema and truncate it between tests, so they run one at a time.
    fileParallelism: false,
  },
});
