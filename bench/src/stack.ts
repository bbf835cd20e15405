// Starting what is measured: the relay and web app exactly as `npm start` runs them (scripts/start.ts, its own
// processes, temp data dir, free ports), or — for the diagnostic runs that need node flags in the relay (CPU
// profile, hop probe) — the relay alone, started the way scripts/start.ts starts it.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDb } from '@sankey/db/client';
import { migrate } from '@sankey/db/migrate';
import { withRepositoriesTransaction } from '@sankey/db/repositories/index';
import { benchEnv, childEnv } from './env';

export const root = resolve(import.meta.dirname, '../..');
export const API_TOKEN = 'bench-token-0123456789abcdef';

export interface GroupSeed {
  master: string;
  slaves: string[];
}

export interface Stack {
  receiver: number;
  publisher: number;
  relayHttp: number;
  /** The process started: the relay itself in `relay` mode, scripts/start.ts in `npm-start` mode. */
  pid: number;
  /** The web app's tRPC base, `npm start` mode only. */
  api?: string;
  /** Relay log lines that name a heartbeat timeout, so far. */
  timeouts(): number;
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** A group per seed, every member enabled with a realistic mix of settings (mappings, suffixes, filters). */
export async function seed(url: string, groups: GroupSeed[]): Promise<void> {
  await migrate({ url });
  const db = await createDb({ url });
  for (const g of groups) {
    await withRepositoriesTransaction(db, (tx) =>
      tx.tradeGroups.create({
        id: g.master,
        enabled: true,
        symbolPrefix: 'pro.',
        symbolSuffix: '.m',
        members: g.slaves.map((s, i) => ({
          slaveAccount: s,
          enabled: true,
          slaveSettings: {
            symbolSuffix: i % 3 === 0 ? '.ecn' : null,
            symbolMappings: i % 2 ? [{ sourceSymbol: 'XAUUSD', targetSymbol: 'GOLD' }] : [],
            filters: { blockedSymbols: ['BTCUSD'], allowedMagicNumbers: [7, 8] },
          },
        })),
      }),
    );
  }
  await db.$disconnect();
}

/**
 * Spawns node with `args`; resolves once stdout matches `ready`. Counts heartbeat-timeout log lines. `envOf`
 * builds the child's environment from `env` (default: this process's, with `env` applied).
 */
export async function startProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  cwd = root,
  envOf: (env: NodeJS.ProcessEnv) => NodeJS.ProcessEnv = childEnv,
) {
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd,
    env: envOf(env),
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: false,
  });
  let timeouts = 0;
  let tail = '';
  const line = await new Promise<RegExpExecArray>((res, reject) => {
    let matched = false;
    child.stdout!.on('data', (d: Buffer) => {
      const text = d.toString();
      if (benchEnv.trace) process.stderr.write(text);
      timeouts += text.split('EA heartbeat timeout').length - 1;
      tail = (tail + text).slice(-65_536);
      const m = matched ? null : ready.exec(tail);
      if (m) {
        matched = true;
        res(m);
      }
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  const exited = new Promise<void>((r) => {
    if (child.exitCode !== null) r();
    else child.once('exit', () => r());
  });
  return { line, stop, exited, output: () => tail, timeouts: () => timeouts, pid: child.pid! };
}

export interface StackOptions {
  groups: GroupSeed[];
  /** `npm-start`: scripts/start.ts (relay + web). `relay`: the relay alone with `nodeFlags`. */
  mode: 'npm-start' | 'relay';
  nodeFlags?: string[];
  env?: NodeJS.ProcessEnv;
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sankey-bench-'));
  const url = `file:${join(dataDir, 'sankey.db')}`;
  await seed(url, opts.groups);
  const env: NodeJS.ProcessEnv = {
    SANKEY_DATA_DIR: dataDir,
    SANKEY_ZMQ_RECEIVER_PORT: '0',
    SANKEY_ZMQ_PUBLISHER_PORT: '0',
    SANKEY_RELAY_HTTP_PORT: '0',
    SANKEY_API_TOKEN: API_TOKEN,
    LOG_LEVEL: 'warn',
    ...opts.env,
  };
  let api: string | undefined;
  let proc: Awaited<ReturnType<typeof startProcess>>;
  if (opts.mode === 'npm-start') {
    const webPort = await freePort();
    env.PORT = String(webPort);
    proc = await startProcess(['--import', 'tsx', 'scripts/start.ts'], env, /relay ready (\{.*\})/);
    api = `http://127.0.0.1:${webPort}/api/trpc`;
    await waitForWeb(api);
  } else {
    // As scripts/start.ts starts it: cwd apps/relay, migrations already applied.
    proc = await startProcess(
      [...(opts.nodeFlags ?? []), '--import', 'tsx', 'src/main.ts'],
      { ...env, DATABASE_URL: url, SANKEY_SKIP_MIGRATE: '1' },
      /relay ready (\{.*\})/,
      join(root, 'apps/relay'),
    );
  }
  const ports = JSON.parse(proc.line[1]!) as { receiver: number; publisher: number; relayHttp: number };
  const metricsUrl = `http://127.0.0.1:${ports.relayHttp}/metrics`;
  return {
    ...ports,
    pid: proc.pid,
    ...(api ? { api } : {}),
    timeouts: proc.timeouts,
    metrics: async () => (await fetch(metricsUrl)).text(),
    stop: async () => {
      await proc.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function waitForWeb(api: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${api}/tradeGroups.list`, { headers: authHeaders() });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('web app did not come up within 120 s');
}

export const authHeaders = () => ({
  authorization: `Bearer ${API_TOKEN}`,
  'content-type': 'application/json',
});

/** A tRPC mutation over HTTP (docs/api.md). */
export async function mutate(api: string, procedure: string, input: unknown): Promise<unknown> {
  const res = await fetch(`${api}/${procedure}`, {
    method: 'POST',
    headers: authHeaders(),
    body: JSON.stringify(input),
  });
  if (!res.ok) throw new Error(`${procedure}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}
