// Adapters around two core ports in cluster mode (docs/cluster.md, Who does what).
import type { FilterReason } from '@sankey/shared/protocol/constants';
import type { TradeSignal } from '@sankey/shared/protocol/messages';
import type { SignalRecorder, StatusWriter } from '../core/ports';

/** The journal as the core sees it: the master's relay journals and sequences; a copy from the stream is not journalled again. */
export class JournalTap implements SignalRecorder {
  /** The sequence number the journal gave the last signal, undefined when it journalled none. */
  lastSeq: number | undefined;
  /** True while a signal from another relay is handled. */
  remote = false;
  /** Per-member reasons of the last signal from another relay that the engine filtered for some member. */
  remoteFilteredBy: Record<string, FilterReason> | undefined;

  constructor(
    private readonly inner: {
      record(
        sig: TradeSignal,
        accepted: number,
        filtered: Partial<Record<FilterReason, number>>,
        filteredBy?: Record<string, FilterReason>,
      ): unknown;
    },
  ) {}

  record(
    sig: TradeSignal,
    accepted: number,
    filtered: Partial<Record<FilterReason, number>>,
    filteredBy?: Record<string, FilterReason>,
  ): void {
    if (this.remote) {
      this.remoteFilteredBy = filteredBy;
      return;
    }
    const seq = this.inner.record(sig, accepted, filtered, filteredBy);
    this.lastSeq = typeof seq === 'number' ? seq : undefined;
  }
}

/**
 * Member statuses in the shared database are written by the relay that holds the member's slave: another relay
 * sees that slave as not connected and would overwrite CONNECTED with ENABLED.
 */
export class OwnedStatusWriter implements StatusWriter {
  constructor(
    private readonly inner: StatusWriter,
    private readonly slaveIsElsewhere: (slaveAccount: string) => boolean,
  ) {}

  write(tradeGroupId: string, slaveAccount: string, status: number): void {
    if (this.slaveIsElsewhere(slaveAccount)) return;
    this.inner.write(tradeGroupId, slaveAccount, status);
  }
}
