// Item 4: where the time goes. Both runs start the relay alone (as scripts/start.ts starts it) because they need
// node flags in it: the hop probe (hop-probe.mjs) for the per-hop breakdown, `--cpu-prof` for the profiles.
// Neither run's latencies are the headline figures; those come from the `npm start` runs.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { benchEnv } from './env';
import { Fleet } from './fanout';
import { heartbeatAll } from './fanout-suite';
import { slaveIds } from './ids';
import { root, startProcess, startStack } from './stack';
import { type Dist, dist, sleep } from './stats';

export interface HopRow {
  slaves: number;
  signals: number;
  /** µs: bench push → relay read; relay read → last copy accepted by the PUB socket; → last copy received. */
  pushToRead: Dist;
  readToLastSend: Dist;
  lastSendToReceive: Dist;
  endToEnd: Dist;
}

export async function hopSuite(log: (line: string) => void): Promise<HopRow[]> {
  const rows: HopRow[] = [];
  for (const n of [1, 100]) {
    const dir = mkdtempSync(join(tmpdir(), 'sankey-probe-'));
    const out = join(dir, 'stamps.json');
    const group = { master: `H${n}`, slaves: slaveIds(`H${n}`, n) };
    const stack = await startStack({
      mode: 'relay',
      groups: [group],
      nodeFlags: ['--import', join(import.meta.dirname, 'hop-probe.mjs')],
      env: { BENCH_PROBE_OUT: out, SANKEY_HEARTBEAT_TIMEOUT_S: '3600' },
    });
    const fleet = new Fleet(
      group.master,
      n,
      'exact',
      `tcp://127.0.0.1:${stack.receiver}`,
      `tcp://127.0.0.1:${stack.publisher}`,
    );
    const warmup = Math.min(benchEnv.warmup, 500);
    const signals = Math.min(benchEnv.signals, 1000);
    try {
      await heartbeatAll(stack.receiver, [group]);
      await sleep(300 + n);
      await fleet.run('closed', signals, warmup);
    } finally {
      await fleet.close();
      await stack.stop();
    }
    const { reads, sends } = JSON.parse(readFileSync(out, 'utf8')) as { reads: number[]; sends: number[] };
    rmSync(dir, { recursive: true, force: true });
    const total = warmup + signals;
    if (reads.length !== total || sends.length !== total * n) {
      log(
        `hops N=${n}: probe saw ${reads.length} reads / ${sends.length} sends, expected ${total} / ${total * n}; skipped`,
      );
      continue;
    }
    const h = [[], [], [], []] as number[][];
    for (let k = warmup; k < total; k++) {
      const lastSend = sends[k * n + n - 1]!;
      h[0]!.push(reads[k]! - fleet.sendAt[k]!);
      h[1]!.push(lastSend - reads[k]!);
      h[2]!.push(fleet.lastRecv[k]! - lastSend);
      h[3]!.push(fleet.lastRecv[k]! - fleet.sendAt[k]!);
    }
    const row: HopRow = {
      slaves: n,
      signals,
      pushToRead: dist(h[0]!),
      readToLastSend: dist(h[1]!),
      lastSendToReceive: dist(h[2]!),
      endToEnd: dist(h[3]!),
    };
    rows.push(row);
    const f = (d: Dist) => `p50 ${d.p50.toFixed(0)} p99 ${d.p99.toFixed(0)}`;
    log(
      `hops N=${n} (µs): push→read ${f(row.pushToRead)} | read→last send ${f(row.readToLastSend)} | ` +
        `last send→receive ${f(row.lastSendToReceive)} | end to end ${f(row.endToEnd)}`,
    );
  }
  return rows;
}

export interface ProfileSummary {
  load: string;
  /** ms of samples (idle excluded). */
  busyMs: number;
  categories: { name: string; pct: number }[];
  functions: { name: string; pct: number }[];
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

function category(fn: string, url: string): string {
  if (fn.startsWith('(')) return fn;
  if (url === '') return '(native: ZeroMQ binding, builtins)';
  if (url.startsWith('wasm')) return 'core-as (WASM)';
  if (url.startsWith('node:')) return 'node internals';
  const m = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  const path = relative(root, url.replace(/^file:\/\//, ''));
  return path
    .split('/')
    .slice(0, path.startsWith('apps/relay/src') ? 4 : 2)
    .join('/');
}

export function summarise(load: string, file: string): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
  const cats = new Map<string, number>();
  const fns = new Map<string, number>();
  let busy = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const cf = byId.get(p.samples[i]!)!;
    if (cf.functionName === '(idle)') continue;
    const dt = p.timeDeltas[i] ?? 0;
    busy += dt;
    const cat = category(cf.functionName, cf.url);
    cats.set(cat, (cats.get(cat) ?? 0) + dt);
    const where = cf.url ? ` ${cf.url.split('/').slice(-2).join('/')}:${cf.lineNumber + 1}` : '';
    const key = `${cf.functionName || '(anonymous)'}${where}`;
    fns.set(key, (fns.get(key) ?? 0) + dt);
  }
  const top = (m: Map<string, number>, k: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([name, t]) => ({ name, pct: (100 * t) / busy }));
  return { load, busyMs: busy / 1000, categories: top(cats, 10), functions: top(fns, 12) };
}

/** The relay's main-thread profile among those `--cpu-prof` wrote (workers write their own). */
function relayProfile(dir: string): string | undefined {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  return files.map((f) => join(dir, f)).find((f) => readFileSync(f, 'utf8').includes('transport/zmq.ts'));
}

export async function profileSuite(log: (line: string) => void): Promise<ProfileSummary[]> {
  const out: ProfileSummary[] = [];
  const loads: [string, (s: Awaited<ReturnType<typeof startStack>>) => Promise<void>][] = [
    [
      '1,000 slaves (closed + open loop)',
      async (stack) => {
        const fleet = new Fleet(
          'P1000',
          1000,
          'exact',
          `tcp://127.0.0.1:${stack.receiver}`,
          `tcp://127.0.0.1:${stack.publisher}`,
        );
        await sleep(1300);
        await fleet.run('closed', 300, 100);
        await fleet.run('open', 300, 0);
        await fleet.close();
      },
    ],
    [
      '10,000 EAs heartbeating at 1 Hz',
      async (stack) => {
        const gen = await startProcess(
          [
            '--import',
            'tsx',
            join(import.meta.dirname, 'hb-load.ts'),
            `tcp://127.0.0.1:${stack.receiver}`,
            '10000',
            String(benchEnv.heartbeatSeconds),
          ],
          {},
          /^started\n/,
        );
        await gen.exited;
      },
    ],
  ];
  for (const [load, drive] of loads) {
    const dir = mkdtempSync(join(tmpdir(), 'sankey-prof-'));
    const group = { master: 'P1000', slaves: slaveIds('P1000', 1000) };
    const stack = await startStack({
      mode: 'relay',
      groups: [group],
      nodeFlags: ['--cpu-prof', '--cpu-prof-dir', dir],
      env: { SANKEY_HEARTBEAT_TIMEOUT_S: '3600', SANKEY_MAX_CONNECTIONS: '100000' },
    });
    try {
      await heartbeatAll(stack.receiver, [group]);
      await drive(stack);
    } finally {
      await stack.stop();
    }
    const file = relayProfile(dir);
    if (file) {
      const s = summarise(load, file);
      out.push(s);
      log(
        `profile, ${load}: ${s.busyMs.toFixed(0)} ms busy; ` +
          s.categories.map((c) => `${c.name} ${c.pct.toFixed(1)} %`).join(', '),
      );
    } else log(`profile, ${load}: no relay profile written`);
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
