// Adapters around two core ports in cluster mode (docs/cluster.md, Who does what).
import type { FilterReason } from '@sankey/shared/protocol/constants';
import type { TradeSignal } from '@sankey/shared/protocol/messages';
import type { SignalRecorder, StatusWriter } from '../core/ports';

/**
 * The journal as the core sees it: the master's relay journals and sequences; a copy from the stream is not
 * journalled again. A local master's signal goes to the stream as soon as the journal gave it its sequence number
 * (`onSequenced`, set by the node while it handles a local signal): before the copies to this relay's own slaves.
 */
export class JournalTap implements SignalRecorder {
  /** True while a signal from another relay is handled. */
  remote = false;
  /** Per-member reasons of the last signal from another relay that the engine filtered for some member. */
  remoteFilteredBy: Record<string, FilterReason> | undefined;
  /** Told of each journalled signal with its sequence number, when set. */
  onSequenced: ((sig: TradeSignal, seq: number) => void) | null = null;
  /** A local signal sequenced before the engine ran (`sequenceEarly`): recorded with that number. */
  private early: { sig: TradeSignal; seq: number } | null = null;

  constructor(private readonly inner: JournalPort) {}

  /**
   * Takes the sequence number of a local signal the journal will record (its master has members) before the copy
   * engine runs, so the node can publish it first; null when the journal cannot. Cleared by `record` or `endLocal`.
   */
  sequenceEarly(sig: TradeSignal): number | null {
    const seq = this.inner.nextSeq?.(sig.source_account);
    if (seq === undefined) return null;
    this.early = { sig, seq };
    return seq;
  }

  /** The local signal is handled: a number taken early and not recorded (the engine threw) is dropped. */
  endLocal(): void {
    this.early = null;
  }

  record(...args: RecordArgs): void {
    if (this.remote) {
      this.remoteFilteredBy = args[3];
      return;
    }
    const early = this.early;
    if (early !== null && early.sig === args[0]) {
      this.early = null;
      const [sig, accepted, filtered, filteredBy, via, elsewhere] = args;
      this.inner.record(sig, accepted, filtered, filteredBy, via, elsewhere, early.seq);
      return;
    }
    const seq = this.inner.record(...args);
    if (typeof seq === 'number') this.onSequenced?.(args[0], seq);
  }

  /** This relay's reasons for its own slaves on another relay's signal (the journal's annex, docs/cluster.md). */
  annex(master: string, seq: number, relayId: string, filteredBy: Record<string, FilterReason>): void {
    this.inner.annex?.(master, seq, relayId, filteredBy);
  }
}

type RecordArgs = Parameters<SignalRecorder['record']>;

/** What the tap wraps: the signal journal (journal/journal.ts). */
export interface JournalPort {
  /** `seq`: the number `nextSeq` gave for this signal. */
  record(...a: [...RecordArgs, seq?: number]): unknown;
  nextSeq?(masterAccount: string): number;
  annex?(master: string, seq: number, relayId: string, filteredBy: Record<string, FilterReason>): void;
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
