// The relay's periodic work (D9): the heartbeat-timeout check of the connection table in slices, one every
// SLICE_MS, so a pass over every entry takes `everyMs` and no one timer callback walks 25,000 entries while a trade
// signal waits (state/sweep-cursor.ts); and, once every `everyMs`, the rest (parked copies, risk, cluster, EA stats).

/** How often a slice of the timeout check runs. */
const SLICE_MS = 25;

/**
 * Starts both timers; returns the function that stops them. `sweep(slices)`: the next 1/`slices` of the table.
 * `now`: the monotonic clock (ms) the slices are sized by.
 */
export function startTicks(
  everyMs: number,
  sweep: (slices: number) => void,
  every: (() => void)[],
  now: () => number = () => performance.now(),
): () => void {
  const slices = Math.max(1, Math.round(everyMs / SLICE_MS));
  // Each slice covers the share of `everyMs` elapsed since the last one. Node schedules an interval's next call from
  // when the last one ran, so on a busy loop every slice is late and fixed 1/`slices` shares stretched a pass (and a
  // heartbeat timeout's detection) past `everyMs`: 41 calls took 1,170 ms under 6 ms of work every 10 ms.
  let last = now();
  const sweepTimer = setInterval(() => {
    const at = now();
    const elapsed = Math.max(1, at - last);
    last = at;
    sweep(Math.max(1, everyMs / elapsed));
  }, everyMs / slices);
  const tickTimer = setInterval(() => {
    for (const work of every) work();
  }, everyMs);
  return () => {
    clearInterval(sweepTimer);
    clearInterval(tickTimer);
  };
}
