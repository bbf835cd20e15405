// A walk over a Map's values spread over many calls (the heartbeat-timeout check, D9): each call visits the next
// ceil(size / slices) values, resuming where the last call stopped, so one pass over every value takes about
// `slices` calls however large the map is, and no single call walks all of it (25,000 connections took 1–4 ms in
// one timer callback, a trade signal arriving meanwhile waited for it). A Map iterator stays valid while the map
// changes: values deleted before the cursor reaches them are skipped, values added are visited later in the pass.
export class SweepCursor<V> {
  private iter: Iterator<V> | null = null;

  constructor(private readonly source: Map<unknown, V>) {}

  /**
   * Visits the next slice of values: ceil(size / slices) of them (at least one), fewer when the pass ends first.
   * Returns true when this call finished a pass (the next call starts over from the first value).
   */
  step(slices: number, visit: (value: V) => void): boolean {
    let left = Math.max(1, Math.ceil(this.source.size / Math.max(1, slices)));
    this.iter ??= this.source.values();
    while (left-- > 0) {
      const next = this.iter.next();
      if (next.done) {
        this.iter = null;
        return true;
      }
      visit(next.value);
    }
    return false;
  }
}
