// The browser tests' environment: the global setup exports the endpoints it started here, Playwright's workers
// (which inherit the environment) read them back. The only e2e file touching process.env (biome: noProcessEnv).

const KEYS = {
  baseUrl: 'SANKEY_E2E_BASE_URL',
  apiToken: 'SANKEY_E2E_API_TOKEN',
  adminPassword: 'SANKEY_E2E_ADMIN_PASSWORD',
  receiverEndpoint: 'SANKEY_E2E_RECEIVER',
  publisherEndpoint: 'SANKEY_E2E_PUBLISHER',
  relayHttp: 'SANKEY_E2E_RELAY_HTTP',
  dataDir: 'SANKEY_E2E_DATA_DIR',
} as const;
export type E2eEnv = Record<keyof typeof KEYS, string>;

/** Called by the global setup once everything is up. */
export function exportE2eEnv(values: E2eEnv): void {
  for (const [key, name] of Object.entries(KEYS)) process.env[name] = values[key as keyof E2eEnv];
}

export function e2eEnv(): E2eEnv {
  return Object.fromEntries(
    Object.entries(KEYS).map(([key, name]) => {
      const v = process.env[name];
      if (!v) throw new Error(`${name} is not set: run through playwright.config.ts (global setup)`);
      return [key, v];
    }),
  ) as E2eEnv;
}

/** The web app's URL for playwright.config.ts: unset while the config is first loaded, before the setup. */
export const e2eBaseUrl = (): string | undefined => process.env[KEYS.baseUrl];

/** The environment the relay and web processes inherit, with `overrides` applied. */
export const childEnv = (overrides: Record<string, string>): Record<string, string | undefined> => ({
  ...process.env,
  ...overrides,
});

/** Runs `fn` with TMPDIR pointed at `dir` (where @sparticuz/chromium unpacks its browser), then restores it. */
export async function withTmpDir<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}

/** The browser's environment: this process's, with `overrides`. */
export function browserEnv(overrides: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return { ...env, ...overrides };
}

/**
 * True the first time in a test run (the runner loads the config, then each worker again): the config says which
 * browser runs the tests once.
 */
export function firstConfigLoad(browserLabel: string): boolean {
  if (process.env.SANKEY_E2E_BROWSER) return false;
  process.env.SANKEY_E2E_BROWSER = browserLabel;
  return true;
}
