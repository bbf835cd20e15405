// The benchmarks' knobs (BENCHMARKS.md "Reproduce"): the only file under bench/ that reads process.env
// (biome: noProcessEnv). Small values make a quick development run; the defaults are the full run.
const get = (name: string): string | undefined => process.env[name] || undefined;
const num = (name: string, dflt: number): number => Number(get(name) ?? dflt);
const list = (name: string, dflt: number[]): number[] =>
  get(name) === undefined ? dflt : get(name)!.split(',').map(Number);

export const benchEnv = {
  /** Signals per fan-out run (closed loop at every N; open loop up to `openSignalsLarge` slaves). */
  signals: num('BENCH_SIGNALS', 2000),
  /**
   * Signals of the open-loop (burst) variant at N ≥ 1,000: 2,000 bursts of 8 to 1,000 sockets took ≈ 4 of the
   * run's 17 minutes, for a variant whose figure settles long before that.
   */
  openSignalsLarge: num('BENCH_OPEN_SIGNALS_LARGE', 500),
  /** Warm-up signals before each measured fan-out run. */
  warmup: num('BENCH_WARMUP', 1000),
  /** Slave counts of the fan-out benchmark. */
  fanout: list('BENCH_FANOUT', [1, 10, 100, 1000]),
  /** Slave counts of the shared-delivery (prefix subscription, N² frames) variant. */
  prefixFanout: list('BENCH_PREFIX_FANOUT', [10, 100]),
  /** Signals per shared-delivery run (N² deliveries each). */
  prefixSignals: num('BENCH_PREFIX_SIGNALS', 300),
  /** Heartbeat storm: EA counts at 1 Hz, the fixed steps then the ramp. */
  heartbeatSteps: list('BENCH_HB_STEPS', [1000, 10_000, 25_000, 50_000, 100_000]),
  /** Seconds per heartbeat step. */
  heartbeatSeconds: num('BENCH_HB_SECONDS', 10),
  /** Members of the config storm. */
  stormMembers: num('BENCH_STORM_MEMBERS', 1000),
  /** Skip parts: comma list of fanout,prefix,heartbeat,storm,hops,profile,core,dblock,cluster. */
  skip: new Set((get('BENCH_SKIP') ?? '').split(',').filter(Boolean)),
  /**
   * The baseline forwarder's socket: `xpub` as the relay's publisher (D19), which also tells the benchmark when
   * every subscription has arrived; `pub` for a bare PUB (its first frames may miss slow-joining subscribers).
   */
  forwarderSocket: (get('BENCH_FORWARDER_SOCKET') ?? 'xpub') as 'pub' | 'xpub',
  /** Slave counts of the cross-relay benchmark (cluster mode: master on relay A, slaves on relay B). */
  clusterFanout: list('BENCH_CLUSTER_FANOUT', [1, 10, 100]),
  /** Diagnosis: relay B of the cross-relay benchmark writes a CPU profile (`--cpu-prof`) into this directory. */
  clusterProfileDir: get('BENCH_CLUSTER_PROF'),
  /**
   * Diagnosis: both relays of the cross-relay benchmark load cluster-hop-probe.mjs, write their stamps into this
   * directory, and the suite logs where each signal's time went, hop by hop (its latencies are then not headline
   * figures: the probe costs time on every socket write).
   */
  clusterHopsDir: get('BENCH_CLUSTER_HOPS'),
  /** Diagnosis: the checkout whose apps/relay the cross-relay benchmark runs (another commit's tree, to compare). */
  clusterRelayRoot: get('BENCH_CLUSTER_RELAY_ROOT'),
  /** Signals per cross-relay run. */
  clusterSignals: num('BENCH_CLUSTER_SIGNALS', 1000),
  /** Cluster mode needs PostgreSQL: BENCH_POSTGRES_URL, else TEST_POSTGRES_URL; the suite is skipped without one. */
  postgresUrl: get('BENCH_POSTGRES_URL') ?? get('TEST_POSTGRES_URL'),
  natsUrl: get('BENCH_NATS_URL') ?? 'nats://127.0.0.1:4222',
  /** Echo the relay's stdout (diagnosis). */
  trace: get('BENCH_TRACE') !== undefined,
  /** Where the hop probe (hop-probe.mjs, loaded into the relay) writes its stamps; read there. */
  probeOut: get('BENCH_PROBE_OUT'),
};

/** The environment a child process inherits, with `overrides` applied. */
export const childEnv = (overrides: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  ...process.env,
  ...overrides,
});

/**
 * The environment of a relay under comparison (bench/src/compare): inherited variables minus every `SANKEY_*`
 * and `DATABASE_URL` of this shell (a stray `SANKEY_NATS_URL` would start one side in cluster mode), then
 * `overrides`. Undefined values are left out by `spawn`.
 */
export const relayOnlyEnv = (overrides: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env))
    if (key.startsWith('SANKEY_') || key === 'DATABASE_URL') delete env[key];
  return { ...env, ...overrides };
};
