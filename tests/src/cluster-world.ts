// Cluster-mode worlds for end-to-end tests: relay processes (apps/relay/src/main.ts) sharing one PostgreSQL schema
// and meeting on the machine's nats-server under a cluster name of their own, which is deleted afterwards; for the
// web tests, the built web app of one relay and Chromium logged in to it.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { Browser, Page } from '@playwright/test';
import { createDb, type Db } from '@sankey/db/client';
import { testPostgresUrl } from '@sankey/db/env';
import { migrate } from '@sankey/db/migrate';
import { withPostgresSchema } from '@sankey/db/urls';
import { SimMaster, type SimMasterOptions, SimSlave, type SimSlaveOptions } from '@sankey/ea-sim/index';
import type { ClusterView } from '@sankey/shared/api/cluster-views';
import { clusterNames } from '@sankey/shared/cluster/names';
import pg from 'pg';
import { admin } from './admin';
import { freePort } from './free-port';
import { startWeb, type WebProcess, webBuilt } from './web-process';

export const NATS_URL = 'nats://127.0.0.1:4222';
const RELAY_DIR = fileURLToPath(new URL('../../apps/relay/', import.meta.url));
export const API_TOKEN = 'cluster-test-token-0123456789';

export interface RelayProcess {
  id: string;
  child: ChildProcess;
  output: () => string;
  endpoints: { receiver: string; publisher: string; http: string };
  /** Its SANKEY_DATA_DIR (the web app of this relay reads the same one). */
  dataDir: string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs main.ts with the given environment; resolves with its exit code and output when it exits. */
export function runRelay(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: RELAY_DIR,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** A private nats-server with JetStream on a free port (its store survives restarts), for outage tests. */
export async function privateNats(args: string[] = []) {
  const port = await freePort();
  const store = mkdtempSync(join(tmpdir(), 'sankey-nats-'));
  let child: ChildProcess | null = null;
  const up = () =>
    new Promise<boolean>((resolve) => {
      const s = createConnection({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
  const server = {
    url: `nats://127.0.0.1:${port}`,
    port,
    async start() {
      child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store, ...args], {
        stdio: 'ignore',
      });
      const deadline = Date.now() + 10_000;
      while (!(await up())) {
        if (Date.now() > deadline) throw new Error('private nats-server did not start');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    },
    async close() {
      await server.stop();
      rmSync(store, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

/** Where the cluster web tests put their screenshots. */
export const SHOTS = resolve(import.meta.dirname, '../test-results/screenshots');
export type ClusterAnswer = Extract<ClusterView, { mode: 'cluster' }>;

/** Whether the cluster web tests can run (PostgreSQL and the built web app); says why not when they cannot. */
export function clusterWebRuns(name: string): boolean {
  const hasPostgres = testPostgresUrl() !== undefined;
  if (!hasPostgres) process.stdout.write(`${name} skipped: TEST_POSTGRES_URL is not set\n`);
  if (!webBuilt) process.stdout.write(`${name} skipped: the web app is not built (npm run build)\n`);
  return hasPostgres && webBuilt;
}

export async function clusterWorld(opts: { natsUrl?: string } = {}) {
  const natsUrl = opts.natsUrl ?? NATS_URL;
  const base = testPostgresUrl()!;
  const suffix = randomBytes(4).toString('hex');
  const schema = `cluster_${suffix}`;
  const cluster = `t${suffix}`;
  const url = withPostgresSchema(base, schema);
  await migrate({ url });
  const db: Db = await createDb({ url });
  const relays: RelayProcess[] = [];
  const sims: (SimMaster | SimSlave)[] = [];
  const dirs: string[] = [];
  const webs: WebProcess[] = [];
  const browsers: Browser[] = [];

  const relayEnv = (id: string, extra: Record<string, string> = {}) => {
    const dataDir = mkdtempSync(join(tmpdir(), `sankey-cluster-${id}-`));
    dirs.push(dataDir);
    return {
      DATABASE_URL: url,
      SANKEY_DATA_DIR: dataDir,
      SANKEY_SKIP_MIGRATE: '1',
      SANKEY_ZMQ_RECEIVER_PORT: '0',
      SANKEY_ZMQ_PUBLISHER_PORT: '0',
      SANKEY_RELAY_HTTP_PORT: '0',
      SANKEY_API_TOKEN: API_TOKEN,
      SANKEY_OUTBOX_POLL_MS: '50',
      SANKEY_NATS_URL: natsUrl,
      SANKEY_CLUSTER: cluster,
      SANKEY_RELAY_ID: id,
      LOG_LEVEL: 'warn',
      ...extra,
    };
  };

  const w = {
    cluster,
    url,
    db,
    relayEnv,
    /** Starts a relay process and waits until it is ready. */
    async relay(id: string, extra: Record<string, string> = {}): Promise<RelayProcess> {
      const env = relayEnv(id, extra);
      const run = runRelay(env);
      const ready = await new Promise<{ receiver: number; publisher: number; relayHttp: number }>(
        (resolve, reject) => {
          const timer = setInterval(() => {
            const m = /relay ready (\{.*\})/.exec(run.output());
            if (m) {
              clearInterval(timer);
              resolve(JSON.parse(m[1]!));
            }
          }, 50);
          void run.exited.then((code) => {
            clearInterval(timer);
            reject(new Error(`relay ${id} exited with ${code}:\n${run.output()}`));
          });
        },
      );
      const r: RelayProcess = {
        id,
        child: run.child,
        output: run.output,
        endpoints: {
          receiver: `tcp://127.0.0.1:${ready.receiver}`,
          publisher: `tcp://127.0.0.1:${ready.publisher}`,
          http: `http://127.0.0.1:${ready.relayHttp}`,
        },
        dataDir: env.SANKEY_DATA_DIR,
        async stop(signal: NodeJS.Signals = 'SIGTERM') {
          if (run.child.exitCode !== null) return run.child.exitCode;
          run.child.kill(signal);
          return run.exited;
        },
      };
      relays.push(r);
      return r;
    },
    /**
     * Starts several relays: the first alone (it makes the stream and buckets), the others at once. A master on
     * the first and slaves on the others is the world of issue #17 (relay A, B, C).
     */
    async relays(ids: string[], extra: Record<string, string> = {}): Promise<RelayProcess[]> {
      const [first, ...rest] = ids;
      const out = [await w.relay(first!, extra)];
      out.push(...(await Promise.all(rest.map((id) => w.relay(id, extra)))));
      return out;
    },
    /** The built web app (`next start`) talking to relay `r` only, on its data directory; stopped by close(). */
    async web(r: RelayProcess): Promise<WebProcess> {
      const web = await startWeb({ dataDir: r.dataDir, url, apiToken: API_TOKEN, endpoints: r.endpoints });
      webs.push(web);
      return web;
    },
    /** Chromium logged in to `web`, its live socket connected; closed by close(). Makes SHOTS for screenshots. */
    async page(web: WebProcess, viewport = { width: 1280, height: 900 }): Promise<Page> {
      mkdirSync(SHOTS, { recursive: true });
      const [{ chromium }, { e2eBrowser }] = await Promise.all([
        import('@playwright/test'),
        import('../e2e/browser'),
      ]);
      const target = await e2eBrowser();
      const browser = await chromium.launch({
        executablePath: target.executablePath,
        args: target.args,
        ...(target.env && { env: target.env }),
      });
      browsers.push(browser);
      const page = await browser.newPage({ viewport });
      await page.goto(`${web.base}/login`);
      await page.getByTestId('login-password').fill('e2e-admin-password');
      await page.getByTestId('login-submit').click();
      await page
        .locator('[data-testid="live-indicator"][data-state="connected"]')
        .waitFor({ timeout: 20_000 });
      return page;
    },
    admin(r: RelayProcess) {
      return admin(db, r.endpoints.http, API_TOKEN);
    },
    /** A trade group of `master`, enabled, copying to `slave` with the default settings (through relay `r`). */
    link(r: RelayProcess, master: string, slave: string) {
      return admin(db, r.endpoints.http, API_TOKEN).createGroup(master, {
        enabled: true,
        members: [{ slaveAccount: slave, enabled: true, slaveSettings: {} }],
      });
    },
    async master(r: RelayProcess, accountId: string, opts: Partial<SimMasterOptions> = {}) {
      const m = new SimMaster({
        accountId,
        receiverEndpoint: r.endpoints.receiver,
        publisherEndpoint: r.endpoints.publisher,
        heartbeatIntervalMs: 200,
        ...opts,
      });
      sims.push(m);
      await m.start();
      return m;
    },
    async slave(r: RelayProcess, accountId: string, opts: Partial<SimSlaveOptions> = {}) {
      const s = new SimSlave({
        accountId,
        receiverEndpoint: r.endpoints.receiver,
        publisherEndpoint: r.endpoints.publisher,
        heartbeatIntervalMs: 200,
        ...opts,
      });
      sims.push(s);
      await s.start();
      return s;
    },
    async close() {
      await Promise.all(browsers.map((b) => b.close().catch(() => {})));
      await Promise.all(webs.map((web) => web.stop()));
      await Promise.all(sims.map((s) => s.stop({ unregister: false }).catch(() => {})));
      await Promise.all(relays.map((r) => r.stop()));
      await db.$disconnect();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
      await deleteCluster(cluster, natsUrl).catch(() => {});
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
  return w;
}
export type ClusterWorld = Awaited<ReturnType<typeof clusterWorld>>;

/** Deletes a test cluster's stream and buckets from the nats-server. */
export async function deleteCluster(cluster: string, natsUrl = NATS_URL, token?: string): Promise<void> {
  const n = clusterNames(cluster);
  const nc = await connect({ servers: natsUrl, timeout: 2000, ...(token ? { token } : {}) });
  try {
    const jsm = await jetstreamManager(nc);
    for (const stream of [n.signalStream, `KV_${n.eaBucket}`, `KV_${n.relayBucket}`]) {
      await jsm.streams.delete(stream).catch(() => {});
    }
  } finally {
    await nc.close();
  }
}

/** A gauge's or counter's value on a relay's `/metrics` (`name` with its labels, as printed); NaN when absent. */
export async function relayMetric(http: string, name: string): Promise<number> {
  const text = await (await fetch(`${http}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ').at(-1)) : Number.NaN;
}

/** Ports of its own for a relay that is killed and started again on the same ports (its EAs reconnect to them). */
export async function fixedRelayPorts(): Promise<Record<string, string>> {
  return {
    SANKEY_ZMQ_RECEIVER_PORT: String(await freePort()),
    SANKEY_ZMQ_PUBLISHER_PORT: String(await freePort()),
    SANKEY_RELAY_HTTP_PORT: String(await freePort()),
  };
}
