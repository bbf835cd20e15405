import { defineConfig } from 'vitest/config';

export default defineConfig({
  // scripts/ is no workspace of its own: its unit tests (the supervisor of `npm start`) run here.
  test: {
    include: ['src/**/*.test.ts', '../scripts/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
