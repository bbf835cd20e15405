// The relay's environment, parsed once (docs/architecture.md, Processes, ports and environment). Nothing else reads process.env (biome: noProcessEnv).
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { publicOriginProblem } from '@sankey/shared/api/host-allow-list';
import { CLUSTER_NAME_PATTERN, RELAY_ID_PATTERN, relayIdFromHostname } from '@sankey/shared/cluster/names';
import { resolveDataDir } from '@sankey/shared/data-dir';
import { DEFAULT_PORTS } from '@sankey/shared/defaults';
import { z } from 'zod';

const HERE = fileURLToPath(new URL('.', import.meta.url));

const port = z.coerce.number().int().min(0).max(65535);

export const relayEnvSchema = z.object({
  SANKEY_DATA_DIR: z
    .string()
    .min(1)
    .optional()
    .transform((dir) => resolveDataDir(dir, HERE)),
  DATABASE_URL: z.string().min(1).optional(),
  SANKEY_ZMQ_BIND: z.string().min(1).default('127.0.0.1'),
  SANKEY_ZMQ_RECEIVER_PORT: port.default(DEFAULT_PORTS.receiver),
  SANKEY_ZMQ_PUBLISHER_PORT: port.default(DEFAULT_PORTS.publisher),
  SANKEY_RELAY_HTTP_PORT: port.default(DEFAULT_PORTS.relayHttp),
  SANKEY_RELAY_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(DEFAULT_PORTS.web),
  SANKEY_HEARTBEAT_TIMEOUT_S: z.coerce.number().int().min(2).max(3600).optional(),
  SANKEY_API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** How often the outbox is polled when no nudge arrives (docs/protocol.md, Admin changes: at least every 100 ms). */
  SANKEY_OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(600_000).default(100),
  /** Processed outbox rows older than this, applied by every live relay, are purged (docs/database.md). */
  SANKEY_OUTBOX_RETENTION_S: z.coerce.number().int().min(1).max(31_536_000).default(86_400),
  SANKEY_JOURNAL_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Connection-table cap (D18): unlinked EAs beyond it are refused. */
  SANKEY_MAX_CONNECTIONS: z.coerce.number().int().min(10).max(10_000_000).default(10_000),
  SANKEY_SHUTDOWN_DEADLINE_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** A database call not answered within this long fails with a timeout; the relay stays up. */
  /** PostgreSQL connections per process (D20: a bounded pool with an error handler). */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  SANKEY_DB_CALL_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  SANKEY_WEB_ORIGIN: z.string().optional(),
  /** Where users open the web app when not on localhost: its host name joins the Host allow-list and CORS. */
  SANKEY_PUBLIC_ORIGIN: z
    .string()
    .superRefine((v, ctx) => {
      const problem = publicOriginProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  /** How the web app reaches this relay; its host name is allowed too (e.g. a container name). */
  SANKEY_RELAY_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** `npm start` migrates once before starting both processes. */
  SANKEY_SKIP_MIGRATE: z.enum(['0', '1']).default('0'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
  /** Cluster mode (docs/cluster.md): the NATS servers, comma-separated `nats://` or `tls://` URLs. */
  SANKEY_NATS_URL: z
    .string()
    .regex(
      /^(nats|tls):\/\/[^,\s]+(,(nats|tls):\/\/[^,\s]+)*$/,
      'must be nats://host:port or tls://host:port[,…]',
    )
    .optional(),
  SANKEY_NATS_TOKEN: z.string().min(1).optional(),
  /** A NATS creds file (JWT + nkey seed) or a bare nkey seed file. */
  SANKEY_NATS_CREDS: z.string().min(1).optional(),
  /** A CA certificate (PEM) the NATS server's certificate must chain to; turns TLS on. */
  SANKEY_NATS_TLS_CA: z.string().min(1).optional(),
  SANKEY_CLUSTER: z
    .string()
    .regex(CLUSTER_NAME_PATTERN, 'letters, digits, _ and - only (1–32)')
    .default('sankey'),
  /** How long after its copies were handed to the PUB socket a stream signal is acked (ms). */
  SANKEY_CLUSTER_ACK_GRACE_MS: z.coerce.number().int().min(0).max(60_000).default(30),
  /** Stream messages handled per event-loop turn at most (0: a whole pull at once). */
  SANKEY_CLUSTER_INBOX_CHUNK: z.coerce.number().int().min(0).max(10_000).default(32),
  SANKEY_RELAY_ID: z
    .string()
    .regex(RELAY_ID_PATTERN, 'letters, digits, _ and - only (1–64)')
    .default(() => relayIdFromHostname(hostname())),
});
export type RelayEnv = z.infer<typeof relayEnvSchema>;

/** What cluster mode requires of the rest of the environment (docs/cluster.md, Modes and Security). */
export function clusterEnvProblems(env: RelayEnv): { variable: string; message: string }[] {
  if (env.SANKEY_NATS_URL === undefined) return [];
  const problems: { variable: string; message: string }[] = [];
  if (!/^postgres(ql)?:\/\//.test(env.DATABASE_URL ?? '')) {
    problems.push({
      variable: 'DATABASE_URL',
      message:
        'cluster mode (SANKEY_NATS_URL) needs a shared PostgreSQL database (postgresql://…); SQLite cannot be shared between relays',
    });
  }
  if (env.SANKEY_NATS_TOKEN !== undefined && env.SANKEY_NATS_CREDS !== undefined) {
    problems.push({
      variable: 'SANKEY_NATS_TOKEN',
      message: 'set either SANKEY_NATS_TOKEN or SANKEY_NATS_CREDS, not both',
    });
  }
  const authed = env.SANKEY_NATS_TOKEN !== undefined || env.SANKEY_NATS_CREDS !== undefined;
  const remote = env.SANKEY_NATS_URL.split(',').some((u) => !isLoopback(u));
  if (remote && !authed) {
    problems.push({
      variable: 'SANKEY_NATS_URL',
      message:
        'a NATS server off this machine carries trade data: set SANKEY_NATS_TOKEN or SANKEY_NATS_CREDS (and SANKEY_NATS_TLS_CA for TLS)',
    });
  }
  return problems;
}

function isLoopback(url: string): boolean {
  const host = url
    .replace(/^[a-z]+:\/\//, '')
    .replace(/^[^@]*@/, '')
    .replace(/:\d+$/, '')
    .replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Parses the environment (the process's by default) or exits with code 2 and a message naming the variable. */
export function parseRelayEnv(env: NodeJS.ProcessEnv = process.env): RelayEnv {
  const parsed = relayEnvSchema.safeParse(env);
  if (parsed.success) {
    const problems = clusterEnvProblems(parsed.data);
    if (problems.length === 0) return parsed.data;
    for (const p of problems)
      process.stderr.write(`invalid environment variable ${p.variable}: ${p.message}\n`);
    process.exit(2);
  }
  for (const issue of parsed.error.issues) {
    process.stderr.write(`invalid environment variable ${issue.path.join('.')}: ${issue.message}\n`);
  }
  process.exit(2);
}
