// This relay's cross-relay lag as the Relays panel shows it (docs/cluster.md, What to watch): the last copies'
// lag (master's relay published → this relay handed its copies over, ms), the consumer's pending count and when
// the last remote signal was copied here. Published with the relay's liveness entry, so any relay's
// `/internal/v1/cluster` reports every relay's lag.

export interface RelayLag {
  /** Messages on the stream not yet delivered to this relay's durable consumer (null before the first sample). */
  pending: number | null;
  /** Median and 99th percentile of the last `samples` cross-relay copies (ms; null before the first copy). */
  p50Ms: number | null;
  p99Ms: number | null;
  samples: number;
  /** Wall time (this relay's clock) of the last copy of another relay's signal, or null. */
  lastCopyAt: string | null;
}

export class LagWindow {
  private readonly ring: number[] = [];
  private next = 0;
  private lastAt: number | null = null;
  pending: number | null = null;

  constructor(private readonly size = 256) {}

  /** One cross-relay copy handed over `ms` after its master's relay published it. */
  record(ms: number): void {
    const v = Number.isFinite(ms) ? Math.max(0, ms) : 0;
    if (this.ring.length < this.size) this.ring.push(v);
    else this.ring[this.next] = v;
    this.next = (this.next + 1) % this.size;
    this.lastAt = Date.now();
  }

  snapshot(): RelayLag {
    const sorted = [...this.ring].sort((a, b) => a - b);
    const at = (q: number) =>
      sorted.length === 0
        ? null
        : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? null);
    return {
      pending: this.pending,
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      samples: sorted.length,
      lastCopyAt: this.lastAt === null ? null : new Date(this.lastAt).toISOString(),
    };
  }
}
