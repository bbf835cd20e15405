// The relay's periodic work (D9): the heartbeat-timeout check of the connection table in slices, one every
// SLICE_MS, so a pass over every entry takes `everyMs` and no one timer callback walks 25,000 entries while a trade
// signal waits (state/sweep-cursor.ts); and, once every `everyMs`, the rest (parked copies, risk, cluster, EA stats).

/** How often a slice of the timeout check runs. */
const SLICE_MS = 25;

/** Starts both timers; returns the function that stops them. `sweep(slices)`: the next 1/`slices` of the table. */
export function startTicks(
  everyMs: number,
  sweep: (slices: number) => void,
  every: (() => void)[],
): () => void {
  const slices = Math.max(1, Math.round(everyMs / SLICE_MS));
  const sweepTimer = setInterval(() => sweep(slices), everyMs / slices);
  const tickTimer = setInterval(() => {
    for (const work of every) work();
  }, everyMs);
  return () => {
    clearInterval(sweepTimer);
    clearInterval(tickTimer);
  };
}
