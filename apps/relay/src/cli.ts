// Operator CLI (`npm run relay -- <command>`): asks the running relay's control API. Ports and the token come
// from <SANKEY_DATA_DIR>/runtime.json and secrets.json unless SANKEY_RELAY_URL / SANKEY_API_TOKEN are given.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRuntimeInfo } from '@sankey/db/data-dir';
import { parseRelayEnv } from './env';

const USAGE = `usage: npm run relay -- <command>
  status               version, uptime, ports, counters
  connections          EA connection table
  evaluations          live status and warnings of every group and member
  logs [--level L] [--limit N]
  signals [--master ID] [--limit N]   journaled trade signals with their sequence numbers, newest first
  nudge                apply pending outbox rows now`;

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

async function call(method: 'GET' | 'POST', path: string): Promise<unknown> {
  const res = await fetch(`${baseUrl()}/internal/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token()}` },
  }).catch((err: unknown) => {
    process.stderr.write(`relay not reachable at ${baseUrl()}: ${String(err)}\n`);
    process.exit(1);
  });
  if (!res.ok) {
    process.stderr.write(`${method} ${path}: HTTP ${res.status} ${await res.text()}\n`);
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
  default:
    process.stdout.write(`${USAGE}\n`);
    process.exit(command ? 2 : 0);
}
