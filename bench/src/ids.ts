// Account ids of the benchmarks' fixtures.

/** Fixed-width slave ids, so one exact subscription never prefixes another. */
export const slaveIds = (master: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${master}S${String(i).padStart(4, '0')}`);
