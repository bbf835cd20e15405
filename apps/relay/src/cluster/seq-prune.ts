// Pruning of the members' delivered sequence numbers (docs/cluster.md, Pruning the sequence numbers). A row only
// matters while a replay can still bring one of the signals it covers: a signal reaches a slave after it was
// published, so every signal at or below a row's number was on the stream before the row was last raised. Once
// that instant is older than the stream's max age (plus a margin for the clocks of the relays and the NATS server),
// those signals have left the stream, and a replay can only bring later ones, which the guard lets through with or
// without the row. Members deleted long ago go the same way.
import type { JetStreamManager } from '@nats-io/jetstream';
import type { ClusterNames } from '@sankey/shared/cluster/names';
import type { Logger } from '../core/ports';
import type { DeliveredSeqStore } from '../ledger/delivered-seq';

/** Clock differences between relays and the NATS server that the pruning tolerates. */
export const SEQ_PRUNE_MARGIN_MS = 3_600_000;

export class DeliveredSeqPrune {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly names: ClusterNames,
    private readonly store: Pick<DeliveredSeqStore, 'pruneDeliveredSeqs'>,
    private readonly log: Logger,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /**
   * Deletes the rows last raised before now − (the stream's max age, as the stream is configured now) − margin.
   * A stream without a max age keeps every signal: nothing is pruned. Returns how many rows went.
   */
  async runOnce(): Promise<number> {
    const info = await this.jsm.streams.info(this.names.signalStream);
    const maxAgeMs = Number(info.config.max_age) / 1e6;
    if (!(maxAgeMs > 0)) return 0;
    const n = await this.store.pruneDeliveredSeqs(new Date(this.nowMs() - maxAgeMs - SEQ_PRUNE_MARGIN_MS));
    if (n > 0) this.log.info({ rows: n }, 'delivered sequence numbers pruned');
    return n;
  }

  /** Now and every hour (as the ledger's pruning); a failure is retried at the next run. */
  start(everyMs = 3_600_000): void {
    const run = () =>
      void this.runOnce().catch((err: unknown) =>
        this.log.warn({ err: String(err) }, 'pruning delivered sequence numbers failed; retried later'),
      );
    run();
    this.timer = setInterval(run, everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
