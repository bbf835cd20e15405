// The tickets a relay killed before its acks may have closed at its slaves already (docs/cluster.md, A relay is
// killed and restarted): the full Closes among the stream messages its consumer had delivered to it before it
// stopped, read once at start before the replay (one master's: each consumer is one master's). A replayed Open of such a ticket is not sent again to a slave that
// had none of it on record (replay-guard.ts): it would open a position anew behind a Close the slave may have
// executed already, and the replayed Close (sent as always) would then close it a second time.
import { DeliverPolicy, type JetStreamClient } from '@nats-io/jetstream';
import { decodeInbound } from '@sankey/shared/protocol/codec';
import { wireIntToDecimal } from '@sankey/shared/protocol/wire-int';

/** No more messages are read (the consumer's max_ack_pending bounds the range at 1,000 in practice). */
const MAX_READ = 20_000;

const keyOf = (master: string, ticket: string) => `${master}\u0000${ticket}`;

export class ReplayCloses {
  private closed = new Set<string>();
  /** The last stream sequence number the killed relay had been delivered (0: nothing to check). */
  private upTo = 0;

  /** Reads the full Closes of the `subject`'s stream messages `from`..`upTo` (what the stopped consumer had delivered). */
  async load(
    js: JetStreamClient,
    stream: string,
    subject: string,
    from: number,
    upTo: number,
  ): Promise<number> {
    if (upTo < from) return 0;
    const want = Math.min(upTo - from + 1, MAX_READ);
    const reader = await js.consumers.get(stream, {
      filter_subjects: subject,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: from,
    });
    const messages = await reader.fetch({ max_messages: want, expires: 10_000 });
    let last = from - 1;
    for await (const m of messages) {
      last = m.seq;
      this.note(m.data);
      if (m.seq >= upTo || m.info.pending === 0) break;
    }
    this.upTo = Math.min(upTo, last);
    return this.closed.size;
  }

  /** Records a message's ticket when it is a full Close (a `close_ratio` in (0, 1) is a partial one). */
  private note(data: Uint8Array): void {
    const d = decodeInbound(data);
    if (!d.ok || d.value.type !== 'TradeSignal') return;
    const sig = d.value.message;
    if (sig.action !== 'Close') return;
    if (sig.close_ratio !== undefined && sig.close_ratio > 0 && sig.close_ratio < 1) return;
    this.closed.add(keyOf(sig.source_account, wireIntToDecimal(sig.ticket)));
  }

  /**
   * The Open at stream position `streamSeq` is one the stopped relay had been delivered and its ticket's full Close
   * was delivered to it too. Past the range, nothing is kept.
   */
  closedBeforeStop(streamSeq: number, master: string, ticket: string): boolean {
    if (this.upTo === 0) return false;
    if (streamSeq > this.upTo) {
      this.upTo = 0;
      this.closed = new Set();
      return false;
    }
    return this.closed.has(keyOf(master, ticket));
  }
}
