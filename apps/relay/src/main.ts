// Relay entry point: parse the environment (env.ts), migrate, build the relay, wire signals.

import { createWasmEngine } from '@sankey/core-as/index';
import { loadOrCreateApiToken } from '@sankey/db/data-dir';
import { migrate } from '@sankey/db/migrate';
import { defaultDatabaseUrl } from '@sankey/db/urls';
import { allowedHostnames } from '@sankey/shared/api/host-allow-list';
import { ClusterStartError } from './cluster/config';
import { parseRelayEnv } from './env';
import { startWorkerRelayStorage } from './outbox/worker-storage';
import { Relay } from './relay';

const env = parseRelayEnv();
const url = env.DATABASE_URL ?? defaultDatabaseUrl(env.SANKEY_DATA_DIR);
const secrets = loadOrCreateApiToken(env.SANKEY_DATA_DIR, env.SANKEY_API_TOKEN);
if (secrets.generated.apiToken) {
  process.stdout.write(
    `\nGenerated API token (saved in ${env.SANKEY_DATA_DIR}/secrets.json, shown once):\n  ${secrets.apiToken}\n\n`,
  );
}

/** Loopback names, the public origin's and SANKEY_RELAY_URL's (docs/api.md, Host allow-list). */
function relayHostnames(): ReadonlySet<string> {
  const names = new Set(allowedHostnames(env.SANKEY_PUBLIC_ORIGIN));
  if (env.SANKEY_RELAY_URL) names.add(new URL(env.SANKEY_RELAY_URL).hostname.toLowerCase());
  return names;
}

if (env.SANKEY_SKIP_MIGRATE !== '1') await migrate({ url });
const relay = new Relay(
  {
    dataDir: env.SANKEY_DATA_DIR,
    zmqBind: env.SANKEY_ZMQ_BIND,
    receiverPort: env.SANKEY_ZMQ_RECEIVER_PORT,
    publisherPort: env.SANKEY_ZMQ_PUBLISHER_PORT,
    httpHost: env.SANKEY_RELAY_HTTP_HOST,
    httpPort: env.SANKEY_RELAY_HTTP_PORT,
    heartbeatTimeoutS: env.SANKEY_HEARTBEAT_TIMEOUT_S,
    apiToken: secrets.apiToken,
    apiTokenFromEnv: env.SANKEY_API_TOKEN !== undefined,
    allowedHostnames: relayHostnames(),
    logLevel: env.LOG_LEVEL,
    corsOrigins: [
      env.SANKEY_WEB_ORIGIN ?? `http://127.0.0.1:${env.PORT}`,
      `http://localhost:${env.PORT}`,
      ...(env.SANKEY_PUBLIC_ORIGIN ? [new URL(env.SANKEY_PUBLIC_ORIGIN).origin] : []),
    ],
    shutdownDeadlineMs: env.SANKEY_SHUTDOWN_DEADLINE_MS,
    outboxPollMs: env.SANKEY_OUTBOX_POLL_MS,
    journalRetentionDays: env.SANKEY_JOURNAL_RETENTION_DAYS,
    outboxRetentionS: env.SANKEY_OUTBOX_RETENTION_S,
    maxConnections: env.SANKEY_MAX_CONNECTIONS,
    cluster:
      env.SANKEY_NATS_URL === undefined
        ? undefined
        : {
            natsUrl: env.SANKEY_NATS_URL,
            token: env.SANKEY_NATS_TOKEN,
            credsFile: env.SANKEY_NATS_CREDS,
            tlsCaFile: env.SANKEY_NATS_TLS_CA,
            cluster: env.SANKEY_CLUSTER,
            relayId: env.SANKEY_RELAY_ID,
            address: env.SANKEY_RELAY_URL,
            ackGraceMs: env.SANKEY_CLUSTER_ACK_GRACE_MS,
            inboxChunk: env.SANKEY_CLUSTER_INBOX_CHUNK,
          },
  },
  {
    // Without its database the relay cannot apply admin changes: exit non-zero, and let the supervisor start a
    // fresh process (docs/architecture.md, Supervision). Calls fail at once from here on, so closing never hangs.
    storage: await startWorkerRelayStorage(url, {
      callTimeoutMs: env.SANKEY_DB_CALL_TIMEOUT_MS,
      poolSize: env.DATABASE_POOL_SIZE,
      onPoolError: (message) =>
        relay.log.warn({ message }, 'PostgreSQL connection lost while idle; the pool replaces it'),
      onCrash: (err) => {
        process.stderr.write(`database worker failed: ${err.message}\n`);
        void relay.close({ reason: 'error', error: err });
      },
      onUnreadable: (bad) => relay.log.error(bad, 'member with unreadable settings skipped'),
    }),
    engine: createWasmEngine(),
  },
);

// One shutdown however many signals arrive: a SIGTERM to the process group reaches the relay from the terminal
// and again from `npm start`. The handler stays installed, so a repeated signal cannot kill the process
// half-way through the shutdown (the deadline, SANKEY_SHUTDOWN_DEADLINE_MS, bounds it instead).
let signals = 0;
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.on(sig, () => {
    signals++;
    relay.log.info({ signal: sig, repeated: signals > 1 }, 'signal received');
    void relay.close({ reason: 'signal' });
  });
}

try {
  await relay.start();
  process.stdout.write(`relay ready ${JSON.stringify(relay.ports)}\n`);
} catch (err) {
  if (err instanceof ClusterStartError) {
    // A refusal the operator must fix (duplicate relay id, NATS credentials): exit code 2, as for bad settings.
    process.stderr.write(`relay refused to start: ${err.message}\n`);
    await relay.close({ reason: 'error', error: err });
    process.exit(2);
  }
  relay.log.fatal({ err }, 'relay failed to start');
  await relay.close({ reason: 'error', error: err });
  process.exit(1);
}

const cause = await relay.closed();
process.exit(cause.reason === 'error' ? 1 : 0);
