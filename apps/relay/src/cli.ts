// Operator CLI (`npm run relay -- <command>`): asks the running relay's control API. Ports and the token come
// from <SANKEY_DATA_DIR>/runtime.json and secrets.json unless SANKEY_RELAY_URL / SANKEY_API_TOKEN are given.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRuntimeInfo } from '@sankey/db/data-dir';
import { RISK_USAGE, riskCommand } from './cli-risk';
import { parseRelayEnv } from './env';

const USAGE = `usage: npm run relay -- <command>
  status               version, uptime, ports, counters
  connections          EA connection table
  evaluations          live status and warnings of every group and member
  logs [--level L] [--limit N]
  signals [--master ID] [--limit N]   journaled trade signals with their sequence numbers, newest first
  nudge                apply pending outbox rows now
  dead-letters list [--reason R] [--account EA] [--limit N]   undeliverable frames, newest first
  dead-letters retry <id> [--force]   re-publish one (a stale Open needs --force; a closed ticket's Open never goes)
  dead-letters purge --older-than <days>
  parked [--account EA] [--limit N]   copies waiting for slaves that are away: per slave (count, oldest, why), then each
  metrics [--window N] copies, filters and failures by reason, latency p50/p95/p99 over the newest N signals
  endpoints            per-EA frames, bytes, decode errors, drops, parked, dead letters, last seen, listening
  blocklist list | block <account> [--reason TEXT] | unblock <account>
${RISK_USAGE}`;

const env = parseRelayEnv();
const [command, ...rest] = process.argv.slice(2);
const flag = (name: string) => {
  const i = rest.indexOf(`--${name}`);
  return i >= 0 ? rest[i + 1] : undefined;
};

function token(): string {
  if (env.SANKEY_API_TOKEN) return env.SANKEY_API_TOKEN;
  try {
    return (
      JSON.parse(readFileSync(join(env.SANKEY_DATA_DIR, 'secrets.json'), 'utf8')) as { apiToken: string }
    ).apiToken;
  } catch {
    process.stderr.write(
      `no API token: set SANKEY_API_TOKEN or start the relay once (${env.SANKEY_DATA_DIR}/secrets.json)\n`,
    );
    process.exit(2);
  }
}

function baseUrl(): string {
  const port = readRuntimeInfo(env.SANKEY_DATA_DIR)?.ports.relayHttp ?? env.SANKEY_RELAY_HTTP_PORT;
  return `http://127.0.0.1:${port}`;
}

async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${baseUrl()}/internal/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token()}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  }).catch((err: unknown) => {
    process.stderr.write(`relay not reachable at ${baseUrl()}: ${String(err)}\n`);
    process.exit(1);
  });
  if (!res.ok) {
    const text = await res.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {}
    process.stderr.write(`${method} ${path}: HTTP ${res.status}: ${message}\n`);
    process.exit(1);
  }
  return res.json();
}

const print = (v: unknown) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);

switch (command) {
  case 'status':
    print(await call('GET', '/status'));
    break;
  case 'connections':
    print(await call('GET', '/connections'));
    break;
  case 'evaluations':
    print(await call('GET', '/evaluations'));
    break;
  case 'logs': {
    const q = new URLSearchParams();
    const level = flag('level');
    const limit = flag('limit');
    if (level) q.set('level', level);
    if (limit) q.set('limit', limit);
    print(await call('GET', `/logs${q.size ? `?${q}` : ''}`));
    break;
  }
  case 'signals': {
    const q = new URLSearchParams();
    const master = flag('master');
    const limit = flag('limit');
    if (master) q.set('master', master);
    if (limit) q.set('limit', limit);
    print(await call('GET', `/signals${q.size ? `?${q}` : ''}`));
    break;
  }
  case 'nudge':
    print(await call('POST', '/outbox/nudge'));
    break;
  case 'dead-letters':
    await deadLetters(rest[0]);
    break;
  case 'parked': {
    const q = new URLSearchParams();
    for (const name of ['account', 'limit']) {
      const v = flag(name);
      if (v) q.set(name, v);
    }
    print(await call('GET', `/parked${q.size ? `?${q}` : ''}`));
    break;
  }
  case 'metrics': {
    const window = flag('window');
    print(await call('GET', `/deliveries/metrics${window ? `?window=${encodeURIComponent(window)}` : ''}`));
    break;
  }
  case 'endpoints':
    print(await call('GET', '/endpoints'));
    break;
  case 'blocklist':
    await blocklist(rest[0], rest[1]);
    break;
  case 'risk': {
    let cmd: ReturnType<typeof riskCommand>;
    try {
      cmd = riskCommand(rest);
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exit(2);
    }
    print(await (cmd.method === 'GET' ? call('GET', cmd.path) : call('POST', cmd.path, cmd.body)));
    break;
  }
  default:
    process.stdout.write(`${USAGE}\n`);
    process.exit(command ? 2 : 0);
}

async function deadLetters(sub: string | undefined): Promise<void> {
  if (sub === 'list') {
    const q = new URLSearchParams();
    for (const name of ['reason', 'account', 'limit']) {
      const v = flag(name);
      if (v) q.set(name, v);
    }
    print(await call('GET', `/dead-letters${q.size ? `?${q}` : ''}`));
  } else if (sub === 'retry' && rest[1] && /^\d+$/.test(rest[1])) {
    print(
      await call('POST', '/dead-letters/retry', { id: Number(rest[1]), force: rest.includes('--force') }),
    );
  } else if (
    sub === 'purge' &&
    flag('older-than') !== undefined &&
    Number.isFinite(Number(flag('older-than')))
  ) {
    print(await call('POST', '/dead-letters/purge', { olderThanDays: Number(flag('older-than')) }));
  } else {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
}

async function blocklist(sub: string | undefined, account: string | undefined): Promise<void> {
  if (sub === 'list') print(await call('GET', '/blocklist'));
  else if (sub === 'block' && account) {
    print(await call('POST', '/blocklist/block', { accountId: account, reason: flag('reason') ?? '' }));
  } else if (sub === 'unblock' && account)
    print(await call('POST', '/blocklist/unblock', { accountId: account }));
  else {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
}
