// `npm run bench:compare -- --base <commit> [--head <commit>] [--n 1,10,100] [--signals K] [--rounds R]
// [--warmup W] [--cache-dir DIR]`, or `--report <saved json>` to print a saved run's table again. The relay of
// <commit> against this checkout's (or <head>'s), same machine, same measuring code (this checkout's Fleet: closed
// loop, one SUB per slave on its exact topic, members enabled at status 2), in rounds: base then head in odd
// rounds, head then base in even ones, a fresh relay process and database per turn. Writes
// bench/results/compare-<base>[-<head>].json and prints a markdown table (BENCHMARKS.md, "Comparing against a
// commit").
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Fleet, warmupFor } from '../fanout';
import { heartbeatAll } from '../fanout-suite';
import { slaveIds } from '../ids';
import { root } from '../stack';
import { histogramQuantile, sleep } from '../stats';
import { startTreeRelay } from './relay';
import { compareTable, type NSummary, summarize, type TurnFigures } from './summary';
import { prepareTree, resolveCommit } from './tree';

const { values: opts } = parseArgs({
  options: {
    base: { type: 'string' },
    head: { type: 'string' },
    n: { type: 'string', default: '1,10,100' },
    signals: { type: 'string', default: '2000' },
    // 7: the verdict's false-alarm rate for equal relays is 3.5 % per N (BENCHMARKS.md).
    rounds: { type: 'string', default: '7' },
    warmup: { type: 'string' },
    'cache-dir': { type: 'string', default: join(tmpdir(), 'sankey-bench-compare') },
    report: { type: 'string' },
  },
});
if (opts.report) {
  // Re-prints the table of a saved run (its per-round figures summarized again by summary.ts).
  // A path from here (bench/ under npm) or from the repository root.
  const file = existsSync(opts.report) ? opts.report : join(root, opts.report);
  const saved = JSON.parse(readFileSync(file, 'utf8')) as {
    base: string;
    head: string;
    headIsWorkingTree: boolean;
    loadAverageAtStart: string;
    loadAverageAtEnd: string;
    rows: { n: number; base: { rounds: TurnFigures[] }; head: { rounds: TurnFigures[] } }[];
  };
  const rows = saved.rows.map((r) => summarize(r.n, r.base.rounds, r.head.rounds));
  const headOf = saved.head.slice(0, 10) + (saved.headIsWorkingTree ? ' + working tree' : '');
  process.stdout.write(
    `load average ${saved.loadAverageAtStart} at start, ${saved.loadAverageAtEnd} at the end\n` +
      `${compareTable(rows, saved.base.slice(0, 10), headOf)}\n`,
  );
  process.exit(0);
}
if (!opts.base) {
  process.stderr.write(
    'usage: npm run bench:compare -- --base <commit> [--head <commit>] [--n 1,10,100] ' +
      '[--signals K] [--rounds R] [--warmup W] [--cache-dir DIR] | --report <results json>\n',
  );
  process.exit(2);
}
const sizes = opts.n.split(',').map(Number);
const signals = Number(opts.signals);
const rounds = Number(opts.rounds);
const warmup = (n: number) => (opts.warmup === undefined ? warmupFor(n) : Number(opts.warmup));
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !(signals > 0) || !(rounds >= 1)) {
  process.stderr.write('--n takes positive integers, --signals and --rounds positive numbers\n');
  process.exit(2);
}

const log = (line: string) => process.stdout.write(`${line}\n`);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
const baseCommit = resolveCommit(root, opts.base);
const base = prepareTree(root, baseCommit, opts['cache-dir'], log);
const head = opts.head
  ? { ...prepareTree(root, resolveCommit(root, opts.head), opts['cache-dir'], log), isHere: false }
  : { commit: resolveCommit(root, 'HEAD'), dir: root, preparedS: 0, isHere: true };
const headLabel = opts.head
  ? head.commit.slice(0, 10)
  : `this checkout (${head.commit.slice(0, 10)} + working tree)`;
const preparedS = base.preparedS + head.preparedS;
const started = Date.now();
const sides = {
  base: { dir: base.dir, isHere: false },
  head: { dir: head.dir, isHere: head.isHere },
};

const groups = sizes.map((n) => ({ master: `M${n}`, slaves: slaveIds(`M${n}`, n) }));
const figures = {
  base: new Map<number, TurnFigures[]>(sizes.map((n) => [n, []])),
  head: new Map<number, TurnFigures[]>(sizes.map((n) => [n, []])),
};

/** One turn: a fresh relay of `side`, every N measured once, the relay stopped. */
async function turn(which: 'base' | 'head', round: number): Promise<void> {
  const relay = await startTreeRelay(sides[which].dir, sides[which].isHere, groups);
  try {
    await heartbeatAll(relay.receiverPort, groups);
    for (const n of sizes) {
      const fleet = new Fleet(`M${n}`, n, 'exact', relay.receiver, relay.publisher);
      await sleep(300 + n);
      let before = '';
      const run = await fleet.run('closed', signals, warmup(n), {
        between: async () => {
          before = await relay.metrics().catch(() => '');
        },
      });
      await fleet.close();
      const after = await relay.metrics().catch(() => '');
      const internal = (q: number) =>
        before && after
          ? histogramQuantile(before, after, 'sankey_relay_latency_seconds', q) * 1e6
          : undefined;
      const t: TurnFigures = {
        round,
        p50: run.frame.p50,
        p99: run.frame.p99,
        p999: run.frame.p999,
        max: run.frame.max,
        signalsPerS: run.signalsPerS,
        missing: run.missing,
        internalP50: internal(0.5),
        internalP99: internal(0.99),
      };
      figures[which].get(n)!.push(t);
      log(
        `round ${round} ${which} N=${n}: p50 ${t.p50.toFixed(0)} µs p99 ${t.p99.toFixed(0)} µs ` +
          `${t.signalsPerS.toFixed(0)} sig/s missing ${t.missing} (load ${load()})`,
      );
    }
  } finally {
    await relay.stop();
  }
}

const loadAtStart = load();
log(`machine: ${cpus().length} × ${cpus()[0]?.model}, load average ${loadAtStart}`);
log(
  `base ${baseCommit.slice(0, 10)}, head ${headLabel}; N = ${sizes.join(', ')}; ${signals} signals; ${rounds} rounds`,
);
for (let r = 1; r <= rounds; r++) {
  const order: ('base' | 'head')[] = r % 2 ? ['base', 'head'] : ['head', 'base'];
  for (const which of order) await turn(which, r);
}
const loadAtEnd = load();
const minutes = (Date.now() - started) / 60_000;

const rows: NSummary[] = sizes.map((n) => summarize(n, figures.base.get(n)!, figures.head.get(n)!));
const table = compareTable(rows, baseCommit.slice(0, 10), headLabel);
const shortBase = baseCommit.slice(0, 7);
const results = join(root, 'bench/results');
mkdirSync(results, { recursive: true });
// compare-<base>.json against this checkout, compare-<base>-<head>.json against another commit.
const file = join(results, `compare-${shortBase}${opts.head ? `-${head.commit.slice(0, 7)}` : ''}.json`);
writeFileSync(
  file,
  `${JSON.stringify(
    {
      measuredAt: new Date().toISOString(),
      node: process.version,
      cpus: `${cpus().length} × ${cpus()[0]?.model}`,
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: loadAtEnd,
      /** The measuring rounds; `treesPreparedS` came before them (0 when the trees were cached). */
      minutes,
      treesPreparedS: preparedS,
      base: baseCommit,
      head: head.commit,
      headIsWorkingTree: head.isHere,
      signals,
      rounds,
      rows,
    },
    null,
    2,
  )}\n`,
);
log(
  `\nload average (1/5/15 min) ${loadAtStart} at start, ${loadAtEnd} at the end; took ${minutes.toFixed(1)} min`,
);
log(`${table}\n\nraw: ${file}`);
