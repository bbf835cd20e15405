import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Migrates a SQLite template once per run; integration test files copy it.
    globalSetup: ['./src/testing/global-setup.ts'],
  },
});
