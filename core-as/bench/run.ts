// npm run bench -w @sankey/core-as: WASM vs reference, per-signal copy evaluation and bulk status evaluation.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CoreEngine, MemberRule, SignalInput } from '../src/api';
import { createReferenceEngine } from '../src/reference/engine';
import { createWasmEngine } from '../src/wasm/engine';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SIZES = [1, 10, 100, 1000, 10_000];
const ROUNDS = 15;
const ROUND_MEMBER_EVALS = 400_000; // per round, so every size gets a measurable round

/** Deterministic PRNG (mulberry32) so both engines and every run see the same member mix. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYMBOLS = [
  'EURUSD',
  'GBPUSD',
  'USDJPY',
  'AUDUSD',
  'XAUUSD',
  'XAGUSD',
  'US30',
  'US100',
  'BTCUSD',
  'EURJPY',
];

function members(n: number): MemberRule[] {
  const r = rng(n * 7919 + 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const some = (k: number) => Array.from({ length: k }, () => pick(SYMBOLS));
  return Array.from({ length: n }, (_, i) => {
    const connected = r() < 0.85; // some members are not connected (persisted status 0/1)
    const hasCtx = r() < 0.6;
    return {
      slaveAccount: `slave-${String(i).padStart(6, '0')}`,
      status: connected ? 2 : pick([0, 1]),
      settings: {
        symbolPrefix: pick([null, null, '', 'fx.']),
        symbolSuffix: pick([null, '.m', '-ECN', '.raw', '']),
        symbolMappings:
          r() < 0.4
            ? [
                { sourceSymbol: 'XAUUSD', targetSymbol: 'GOLD' },
                { sourceSymbol: pick(SYMBOLS), targetSymbol: `${pick(SYMBOLS)}x` },
              ]
            : [],
        filters: {
          allowedSymbols: r() < 0.3 ? some(3 + Math.floor(r() * 3)) : null,
          blockedSymbols: r() < 0.2 ? some(1 + Math.floor(r() * 2)) : null,
          allowedMagicNumbers: r() < 0.1 ? [0, 12345, 777] : null,
          blockedMagicNumbers: r() < 0.05 ? [999] : null,
        },
        copyPendingOrders: r() < 0.5,
        sourceLotMin: r() < 0.2 ? 0.01 : null,
        sourceLotMax: r() < 0.2 ? 10 : null,
        maxSignalDelayMs: 5000,
      },
      // D22: 5 % of members have a control tripped (close-only); every Open is dated for the stale check.
      risk: r() < 0.05 ? 1 << Math.floor(r() * 4) : 0,
      symbolContext: hasCtx
        ? {
            detectedPrefix: '',
            detectedSuffix: pick(['', '.pro', 'm']),
            availableSpecialSymbols: r() < 0.5 ? ['GOLD', 'NAS100', 'DJI'] : ['XAUUSD'],
          }
        : null,
    };
  });
}

/** A realistic stream: mostly market opens with symbols (master suffix `.r`), some pending, closes, modifies. */
const SIGNALS: SignalInput[] = (() => {
  const r = rng(42);
  return Array.from({ length: 64 }, (_, k) => {
    const sym = `${SYMBOLS[k % SYMBOLS.length]!}.r`;
    const u = r();
    if (u < 0.6)
      return {
        action: 'Open',
        orderType: r() < 0.5 ? 'Buy' : 'Sell',
        lots: 0.1 + r(),
        symbol: sym,
        magicNumber: 12345,
        ageMs: 40,
      };
    if (u < 0.75)
      return { action: 'Open', orderType: 'BuyLimit', lots: 0.5, symbol: sym, magicNumber: 0, ageMs: 40 };
    if (u < 0.9) return { action: 'Close', orderType: 'Buy' };
    return { action: 'Modify', orderType: 'Buy' };
  });
})();

let sink = 0;

function signalRound(e: CoreEngine, n: number, iterations: number): number {
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < iterations; k++) {
    const res = e.evaluateSignal('M', SIGNALS[k & 63]!);
    for (let i = 0; i < res.length; i++) {
      if (res.accepted(i)) sink += res.symbol(i)?.length ?? 1;
      else sink += res.reasonCode(i);
    }
  }
  return Number(process.hrtime.bigint() - t0) / (iterations * n);
}

function statusRound(e: CoreEngine, n: number, iterations: number): number {
  const b = e.memberStatusBuffers(n);
  const r = rng(n);
  for (let i = 0; i < n; i++) {
    b.enabled[i] = r() < 0.9 ? 1 : 0;
    b.slaveOnline[i] = r() < 0.85 ? 1 : 0;
    b.slaveTradeAllowed[i] = r() < 0.95 ? 1 : 0;
    const masterOk = r() < 0.8;
    b.masterStatus[i] = masterOk ? 2 : 0;
    b.masterWarnings[i] = masterOk ? 0 : 16;
  }
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < iterations; k++) {
    const out = e.evaluateMembers(b, n);
    for (let i = 0; i < n; i++) sink += out.status[i]! + out.warnings[i]! + out.allowNewOrders[i]!;
  }
  return Number(process.hrtime.bigint() - t0) / (iterations * n);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Row {
  kind: 'signal' | 'status';
  members: number;
  wasmNsPerMember: number;
  refNsPerMember: number;
}

function measure(kind: Row['kind'], n: number): Row {
  const engines = { wasm: createWasmEngine(), ref: createReferenceEngine() };
  const rules = members(n);
  for (const e of Object.values(engines))
    e.compileMaster('M', { symbolPrefix: null, symbolSuffix: '.r' }, rules);
  const iterations = Math.max(64, Math.ceil(ROUND_MEMBER_EVALS / n));
  const round = kind === 'signal' ? signalRound : statusRound;
  const samples = { wasm: [] as number[], ref: [] as number[] };
  for (let warm = 0; warm < 3; warm++) {
    round(engines.wasm, n, iterations);
    round(engines.ref, n, iterations);
  }
  // Interleave the engines round by round so drift (GC, CPU frequency) hits both alike.
  for (let k = 0; k < ROUNDS; k++) {
    samples.wasm.push(round(engines.wasm, n, iterations));
    samples.ref.push(round(engines.ref, n, iterations));
  }
  return { kind, members: n, wasmNsPerMember: median(samples.wasm), refNsPerMember: median(samples.ref) };
}

const loadAtStart = loadavg()[0]!;
const rows: Row[] = [];
for (const kind of ['signal', 'status'] as const) for (const n of SIZES) rows.push(measure(kind, n));

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const table = [
  '| kind | members | WASM ns/member | reference ns/member | speed-up (ref / WASM) |',
  '|---|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.kind} | ${r.members.toLocaleString('en-US')} | ${fmt(r.wasmNsPerMember)} | ${fmt(r.refNsPerMember)} | ${(r.refNsPerMember / r.wasmNsPerMember).toFixed(2)}× |`,
  ),
].join('\n');
console.log(table);
if (sink === 42) console.log(''); // keep results observable so nothing is optimised away

const resultsDir = resolve(REPO, 'bench/results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(resolve(resultsDir, 'core-as.json'), `${JSON.stringify({ rows }, null, 2)}\n`);

const section = [
  '## core-as',
  '',
  `Copy evaluation (one \`evaluateSignal\` per trade signal, all members of the master, reading accepted/reason/symbol`,
  `for every member) and bulk status evaluation (\`evaluateMembers\` over the engine's own input buffers, reading`,
  `every output). Median of ${ROUNDS} interleaved rounds after warm-up; Node ${process.version}, ${process.arch},`,
  `${availableParallelism()} CPUs, 1-min load average ${loadAtStart.toFixed(1)} at start (the machine is shared: absolute`,
  'numbers move with load, the ratio is the figure to read).',
  'Member mix: 85 % connected, 30 % allowed-symbol lists of 3–5, 20 % blocked lists, 40 % with two mappings,',
  '60 % with a symbol context (auto-mapping, detected suffix), mixed affixes; signals: 75 % opens with a symbol',
  '(15 % pending), 25 % closes/modifies. Risk controls (D22): every member has a signal-delay limit, 5 % have a',
  'control tripped, every Open carries its age. Source: `core-as/bench/run.ts`, raw numbers in `bench/results/core-as.json`.',
  '',
  table,
  '',
].join('\n');
const mdPath = resolve(REPO, 'BENCHMARKS.md');
let md = '';
try {
  md = readFileSync(mdPath, 'utf8');
} catch {
  md = '# Benchmarks\n\n';
}
const start = md.indexOf('\n## core-as\n');
const at = md.startsWith('## core-as\n') ? 0 : start >= 0 ? start + 1 : -1;
if (at >= 0) {
  const next = md.indexOf('\n## ', at + 1);
  md = md.slice(0, at) + section + (next >= 0 ? md.slice(next + 1) : '');
} else {
  md = `${md.trimEnd()}\n\n${section}`;
}
writeFileSync(mdPath, md);
console.log(`wrote ${resolve(resultsDir, 'core-as.json')} and the "## core-as" section of ${mdPath}`);
