// `npm test`: every workspace's tests through turbo, then one closing line summing all of them.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { childEnv, repoRoot as root } from './env';

const workspaces = [
  'packages/shared',
  'packages/db',
  'packages/ea-sim',
  'core-as',
  'apps/relay',
  'apps/web',
  'tests',
  'bench',
];
const reportOf = (ws: string) => join(root, ws, 'test-results', 'vitest.json');

// Stale reports must not be counted: turbo restores the reports of cached tasks from its cache.
for (const ws of workspaces) rmSync(join(root, ws, 'test-results'), { recursive: true, force: true });

const run = spawnSync('npx', ['turbo', 'run', 'test', '--concurrency=1', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: childEnv({ TURBO_TELEMETRY_DISABLED: '1' }),
});

let passed = 0;
let failed = 0;
let skipped = 0;
const rows: string[] = [];
for (const ws of workspaces) {
  const file = reportOf(ws);
  if (!existsSync(file)) continue;
  const r = JSON.parse(readFileSync(file, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
  rows.push(`  ${ws.padEnd(18)} ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
}
const pw = join(root, 'tests', 'test-results', 'playwright.json');
const pwReport = existsSync(pw)
  ? (JSON.parse(readFileSync(pw, 'utf8')) as {
      stats?: { expected: number; unexpected: number; skipped: number; flaky: number };
      errors?: unknown[];
    })
  : undefined;
if (pwReport?.stats) {
  const s = pwReport.stats;
  // Errors outside any test (config, global setup) come with no test counted at all.
  const errors = pwReport.errors?.length ?? 0;
  passed += s.expected + s.flaky;
  failed += s.unexpected + errors;
  skipped += s.skipped;
  rows.push(
    `  ${'tests (playwright)'.padEnd(18)} ${s.expected + s.flaky} passed, ${s.unexpected} failed${errors ? `, ${errors} errors outside tests` : ''}`,
  );
} else if (existsSync(reportOf('tests'))) {
  // The browser tests run after the tests workspace's vitest; no report means they never ran (a vitest failure,
  // or the Playwright config failed to load), which must not read as a pass.
  failed += 1;
  rows.push(`  ${'tests (playwright)'.padEnd(18)} did not report (see its output above)`);
}
const code = run.status ?? 1;
if (code !== 0 && failed === 0) failed = 1; // a workspace failed before reporting (build, typecheck, crash)
process.stdout.write(
  `\n${rows.join('\n')}\n\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`,
);
process.exit(failed > 0 && code === 0 ? 1 : code);
