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
if (existsSync(pw)) {
  const s = (
    JSON.parse(readFileSync(pw, 'utf8')) as {
      stats?: { expected: number; unexpected: number; skipped: number; flaky: number };
    }
  ).stats;
  if (s) {
    passed += s.expected + s.flaky;
    failed += s.unexpected;
    skipped += s.skipped;
    rows.push(`  ${'tests (chromium)'.padEnd(18)} ${s.expected + s.flaky} passed, ${s.unexpected} failed`);
  }
}
const code = run.status ?? 1;
if (code !== 0 && failed === 0) failed = 1; // a workspace failed before reporting (build, typecheck, crash)
process.stdout.write(
  `\n${rows.join('\n')}\n\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`,
);
process.exit(code);
