// Cross-relay copy latency (cluster mode, docs/cluster.md): two relay processes on one PostgreSQL schema and the
// machine's nats-server. Master on relay A, N slaves on relay B, against the same copy with master and slaves all
// on relay B, in the same run and the same relays. Latency = master send → slave receive per frame (one process,
// one monotonic clock), closed loop, exact subscriptions.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { withPostgresSchema } from '@sankey/db/urls';
import { clusterNames } from '@sankey/shared/cluster/names';
import pg from 'pg';
import { Push } from 'zeromq';
import { formatHops, type HopRun, hops, readStamps } from './cluster-hops';
import { benchEnv } from './env';
import { type FanoutRun, Fleet, warmupFor } from './fanout';
import { slaveIds } from './ids';
import { cpuTicks, TICK_US } from './proc-cpu';
import { heartbeatFrame } from './signals';
import { API_TOKEN, root, seed, startProcess } from './stack';
import { type Dist, sleep } from './stats';

/** A run with the relays' main-thread CPU per measured signal (µs). */
export type RelayRun = FanoutRun & { aMainCpuUs: number; bMainCpuUs: number };

export interface ClusterRow {
  slaves: number;
  local: RelayRun;
  cross: RelayRun;
}

async function heartbeats(receiver: number, accounts: [string, 'Master' | 'Slave'][]): Promise<void> {
  const push = new Push({ linger: 1000, sendHighWaterMark: 1_000_000 });
  push.connect(`tcp://127.0.0.1:${receiver}`);
  for (const [id, type] of accounts) await push.send(heartbeatFrame(id, type));
  await sleep(500);
  push.close();
}

async function relay(id: string, url: string, cluster: string, nodeFlags: string[] = [], probeOut?: string) {
  const dataDir = mkdtempSync(join(tmpdir(), `sankey-bench-${id}-`));
  const proc = await startProcess(
    [...nodeFlags, '--import', 'tsx', 'src/main.ts'],
    {
      DATABASE_URL: url,
      SANKEY_SKIP_MIGRATE: '1',
      SANKEY_DATA_DIR: dataDir,
      SANKEY_ZMQ_RECEIVER_PORT: '0',
      SANKEY_ZMQ_PUBLISHER_PORT: '0',
      SANKEY_RELAY_HTTP_PORT: '0',
      SANKEY_API_TOKEN: API_TOKEN,
      SANKEY_HEARTBEAT_TIMEOUT_S: '3600',
      SANKEY_NATS_URL: benchEnv.natsUrl,
      SANKEY_CLUSTER: cluster,
      SANKEY_RELAY_ID: id,
      LOG_LEVEL: 'warn',
      ...(probeOut ? { BENCH_PROBE_OUT: probeOut } : {}),
    },
    /relay ready (\{.*\})/,
    join(benchEnv.clusterRelayRoot ?? root, 'apps/relay'),
  );
  const stop = async () => {
    await proc.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { ...(JSON.parse(proc.line[1]!) as { receiver: number; publisher: number }), pid: proc.pid, stop };
}

export async function clusterSuite(log: (line: string) => void): Promise<ClusterRow[] | null> {
  const base = benchEnv.postgresUrl;
  if (!base) {
    log('cross-relay: skipped (set BENCH_POSTGRES_URL or TEST_POSTGRES_URL: cluster mode needs PostgreSQL)');
    return null;
  }
  const suffix = randomBytes(4).toString('hex');
  const schema = `bench_cluster_${suffix}`;
  const cluster = `bench${suffix}`;
  const url = withPostgresSchema(base, schema);
  const sizes = benchEnv.clusterFanout;
  const groups = sizes.flatMap((n) => [
    { master: `X${n}`, slaves: slaveIds(`X${n}`, n) },
    { master: `L${n}`, slaves: slaveIds(`L${n}`, n) },
  ]);
  await seed(url, groups);
  const prof = benchEnv.clusterProfileDir;
  const hopDir = benchEnv.clusterHopsDir;
  const probe = join(import.meta.dirname, 'cluster-hop-probe.mjs');
  const flags = (who: string) => [
    ...(prof ? ['--cpu-prof', '--cpu-prof-dir', join(prof, who)] : []),
    ...(hopDir ? ['--import', probe] : []),
  ];
  const stamps = (who: string) => (hopDir ? join(hopDir, `${who}.json`) : undefined);
  const a = await relay('bench-a', url, cluster, flags('a'), stamps('a'));
  const b = await relay('bench-b', url, cluster, flags('b'), stamps('b'));
  const rows: ClusterRow[] = [];
  const hopRuns: HopRun[] = [];
  try {
    // Cross masters on A; local masters and every slave on B. B learns A's masters from the KV bucket.
    await heartbeats(
      a.receiver,
      sizes.map((n) => [`X${n}`, 'Master']),
    );
    await heartbeats(b.receiver, [
      ...groups.flatMap((g) => g.slaves.map((s) => [s, 'Slave'] as [string, 'Slave'])),
      ...sizes.map((n) => [`L${n}`, 'Master'] as [string, 'Master']),
    ]);
    await sleep(2000);
    const at = (r: { receiver: number; publisher: number }) => `tcp://127.0.0.1:${r.receiver}`;
    const pub = `tcp://127.0.0.1:${b.publisher}`;
    for (const n of sizes) {
      const run = async (master: string, receiver: string) => {
        const fleet = new Fleet(master, n, 'exact', receiver, pub);
        await sleep(300 + n);
        const signals = benchEnv.clusterSignals;
        const warmup = warmupFor(n);
        let fromA = 0;
        let fromB = 0;
        const r = await fleet.run('closed', signals, warmup, {
          between: async () => {
            fromA = cpuTicks(a.pid, true);
            fromB = cpuTicks(b.pid, true);
          },
        });
        // The relays' main threads (event loops) per measured signal, including the ack and persist work.
        const perSignal = (pid: number, from: number) => ((cpuTicks(pid, true) - from) * TICK_US) / signals;
        const cpu = { aMainCpuUs: perSignal(a.pid, fromA), bMainCpuUs: perSignal(b.pid, fromB) };
        await fleet.close();
        hopRuns.push({
          kind: master === `L${n}` ? 'local' : 'cross',
          slaves: n,
          warmup,
          sendAt: fleet.sendAt,
          lastRecv: fleet.lastRecv,
        });
        return { ...r, ...cpu };
      };
      const local = await run(`L${n}`, at(b));
      const cross = await run(`X${n}`, at(a));
      rows.push({ slaves: n, local, cross });
      const f = (d: Dist) => `p50 ${d.p50.toFixed(0)} µs p99 ${d.p99.toFixed(0)} µs`;
      log(
        `cross-relay N=${n}: one relay ${f(local.frame)} | master on A, slaves on B ${f(cross.frame)} ` +
          `(missing ${local.missing}/${cross.missing}); main-thread CPU per signal A ${local.aMainCpuUs.toFixed(0)} / ` +
          `${cross.aMainCpuUs.toFixed(0)} µs, B ${local.bMainCpuUs.toFixed(0)} / ${cross.bMainCpuUs.toFixed(0)} µs`,
      );
    }
  } finally {
    await a.stop();
    await b.stop();
    if (hopDir) {
      const [sa, sb] = [readStamps(stamps('a')!), readStamps(stamps('b')!)];
      for (const run of hopRuns) log(formatHops(run, hops(run, sa, sb)));
    }
    const names = clusterNames(cluster);
    const nc = await connect({ servers: benchEnv.natsUrl });
    const jsm = await jetstreamManager(nc);
    for (const s of [names.signalStream, `KV_${names.eaBucket}`, `KV_${names.relayBucket}`]) {
      await jsm.streams.delete(s).catch(() => {});
    }
    await nc.close();
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
  return rows;
}
