// The NATS connection of cluster mode (docs/cluster.md, Security): token or creds/nkey credentials and TLS when
// configured, reconnection forever with backoff and jitter, and a clear refusal when the server wants credentials
// the relay does not have.
import { existsSync, readFileSync } from 'node:fs';
import {
  connect,
  credsAuthenticator,
  type NatsConnection,
  type NodeConnectionOptions,
  nkeyAuthenticator,
} from '@nats-io/transport-node';
import { type ClusterConfig, ClusterStartError } from './config';

/** TLS failures that retrying cannot fix: the server's certificate does not chain to a CA this relay trusts. */
const CERT_FAILURE =
  /CERT|certificate|UNABLE_TO_VERIFY|SELF_SIGNED|UNABLE_TO_GET_ISSUER|ERR_TLS_CERT_ALTNAME_INVALID/;

/** Reconnect delays: doubling from 250 ms to 5 s, with up to ±30 % jitter so relays do not reconnect in step. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(5000, 250 * 2 ** Math.min(attempt, 10));
  return Math.round(base * (0.7 + 0.6 * random()));
}

export function connectionOptions(cfg: ClusterConfig): NodeConnectionOptions {
  let attempt = 0;
  const opts: NodeConnectionOptions = {
    servers: cfg.natsUrl.split(','),
    name: `sankey-relay-${cfg.cluster}-${cfg.relayId}`,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectDelayHandler: () => reconnectDelay(attempt++),
    pingInterval: 5000,
    maxPingOut: 3,
  };
  if (cfg.token !== undefined) opts.token = cfg.token;
  if (cfg.credsFile !== undefined) {
    let text: Buffer;
    try {
      text = readFileSync(cfg.credsFile);
    } catch (err) {
      throw new ClusterStartError(
        `cannot read SANKEY_NATS_CREDS (${cfg.credsFile}): ${(err as Error).message}`,
      );
    }
    const body = text.toString('utf8');
    const isCreds = body.includes('BEGIN NATS USER JWT');
    const authenticator = isCreds
      ? credsAuthenticator(new Uint8Array(text))
      : nkeyAuthenticator(new TextEncoder().encode(body.trim()));
    // The authenticators parse the file only when the server sends its nonce: signing a test nonce now turns a
    // file that holds no usable key into a start-up refusal naming the variable, not a retried "cannot reach".
    try {
      authenticator('sankey-check');
    } catch (err) {
      throw new ClusterStartError(
        `SANKEY_NATS_CREDS (${cfg.credsFile}) holds ${isCreds ? 'a creds file that cannot be read' : 'neither a creds file (JWT and seed) nor an nkey seed'}: ${(err as Error).message}`,
      );
    }
    opts.authenticator = authenticator;
  }
  if (cfg.tlsCaFile !== undefined) {
    if (!existsSync(cfg.tlsCaFile)) {
      throw new ClusterStartError(`SANKEY_NATS_TLS_CA (${cfg.tlsCaFile}) does not exist`);
    }
    // Read now: a directory or a file without a certificate is the operator's to fix, not a retried "cannot reach"
    // (a directory failed each connect with EISDIR; a file without one as an untrusted server certificate).
    let pem: string;
    try {
      pem = readFileSync(cfg.tlsCaFile, 'utf8');
    } catch (err) {
      throw new ClusterStartError(
        `cannot read SANKEY_NATS_TLS_CA (${cfg.tlsCaFile}): ${(err as Error).message}`,
      );
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new ClusterStartError(
        `SANKEY_NATS_TLS_CA (${cfg.tlsCaFile}) holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
      );
    }
    opts.tls = { caFile: cfg.tlsCaFile };
  }
  return opts;
}

/** Connects once (the first connection must succeed); later losses reconnect on their own. */
export async function connectNats(cfg: ClusterConfig, onReconnect: () => void): Promise<NatsConnection> {
  let nc: NatsConnection;
  const options = connectionOptions(cfg);
  try {
    nc = await connect(options);
  } catch (err) {
    const text =
      err instanceof Error ? `${err.message} ${String((err as { code?: unknown }).code ?? '')}` : String(err);
    if (/auth|authorization|permission/i.test(text)) {
      throw new ClusterStartError(
        `NATS at ${cfg.natsUrl} refused this relay's credentials (${text.trim()}): set SANKEY_NATS_TOKEN or SANKEY_NATS_CREDS as the server requires`,
      );
    }
    if (cfg.tlsCaFile !== undefined && /does not support 'tls'/i.test(text)) {
      throw new ClusterStartError(
        `NATS at ${cfg.natsUrl} does not offer TLS, but SANKEY_NATS_TLS_CA asks for it: start the server with --tls (or unset SANKEY_NATS_TLS_CA on a loopback server)`,
      );
    }
    if (CERT_FAILURE.test(text)) {
      throw new ClusterStartError(
        `NATS at ${cfg.natsUrl} presented a certificate this relay does not trust (${text.trim()}): set SANKEY_NATS_TLS_CA to the CA certificate (PEM) that signed the server's certificate`,
      );
    }
    // Not a refusal: the supervisor starts the relay again (exit code 1), by then NATS may be up.
    throw new Error(`cannot reach NATS at ${cfg.natsUrl}: ${text.trim()}`);
  }
  void (async () => {
    for await (const s of nc.status()) if (s.type === 'reconnect') onReconnect();
  })();
  return nc;
}
