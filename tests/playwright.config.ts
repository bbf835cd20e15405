// Playwright in Chromium (Debian's or @sparticuz/chromium's, see e2e/browser.ts) against the real web app
// (`next start` of the build) and the real relay, both started by e2e/global-setup.ts on free ports and a
// temporary data directory.
import { defineConfig } from '@playwright/test';
import { e2eBrowser } from './e2e/browser';
import { e2eBaseUrl, firstConfigLoad } from './e2e/env';

const browser = await e2eBrowser();
if (firstConfigLoad(browser.label)) console.log(`e2e: ${browser.label}`);

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  outputDir: './test-results/playwright-artifacts',
  globalSetup: './e2e/global-setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // A whole user flow in a real browser on a 2-core CI machine: the first one took 60 s here on a loaded machine.
  timeout: 180_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: './test-results/playwright.json' }]],
  use: {
    // The global setup exports the web app's URL before any worker starts.
    baseURL: e2eBaseUrl(),
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: browser.executablePath, args: browser.args, env: browser.env },
  },
});
