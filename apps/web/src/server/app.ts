// Composition root: builds the database client, the relay client and the services from the parsed env, once per
// process. Start-up work (generated secrets printed once, the admin password hash) happens here.

import { type Db, openDatabase } from '@sankey/db/client';
import { loadOrCreateApiToken, readRuntimeInfo } from '@sankey/db/data-dir';
import { createRepositories } from '@sankey/db/repositories/index';
import { defaultDatabaseUrl } from '@sankey/db/urls';
import type { EnvOverride } from '@sankey/shared/api/views';
import { type ApiTokenHolder, createApiTokenHolder } from './api-token';
import { env as processEnv, type WebEnv } from './env';
import { type Clock, createLogger, type Logger, systemClock } from './logger';
import { createHttpRelayClient, type RelayClient } from './relay-client';
import { type AuthService, createAuthService } from './services/auth';
import { type ChangeService, createChangeService } from './services/changes';
import { type ConnectionService, createConnectionService } from './services/connections';
import { createDeliveryService, type DeliveryService } from './services/deliveries';
import type { ServiceDeps } from './services/deps';
import { createLinkService, type LinkService } from './services/links';
import { createMemberService, type MemberService } from './services/members';
import { createRiskService, type RiskService } from './services/risk';
import { createSettingsService, type SettingsService } from './services/settings';
import { createSystemService, type SystemService } from './services/system';
import { createTradeGroupService, type TradeGroupService } from './services/trade-groups';
import { createTradesService, type TradeHistory, type TradesService } from './services/trades';
import { createPrismaStore, type Store } from './store';

export interface Services {
  tradeGroups: TradeGroupService;
  members: MemberService;
  links: LinkService;
  connections: ConnectionService;
  settings: SettingsService;
  system: SystemService;
  auth: AuthService;
  trades: TradesService;
  changes: ChangeService;
  deliveries: DeliveryService;
  risk: RiskService;
}

export interface WebApp {
  env: WebEnv;
  log: Logger;
  services: Services;
  close(): Promise<void>;
}

export interface ServiceOptions {
  store: Store;
  relay: RelayClient;
  clock: Clock;
  log: Logger;
  apiToken: string;
  webPort: number;
  dataDir: string;
  /** The signal journal, delivery ledger and members, read by the Trades page. */
  history: TradeHistory;
  /** The rotatable token; without it a fixed `apiToken` that cannot be rotated (as if set in the environment). */
  apiTokens?: ApiTokenHolder;
  /** Settings the web app's environment fixes (shown read-only on the Settings page). */
  envOverrides?: EnvOverride[];
}

/** The services over explicit dependencies (tests use fakes here). */
export function createServices(o: ServiceOptions): Services {
  const deps: ServiceDeps = { store: o.store, relay: o.relay, clock: o.clock, log: o.log };
  const tokens =
    o.apiTokens ?? createApiTokenHolder({ initial: o.apiToken, fromEnv: true, dataDir: o.dataDir });
  return {
    tradeGroups: createTradeGroupService(deps),
    members: createMemberService(deps),
    links: createLinkService(deps),
    connections: createConnectionService(deps),
    settings: createSettingsService(deps),
    system: createSystemService({
      ...deps,
      apiToken: tokens.current,
      webPort: o.webPort,
      runtimeInfo: () => readRuntimeInfo(o.dataDir),
      envOverrides: o.envOverrides ?? [],
    }),
    auth: createAuthService({ ...deps, tokens }),
    trades: createTradesService(o.history),
    changes: createChangeService(deps),
    deliveries: createDeliveryService(deps),
    risk: createRiskService(deps),
  };
}

/** The secrets the environment fixes: the UI then refuses to change them (docs/api.md, password and token). */
export function webEnvOverrides(env: Pick<WebEnv, 'apiToken' | 'adminPassword'>): EnvOverride[] {
  return [
    ...(env.adminPassword !== undefined
      ? [{ setting: 'adminPassword' as const, variable: 'SANKEY_ADMIN_PASSWORD', value: null }]
      : []),
    ...(env.apiToken !== undefined
      ? [{ setting: 'apiToken' as const, variable: 'SANKEY_API_TOKEN', value: null }]
      : []),
  ];
}

const print = (text: string) => process.stdout.write(`${text}\n`);

/** How long a web request waits for another process's SQLite lock (docs/database.md). */
const WEB_SQLITE_BUSY_TIMEOUT_MS = 3000;

export async function createWebApp(
  env: WebEnv,
  overrides: { relay?: RelayClient; clock?: Clock; log?: Logger } = {},
): Promise<WebApp> {
  const log = overrides.log ?? createLogger(env.logLevel);
  const secrets = loadOrCreateApiToken(env.dataDir, env.apiToken);
  if (secrets.generated.apiToken) {
    print(
      `\nGenerated API token (saved in ${env.dataDir}/secrets.json, shown once):\n  ${secrets.apiToken}\n`,
    );
  }
  // Migrations run before the server starts (scripts/migrate.ts, or the root `npm start`), not in here: the
  // migration runner cannot be bundled by Next.
  const url = env.databaseUrl ?? defaultDatabaseUrl(env.dataDir);
  const db: Db = await openDatabase({
    url,
    dataDir: env.dataDir,
    poolSize: env.poolSize,
    // An admin change waits at most this long for the relay's SQLite write lock, then fails as unavailable.
    sqliteBusyTimeoutMs: WEB_SQLITE_BUSY_TIMEOUT_MS,
    onPoolError: (err) => log.warn({ err }, 'PostgreSQL connection lost while idle; the pool replaces it'),
  });
  const apiTokens = createApiTokenHolder({
    initial: secrets.apiToken,
    fromEnv: env.apiToken !== undefined,
    dataDir: env.dataDir,
  });
  const relay =
    overrides.relay ??
    createHttpRelayClient({ baseUrl: env.relayUrl, apiToken: apiTokens.current, timeoutMs: 1000, log });
  const services = createServices({
    store: createPrismaStore(db),
    history: createRepositories(db),
    relay,
    clock: overrides.clock ?? systemClock,
    log,
    apiToken: secrets.apiToken,
    webPort: env.port,
    dataDir: env.dataDir,
    apiTokens,
    envOverrides: webEnvOverrides(env),
  });
  const { generated } = await services.auth.ensureAdminPassword(env.adminPassword);
  if (generated) {
    print(`\nGenerated admin password (only its hash is stored, shown once):\n  ${generated}\n`);
  }
  return { env, log, services, close: () => db.$disconnect() };
}

// One app per process; kept on globalThis so `next dev` module reloads do not open more clients.
const holder = globalThis as unknown as { __sankeyWebApp?: Promise<WebApp> };

export function getWebApp(): Promise<WebApp> {
  holder.__sankeyWebApp ??= createWebApp(processEnv()).catch((err: unknown) => {
    holder.__sankeyWebApp = undefined;
    throw err;
  });
  return holder.__sankeyWebApp;
}
