// The markdown tables of BENCHMARKS.md, with the targets of the benchmark issue beside the figures.

import { cpus, totalmem } from 'node:os';
import type { ClusterRow } from './cluster';
import type { HopRow, ProfileSummary } from './diagnostics';
import { benchEnv } from './env';
import type { FanoutRow } from './fanout-suite';
import type { HeartbeatStep } from './heartbeats';
import type { Dist } from './stats';
import type { StormResult } from './storm';

const us = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');
const signed = (n: number) => (Number.isFinite(n) ? `${n < 0 ? '−' : '+'}${Math.abs(n).toFixed(0)}` : '–');
const ms = (n: number) => (Number.isFinite(n) ? (n / 1000).toFixed(2) : '–');

export function machine(loadStart: string, loadEnd: string, minutes: number): string {
  return [
    `Last full run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}, ` +
      `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GB, Linux; ` +
      `1/5/15-min load average ${loadStart} at start and ${loadEnd} at the end (the machine is shared with other ` +
      `jobs: absolute figures move with load, the relay/forwarder ratios are measured back to back). Took ` +
      `${minutes.toFixed(1)} min.`,
    '',
    'Reproduce: `npm run bench` (builds, then `bench/src/run.ts`). Knobs (bench/src/env.ts): `BENCH_SIGNALS`,',
    '`BENCH_WARMUP`, `BENCH_FANOUT=1,10,100,1000`, `BENCH_PREFIX_FANOUT`, `BENCH_PREFIX_SIGNALS`, `BENCH_HB_STEPS`,',
    '`BENCH_HB_SECONDS`, `BENCH_OPEN_SIGNALS_LARGE`, `BENCH_STORM_MEMBERS`, `BENCH_FORWARDER_SOCKET=pub|xpub`, `BENCH_SKIP=core,fanout,prefix,',
    'heartbeat,storm,hops,profile,dblock,cluster`. Raw figures: `bench/results/*.json`.',
  ].join('\n');
}

export function clusterTable(rows: ClusterRow[]): string {
  const line = (r: ClusterRow) => {
    const added50 = r.cross.frame.p50 - r.local.frame.p50;
    const added99 = r.cross.frame.p99 - r.local.frame.p99;
    const ok = `${added50 <= 500 ? 'p50 ✓' : 'p50 ✗'} ${added99 < 2000 ? 'p99 ✓' : 'p99 ✗'}`;
    return (
      `| ${r.slaves} | ${r.cross.signals} | ${us(r.local.frame.p50)} | ${us(r.local.frame.p99)} | ` +
      `${us(r.cross.frame.p50)} | ${us(r.cross.frame.p99)} | ${us(r.cross.frame.max)} | ${signed(added50)} | ${signed(added99)} | ` +
      `${r.local.missing}/${r.cross.missing} | ${us(r.local.bMainCpuUs)} | ${us(r.cross.bMainCpuUs)} | ` +
      `${us(r.cross.aMainCpuUs)} | ${ok} |`
    );
  };
  return [
    'Cluster mode (docs/cluster.md): two relay processes (`apps/relay/src/main.ts`) on one PostgreSQL schema and the',
    "machine's nats-server 2.9 (JetStream, file storage). *One relay*: master and N slaves on relay B. *Across*: master",
    'on relay A, the same N slaves on relay B (A publishes to the stream, B consumes and fans out). Same run, same',
    'relays, measured one after the other. Latency = master send → slave receive per delivered frame, µs, closed loop,',
    'exact subscriptions, all sockets in the benchmark process. Target: across adds < 2 ms at p99 and ≤ 0.5 ms at p50.',
    'Needs PostgreSQL (`BENCH_POSTGRES_URL` or `TEST_POSTGRES_URL`) and nats-server (`BENCH_NATS_URL`, default',
    '127.0.0.1:4222); knobs `BENCH_CLUSTER_FANOUT`, `BENCH_CLUSTER_SIGNALS`; `BENCH_SKIP=cluster` leaves it out;',
    "`BENCH_CLUSTER_PROF=<dir>` writes both relays' CPU profiles; `BENCH_CLUSTER_HOPS=<dir>` logs where each",
    "signal's time goes, hop by hop (a probe in both relays, docs/cluster.md; its runs are not headline figures);",
    '`BENCH_CLUSTER_RELAY_ROOT=<checkout>` runs both relays from another checkout (an A/B against another commit in',
    'the same conditions). *CPU*: main-thread (event loop) CPU per measured signal, µs, of relay B (one relay /',
    'across) and of relay A (across), from /proc: steadier than latency on a loaded machine.',
    '',
    '| N | signals | one relay p50 | p99 | across p50 | p99 | max | added p50 | added p99 | missing | CPU B one relay | CPU B across | CPU A across | verdict |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(line),
  ].join('\n');
}

export function fanoutTable(rows: FanoutRow[]): string {
  const verdict = (r: FanoutRow) => {
    const n = r.relay.slaves;
    const p50 = r.relay.frame.p50;
    const f50 = r.forwarder.frame.p50;
    const p50ok = n <= 10 ? p50 - f50 <= 200 : n <= 100 ? p50 <= 1.1 * f50 : p50 <= 1.5 * f50;
    const p99ok = r.relay.frame.p99 <= 2 * r.forwarder.frame.p99;
    return `${p50ok ? 'p50 ✓' : 'p50 ✗'} ${p99ok ? 'p99 ✓' : 'p99 ✗'}`;
  };
  const row = (r: FanoutRow) => {
    const a = r.relay;
    const b = r.forwarder;
    return (
      `| ${a.slaves} | ${a.subscription} | ${a.mode}${a.mode === 'open' ? ` (${a.burst}/burst)` : ''} | ${a.signals} | ` +
      `${us(a.frame.p50)} | ${us(a.frame.p99)} | ${us(a.frame.p999)} | ${us(a.frame.max)} | ${a.signalsPerS.toFixed(0)} | ` +
      `${us(b.frame.p50)} | ${us(b.frame.p99)} | ${us(b.frame.p999)} | ${us(b.frame.max)} | ${b.signalsPerS.toFixed(0)} | ` +
      `${(a.frame.p50 / b.frame.p50).toFixed(2)}× / ${us(a.frame.p50 - b.frame.p50)} | ` +
      `${(a.frame.p99 / b.frame.p99).toFixed(2)}× | ${r.relayInternalP50Us !== undefined ? `${us(r.relayInternalP50Us)} / ${us(r.relayInternalP99Us ?? Number.NaN)}` : '–'} | ` +
      `${a.subscription === 'exact' && a.mode === 'closed' ? verdict(r) : ''} |`
    );
  };
  return [
    'One master, N slaves, every member enabled and at status 2; one SUB socket per slave. *exact*: each SUB on its',
    '`trade/<master>/<slave>` topic (N deliveries per signal); *prefix*: each SUB on `trade/<master>/` as the DLL',
    'subscribes, plus its exact topic as the MQL does (N² deliveries, shared-delivery cost). The forwarder is an',
    'XPUB like the relay; sending starts once it has seen every subscription (a bare publisher drops frames for',
    'subscribers it has not heard from; the relay parks them, D19). Latency = master send → slave receive per delivered frame,',
    'µs, all sockets in the benchmark process. Closed loop: send, wait for every slave, 1 ms pause. Open loop:',
    "bursts sent back to back (at most 8,000 frames per burst, under the relay's send-queue capacity; at N ≥ 1,000",
    '`BENCH_OPEN_SIGNALS_LARGE` signals, default 500, the closed loop keeps the full count). Opens and',
    'closes alternate. The relay runs through `scripts/start.ts` (relay + web app, own processes); the forwarder',
    `(bench/src/forwarder.ts, a bare PULL → ${benchEnv.forwarderSocket.toUpperCase()} republisher, no decoding) is measured right after it`,
    "on the same sockets. *Relay internal* = frame read → last copy handed to the socket, from the relay's",
    '`sankey_relay_latency_seconds`. Verdict against the targets: p50 within +200 µs at N ≤ 10, 1.1× at 100,',
    '1.5× at 1,000; p99 within 2×.',
    '',
    '| N | subs | loop | signals | relay p50 | p99 | p99.9 | max | sig/s | fwd p50 | p99 | p99.9 | max | sig/s | p50 ratio / diff | p99 ratio | relay internal p50 / p99 | targets |',
    '|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map(row),
  ].join('\n');
}

const d = (x: Dist) => `${ms(x.p50)} / ${ms(x.p99)}`;

export function heartbeatTable(steps: HeartbeatStep[]): string {
  return [
    'Simulated EAs (not members) heartbeat at 1 Hz from a generator process (bench/src/hb-load.ts, 4 PUSH sockets);',
    'a master→slave pair copies a signal every 20 ms meanwhile. Relay via `scripts/start.ts`; figures from its',
    '`/metrics` over the step after a 3 s ramp: heartbeats handled/s, `sankey_nodejs_eventloop_lag_p99_seconds`',
    '(sampled at 10 ms resolution, so an idle loop reads ≈ 10 ms), CPU (% of one core) and RSS. False timeouts =',
    "`EA heartbeat timeout` lines in the relay's log during the step (every EA keeps beating). Targets: 25,000 EAs",
    'with lag p99 < 20 ms, 0 false timeouts, copy p99 < 5 ms.',
    '',
    '| EAs | sent/s | handled/s | lag p99 ms | CPU % | RSS MB | false timeouts | copy p50 / p99 ms | kept up |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...steps.map(
      (s) =>
        `| ${s.eas.toLocaleString('en')} | ${s.offeredPerS.toFixed(0)} | ${s.handledPerS.toFixed(0)} | ${s.lagP99Ms.toFixed(1)} | ` +
        `${s.cpuPct.toFixed(0)} | ${s.rssMb.toFixed(0)} | ${s.falseTimeouts} | ${d(s.copy)} | ${s.keptUp ? 'yes' : 'no'} |`,
    ),
  ].join('\n');
}

export function stormTable(s: StormResult): string {
  const f = (n: number) => `${n.toFixed(0)} ms`;
  return [
    `A master with ${s.members.toLocaleString('en')} members (all at status 2), through the web API as \`npm start\``,
    'runs it (tRPC over HTTP, bearer token): time from the call to the last slave receiving its new config on',
    `\`config/<slave>\`. Member toggles: ${s.members.toLocaleString('en')} \`members.toggle\` calls, 8 in flight. Target: < 1 s to the last slave.`,
    '',
    '| storm | time to last slave |',
    '|---|---:|',
    `| \`tradeGroups.toggle\` off | ${f(s.groupOff)} |`,
    `| \`tradeGroups.toggle\` on | ${f(s.groupOn)} |`,
    `| ${s.members} × \`members.toggle\` off | ${f(s.membersOff)} |`,
    `| ${s.members} × \`members.toggle\` on | ${f(s.membersOn)} |`,
    `| ${s.members} slaves Register + Heartbeat spread over 1 s: last config (status 2) after first Register | ${f(s.registerLastMs)} |`,
    `| the same, per slave Register → its config, p50 / p99 | ${s.register.p50.toFixed(1)} / ${s.register.p99.toFixed(1)} ms |`,
  ].join('\n');
}

export function hopTable(rows: HopRow[]): string {
  return [
    'Closed loop, exact subscriptions, relay started alone with a probe preloaded (bench/src/hop-probe.mjs: stamps on',
    'the shared monotonic clock when the PULL socket hands over a signal and when the PUB socket accepts each trade',
    'frame). µs, p50 / p99.',
    '',
    '| N | signals | push → relay read | relay read → last send | last send → receive | end to end |',
    '|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.slaves} | ${r.signals} | ${us(r.pushToRead.p50)} / ${us(r.pushToRead.p99)} | ${us(r.readToLastSend.p50)} / ` +
        `${us(r.readToLastSend.p99)} | ${us(r.lastSendToReceive.p50)} / ${us(r.lastSendToReceive.p99)} | ${us(r.endToEnd.p50)} / ${us(r.endToEnd.p99)} |`,
    ),
  ].join('\n');
}

export function profileTable(profiles: ProfileSummary[]): string {
  const out = [
    "`--cpu-prof` of the relay's main thread (relay started alone with the flag). Share of busy (non-idle) samples.",
  ];
  for (const p of profiles) {
    out.push(
      '',
      `**${p.load}** — ${p.busyMs.toFixed(0)} ms busy.`,
      '',
      '| by package / relay module | % | top functions (self) | % |',
      '|---|---:|---|---:|',
    );
    for (let i = 0; i < Math.max(p.categories.length, p.functions.length); i++) {
      const c = p.categories[i];
      const f = p.functions[i];
      out.push(
        `| ${c?.name ?? ''} | ${c ? c.pct.toFixed(1) : ''} | ${f ? `\`${f.name.replaceAll('|', '\\|')}\`` : ''} | ${f ? f.pct.toFixed(1) : ''} |`,
      );
    }
  }
  return out.join('\n');
}
