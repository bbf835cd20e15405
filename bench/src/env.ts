// The benchmarks' knobs (README of bench/, BENCHMARKS.md): the only file under bench/ that reads process.env
// (biome: noProcessEnv).
const get = (name: string): string | undefined => process.env[name] || undefined;

export const benchEnv = {
  /** Signals per latency run. */
  signals: Number(get('BENCH_SIGNALS') ?? 2000),
  /** Echo the relay's stdout (diagnosis). */
  trace: get('BENCH_TRACE') !== undefined,
  /** Extra node flags for the relay process, e.g. `--trace-gc`. */
  nodeFlags: (get('BENCH_NODE_FLAGS') ?? '').split(' ').filter(Boolean),
};

/** The environment a child process inherits, with `overrides` applied. */
export const childEnv = (overrides: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  ...process.env,
  ...overrides,
});
