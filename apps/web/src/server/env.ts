// The web app's configuration, parsed once from process.env (docs/architecture.md, Processes, ports and environment). Nothing else reads process.env
// (biome: noProcessEnv).
import { publicOriginProblem } from '@sankey/shared/api/host-allow-list';
import { resolveDataDir } from '@sankey/shared/data-dir';
import { DEFAULT_PORTS } from '@sankey/shared/defaults';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65_535);
const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const envSchema = z.object({
  SANKEY_DATA_DIR: z.string().min(1).optional(),
  /** PostgreSQL connections of the web process. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/i, 'must be a file: (SQLite) or postgresql:// URL')
    .optional(),
  PORT: port.default(DEFAULT_PORTS.web),
  SANKEY_RELAY_HTTP_PORT: port.default(DEFAULT_PORTS.relayHttp),
  SANKEY_RELAY_URL: z.url({ protocol: /^https?$/ }).optional(),
  SANKEY_API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  SANKEY_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  SANKEY_SKIP_MIGRATE: z.enum(['0', '1']).optional(),
  /** Where users open the app when not on localhost; its host name joins the Host allow-list. */
  SANKEY_PUBLIC_ORIGIN: z
    .string()
    .superRefine((v, ctx) => {
      const problem = publicOriginProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
});

export interface WebEnv {
  dataDir: string;
  /** Undefined: `file:<dataDir>/sankey.db`. */
  databaseUrl: string | undefined;
  poolSize: number;
  port: number;
  relayUrl: string;
  /** Undefined: read from or generated into `<dataDir>/secrets.json`. */
  apiToken: string | undefined;
  adminPassword: string | undefined;
  migrate: boolean;
  /** Undefined: only loopback host names are served. */
  publicOrigin: string | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
}

export class EnvError extends Error {
  override readonly name = 'EnvError';
}

/** Parses `source` (process.env by default). Invalid values → EnvError naming each variable. */
export function parseEnv(source: Record<string, string | undefined>, cwd = process.cwd()): WebEnv {
  // Empty strings count as unset (shells and .env files produce them).
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`Invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    // From the working directory: Next bundles this module, so its own path says nothing about the repo.
    dataDir: resolveDataDir(e.SANKEY_DATA_DIR, cwd),
    databaseUrl: e.DATABASE_URL,
    poolSize: e.DATABASE_POOL_SIZE,
    port: e.PORT,
    relayUrl: (e.SANKEY_RELAY_URL ?? `http://127.0.0.1:${e.SANKEY_RELAY_HTTP_PORT}`).replace(/\/+$/, ''),
    apiToken: e.SANKEY_API_TOKEN,
    adminPassword: e.SANKEY_ADMIN_PASSWORD,
    migrate: e.SANKEY_SKIP_MIGRATE !== '1',
    publicOrigin: e.SANKEY_PUBLIC_ORIGIN?.replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL,
  };
}

let cached: WebEnv | undefined;
/** The process's environment, parsed on first use. */
export function env(): WebEnv {
  cached ??= parseEnv(process.env);
  return cached;
}
