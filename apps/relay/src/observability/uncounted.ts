// Counts a hot path makes (every inbound frame, every copy), kept as plain numbers and handed to a prom-client
// counter when it is read (its `collect`, at each scrape or `get()`): prom-client's `inc()` hashes and checks the
// labels and returns an object on every call.
import type { Counter, LabelValues } from 'prom-client';

export class Uncounted {
  private readonly byValue = new Map<string, number>();

  /** `label`: the counter's one label (absent: an unlabelled counter, counted under ''). */
  constructor(private readonly label?: string) {}

  add(value = ''): void {
    this.byValue.set(value, (this.byValue.get(value) ?? 0) + 1);
  }

  /** Adds what was counted since the last call to `counter`. */
  flushInto<T extends string>(counter: Counter<T>): void {
    for (const [value, n] of this.byValue) {
      if (this.label === undefined) counter.inc(n);
      else counter.inc({ [this.label]: value } as LabelValues<T>, n);
    }
    this.byValue.clear();
  }
}
