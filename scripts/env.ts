// The scripts' environment (`npm start`, `npm run demo`, `npm test`): the only file under scripts/ that reads
// process.env (biome: noProcessEnv). Empty values count as unset, as shells and .env files produce them.
import { resolve } from 'node:path';
import { resolveDataDir } from '@sankey/shared/data-dir';
import { DEFAULT_PORTS } from '@sankey/shared/defaults';

export const repoRoot = resolve(import.meta.dirname, '..');

const get = (name: string): string | undefined => process.env[name] || undefined;

export const scriptEnv = {
  dataDir: resolveDataDir(get('SANKEY_DATA_DIR'), repoRoot),
  /** Undefined: `file:<dataDir>/sankey.db`. */
  databaseUrl: get('DATABASE_URL'),
  apiToken: get('SANKEY_API_TOKEN'),
  webPort: Number(get('PORT') ?? DEFAULT_PORTS.web),
  relayUrl: get('SANKEY_RELAY_URL'),
  /** `npm run demo -- --cluster`: the NATS server the two demo relays meet on. */
  natsUrl: get('SANKEY_NATS_URL') ?? 'nats://127.0.0.1:4222',
  /** …and how the relays authenticate to it; the demo's clean-up connects the same way. */
  natsAuth: {
    token: get('SANKEY_NATS_TOKEN'),
    credsFile: get('SANKEY_NATS_CREDS'),
    tlsCaFile: get('SANKEY_NATS_TLS_CA'),
  },
  /** `npm run demo`: Demo_Slave_C goes away every … ms for … ms (tests shorten both), and the master trades every … ms. */
  demoAwayEveryMs: Number(get('SANKEY_DEMO_AWAY_EVERY_MS') ?? 60_000),
  demoAwayMs: Number(get('SANKEY_DEMO_AWAY_MS') ?? 20_000),
  demoTradeEveryMs: Number(get('SANKEY_DEMO_TRADE_EVERY_MS') ?? 2_000),
  /** The relay's graceful-shutdown deadline; `npm start` kills a child still running 5 s after it. */
  shutdownDeadlineMs: Number(get('SANKEY_SHUTDOWN_DEADLINE_MS') ?? 30_000),
};

/** The environment a child process inherits: `defaults`, overridden by ours, overridden by `overrides`. */
export function childEnv(
  overrides: Record<string, string>,
  defaults: Record<string, string> = {},
): Record<string, string | undefined> {
  return { ...defaults, ...process.env, ...overrides };
}
