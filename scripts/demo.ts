// `npm run demo`: relay + web on a throw-away data directory, one master copying to three slaves with different
// settings (created through the tRPC API), simulated EAs trading every ~2 s. Prints the URL and the admin
// password; Ctrl-C stops everything and removes the data directory.
// `npm run demo -- --cluster` (docs/cluster.md): two relays in cluster mode — the master on relay A (with the web),
// the slaves on relay B — on a throw-away schema of the PostgreSQL DATABASE_URL and the NATS server at
// SANKEY_NATS_URL (default nats://127.0.0.1:4222); the schema and the cluster's NATS data are removed at the end.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropPostgresSchema } from '@sankey/db/pg-schema';
import { withPostgresSchema } from '@sankey/db/urls';
import { SimMaster, SimSlave } from '@sankey/ea-sim/index';
import { deleteClusterData } from '@sankey/relay/cluster/cleanup';
import { childEnv, repoRoot as root, scriptEnv } from './env';

const MASTER = 'Demo_Master_1001';
const SLAVES = [
  {
    id: 'Demo_Slave_A',
    settings: { lotMultiplier: 2 },
    what: 'lot multiplier ×2',
  },
  {
    id: 'Demo_Slave_B',
    settings: { lotMultiplier: 1, reverseTrade: true },
    what: 'reversed (buy ↔ sell)',
  },
  {
    id: 'Demo_Slave_C',
    settings: {
      lotMultiplier: 0.5,
      symbolMappings: [{ sourceSymbol: 'XAUUSD', targetSymbol: 'GOLD' }],
      symbolSuffix: '-ECN',
    },
    what: 'XAUUSD → GOLD, suffix -ECN, ×0.5',
  },
] as const;
const SYMBOLS = ['EURUSD.m', 'GBPUSD.m', 'USDJPY.m', 'XAUUSD.m'];

const say = (line: string) => process.stdout.write(`${line}\n`);

function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((ok, fail) => {
      const srv = createServer();
      srv.once('error', fail);
      srv.listen(port, '127.0.0.1', () => {
        const { port: got } = srv.address() as { port: number };
        srv.close(() => ok(got));
      });
    });
  return tryPort(preferred).catch(() => tryPort(0));
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null> | T | null,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

if (!existsSync(join(root, 'apps/web/.next/BUILD_ID'))) {
  say('The web app is not built: run `npm run demo` (it builds first) or `npm run build`.');
  process.exit(1);
}

const cluster = process.argv.includes('--cluster');
if (cluster && !/^postgres(ql)?:\/\//.test(scriptEnv.databaseUrl ?? '')) {
  say(
    '`npm run demo -- --cluster` needs PostgreSQL: set DATABASE_URL=postgresql://… (the demo uses a schema of its own).',
  );
  process.exit(1);
}
const suffix = randomBytes(4).toString('hex');
const clusterName = `demo${suffix}`;
const schema = `demo_${suffix}`;
const dataDir = mkdtempSync(join(tmpdir(), 'sankey-demo-'));
const dataDirB = cluster ? mkdtempSync(join(tmpdir(), 'sankey-demo-b-')) : dataDir;
const apiToken = randomBytes(24).toString('base64url');
const adminPassword = `demo-${randomBytes(5).toString('hex')}`;
const webPort = await freePort(scriptEnv.webPort);
const env = childEnv(
  {
    SANKEY_DATA_DIR: dataDir,
    DATABASE_URL: cluster
      ? withPostgresSchema(scriptEnv.databaseUrl!, schema)
      : `file:${join(dataDir, 'sankey.db')}`,
    ...(cluster
      ? { SANKEY_NATS_URL: scriptEnv.natsUrl, SANKEY_CLUSTER: clusterName, SANKEY_RELAY_ID: 'demo-a' }
      : {}),
    SANKEY_API_TOKEN: apiToken,
    SANKEY_ADMIN_PASSWORD: adminPassword,
    SANKEY_ZMQ_RECEIVER_PORT: '0',
    SANKEY_ZMQ_PUBLISHER_PORT: '0',
    SANKEY_RELAY_HTTP_PORT: '0',
    PORT: String(webPort),
  },
  // Quiet by default; a LOG_LEVEL in the environment wins.
  { LOG_LEVEL: 'warn' },
);

const children: ChildProcess[] = [];
const sims: (SimMaster | SimSlave)[] = [];
let timer: NodeJS.Timeout | null = null;
let awayTimer: NodeJS.Timeout | null = null;
let backTimer: NodeJS.Timeout | null = null;
const AWAY_EVERY_MS = scriptEnv.demoAwayEveryMs;
const AWAY_MS = scriptEnv.demoAwayMs;
let stopping = false;

function startChild(name: string, cwd: string, args: string[], extra: Record<string, string> = {}) {
  // Own process group, so stopping also reaches next-server.
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...env, ...extra },
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  children.push(child);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      say(`${name} exited (${signal ?? code}); stopping the demo`);
      void stop(1);
    }
  });
  return child;
}

async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  say('\nstopping the demo…');
  if (timer) clearInterval(timer);
  if (awayTimer) clearInterval(awayTimer);
  if (backTimer) clearTimeout(backTimer);
  await Promise.all(sims.map((s) => s.stop().catch(() => {})));
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((done) => {
          if (c.exitCode !== null || c.signalCode !== null || c.pid === undefined) return done();
          const pid = c.pid;
          const force = setTimeout(() => {
            try {
              process.kill(-pid, 'SIGKILL');
            } catch {
              // gone
            }
          }, 10_000);
          c.once('exit', () => {
            clearTimeout(force);
            done();
          });
          try {
            process.kill(-pid, 'SIGTERM');
          } catch {
            done();
          }
        }),
    ),
  );
  rmSync(dataDir, { recursive: true, force: true });
  if (cluster) {
    rmSync(dataDirB, { recursive: true, force: true });
    await deleteClusterData(scriptEnv.natsUrl, clusterName, scriptEnv.natsAuth).catch((err: unknown) =>
      say(`the cluster's NATS data (${clusterName}) was not removed: ${String(err)}`),
    );
    await dropPostgresSchema(scriptEnv.databaseUrl!, schema).catch(() => {});
  }
  process.exit(code);
}
process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));

try {
  say(`demo data directory: ${dataDir}`);
  const relayPorts = (dir: string) =>
    waitFor(`the relay in ${dir}`, () => {
      try {
        const p = (
          JSON.parse(readFileSync(join(dir, 'runtime.json'), 'utf8')) as {
            ports?: { receiver?: number; publisher?: number; relayHttp?: number };
          }
        ).ports;
        return p?.receiver && p.publisher && p.relayHttp ? (p as Required<typeof p>) : null;
      } catch {
        return null;
      }
    });
  startChild(cluster ? 'relay A' : 'relay', join(root, 'apps/relay'), ['--import', 'tsx', 'src/main.ts']);
  const ports = await relayPorts(dataDir);
  // Cluster: relay B on the same database (relay A migrated it) and the same NATS cluster; the slaves connect here.
  const portsB = cluster
    ? await (async () => {
        startChild('relay B', join(root, 'apps/relay'), ['--import', 'tsx', 'src/main.ts'], {
          SANKEY_DATA_DIR: dataDirB,
          SANKEY_RELAY_ID: 'demo-b',
          SANKEY_SKIP_MIGRATE: '1',
        });
        return relayPorts(dataDirB);
      })()
    : ports;
  startChild(
    'web',
    join(root, 'apps/web'),
    [join(root, 'node_modules/next/dist/bin/next'), 'start', '-p', String(webPort), '-H', '127.0.0.1'],
    { SANKEY_RELAY_URL: `http://127.0.0.1:${ports.relayHttp}`, SANKEY_SKIP_MIGRATE: '1' },
  );
  const baseUrl = `http://127.0.0.1:${webPort}`;
  await waitFor('the web app', async () => {
    try {
      return (await fetch(`${baseUrl}/login`)).ok ? true : null;
    } catch {
      return null;
    }
  });

  // One group, three slaves with different settings, everything switched on — through the public API.
  const res = await fetch(`${baseUrl}/api/trpc/tradeGroups.create`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      id: MASTER,
      masterSettings: { enabled: true, symbolSuffix: '.m' },
      members: SLAVES.map((s) => ({ slaveAccount: s.id, enabled: true, slaveSettings: s.settings })),
    }),
  });
  if (!res.ok) throw new Error(`tradeGroups.create failed: ${res.status} ${await res.text()}`);

  const endpoints = {
    receiverEndpoint: `tcp://127.0.0.1:${ports.receiver}`,
    publisherEndpoint: `tcp://127.0.0.1:${ports.publisher}`,
  };
  const endpointsB = {
    receiverEndpoint: `tcp://127.0.0.1:${portsB.receiver}`,
    publisherEndpoint: `tcp://127.0.0.1:${portsB.publisher}`,
  };
  const master = new SimMaster({
    accountId: MASTER,
    ...endpoints,
    broker: 'Demo_Broker',
    accountNumber: 1001,
    balance: 25_000,
    leverage: 500,
    symbolContext: { detected_prefix: '', detected_suffix: '.m', available_special_symbols: [] },
  });
  sims.push(master);
  const makeSlave = (i: number, s: (typeof SLAVES)[number]) => {
    const slave = new SimSlave({
      accountId: s.id,
      ...endpointsB,
      broker: ['Alpha_Markets', 'Beta_FX', 'Gamma_Trade'][i],
      accountNumber: 2001 + i,
      platform: i === 1 ? 'MT4' : 'MT5',
      balance: 10_000 * (i + 1),
    });
    // Like the real DLL, a slave subscribes `trade/<master>/` and so may act on a copy addressed to another
    // slave of the same master first (docs/protocol.md §12); the line says so.
    slave.on(
      'command',
      (c: {
        kind: string;
        ticket: number;
        symbol?: string;
        orderType?: string;
        lots?: number;
        topic: string;
      }) => {
        const via =
          c.topic === `trade/${MASTER}/${s.id}` ? '' : ` (copy addressed to ${c.topic.split('/')[2]})`;
        say(
          `  ${s.id.padEnd(13)} ${c.kind.padEnd(6)} #${c.ticket} ${c.symbol ?? ''} ${c.orderType ?? ''} ${c.lots ?? ''}${via}`,
        );
      },
    );
    return slave;
  };
  for (const [i, s] of SLAVES.entries()) sims.push(makeSlave(i, s));
  await Promise.all(sims.map((s) => s.start()));

  // The last slave's terminal drops out for AWAY_MS every AWAY_EVERY_MS (20 s a minute unless SANKEY_DEMO_AWAY_MS
  // and SANKEY_DEMO_AWAY_EVERY_MS say otherwise; gone without Unregister, as a crash or a lost network), so the EA health and Deliveries pages have something to show: its copies wait (parked), a stale
  // Open becomes a dead letter, and when it is back the relay hands it what waited.
  const awayIndex = SLAVES.length - 1;
  const away = SLAVES[awayIndex]!;
  awayTimer = setInterval(() => {
    const i = sims.findIndex((x) => x.accountId === away.id);
    const gone = sims[i] as SimSlave | undefined;
    if (!gone || stopping) return;
    say(`  ${away.id} goes offline for ${AWAY_MS / 1000} s (its copies wait on the Deliveries page)`);
    void gone.stop({ unregister: false }).then(() => {
      backTimer = setTimeout(() => {
        if (stopping) return;
        const back = makeSlave(awayIndex, away);
        // The same terminal: its positions survived.
        back.brain.adoptPositions(gone.brain);
        sims[i] = back;
        back.start().then(
          () => say(`  ${away.id} is back`),
          (err: unknown) => say(`${away.id} could not come back: ${String(err)}`),
        );
      }, AWAY_MS);
    });
  }, AWAY_EVERY_MS);

  say('');
  say('  Sankey Copier demo is running');
  say(`  Open      ${baseUrl}`);
  say(`  Password  ${adminPassword}`);
  say(`  API token ${apiToken}`);
  if (cluster) {
    say(
      `  Cluster ${clusterName}: the master on relay A (:${ports.receiver}), the slaves on relay B (:${portsB.receiver})`,
    );
  }
  say(`  Master ${MASTER} copies to:`);
  for (const s of SLAVES) say(`    ${s.id}  ${s.what}`);
  say(
    `  The master opens and closes random trades every ~${scriptEnv.demoTradeEveryMs / 1000} s. Ctrl-C stops everything.`,
  );
  say(
    `  ${away.id} goes offline for ${AWAY_MS / 1000} s every ${AWAY_EVERY_MS / 1000} s: watch EA health and Deliveries.`,
  );
  say('');

  let ticket = 1000;
  const open: number[] = [];
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!;
  timer = setInterval(() => {
    const doOpen = open.length < 2 || (open.length < 6 && Math.random() < 0.55);
    const step = doOpen
      ? master
          .open({
            ticket: ++ticket,
            symbol: pick(SYMBOLS),
            orderType: pick(['Buy', 'Sell'] as const),
            lots: Math.round((0.01 + Math.random() * 0.49) * 100) / 100,
            openPrice: 1 + Math.random(),
          })
          .then(() => {
            open.push(ticket);
            say(`${MASTER} open  #${ticket}`);
          })
      : master.close(open.splice(Math.floor(Math.random() * open.length), 1)[0]!).then((sig) => {
          say(`${MASTER} close #${sig.ticket}`);
        });
    step.catch((err: unknown) => say(`trade failed: ${String(err)}`));
  }, scriptEnv.demoTradeEveryMs);
} catch (err) {
  say(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  await stop(1);
}
