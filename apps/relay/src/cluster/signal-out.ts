// Publishes the signals of this relay's masters to the stream (docs/cluster.md, Signals): each gets the journal's
// sequence number, raised above the last one on the stream the first time this relay publishes for a master (a
// master that moved keeps increasing), as its message id `<master>:<seq>`, and goes to ClusterPublisher.
import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ClusterNames } from '@sankey/shared/cluster/names';
import { encodeInbound } from '@sankey/shared/protocol/codec';
import type { TradeSignal } from '@sankey/shared/protocol/messages';
import type { Logger } from '../core/ports';
import { H_AT, H_RELAY, H_SEQ } from './headers';
import type { ClusterMetrics } from './metrics';
import { writeNow } from './nats-write-now';
import type { Outbound } from './outbound-buffer';
import { PubAcks } from './pub-acks';
import { ClusterPublisher } from './publisher';

export class SignalOutlet {
  private readonly publisher: ClusterPublisher;
  /** Highest sequence number published per local master (the floor a moved master continues from). */
  private readonly floors = new Map<string, number>();
  private readonly waitingFloor = new Map<string, { sig: TradeSignal; seq: number }[]>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly names: ClusterNames,
    private readonly relayId: string,
    capacity: number,
    private readonly metrics: ClusterMetrics,
    log: Logger,
  ) {
    this.publisher = new ClusterPublisher(new PubAcks(nc), capacity, {
      published: () => {
        this.metrics.published.inc();
        this.metrics.bufferDepth.set(this.publisher.buffer.depth);
      },
      dropped: (item) => {
        this.metrics.dropped.inc({ action: item.action });
        log.warn(
          { msgId: item.msgId, action: item.action },
          'cluster buffer full: oldest message dropped (dead letter queue_overflow)',
        );
      },
      failed: (err) => {
        this.metrics.publishFailures.inc();
        this.metrics.bufferDepth.set(this.publisher.buffer.depth);
        log.debug({ err: String(err) }, 'cluster publish failed; retrying');
      },
    });
  }

  /** NATS is back: send what waited in the buffer. */
  resume(): void {
    this.publisher.resume();
  }

  /** A local master's signal, journaled with sequence number `seq`. */
  publish(sig: TradeSignal, seq: number): void {
    const master = sig.source_account;
    if (this.floors.has(master)) return this.enqueue(sig, seq);
    const waiting = this.waitingFloor.get(master);
    if (waiting) {
      waiting.push({ sig, seq });
      return;
    }
    this.waitingFloor.set(master, [{ sig, seq }]);
    // A master that moved here continues above the last sequence number its old relay published.
    void this.lastSeqOnStream(master).then((last) => {
      this.floors.set(master, Math.max(last, this.floors.get(master) ?? 0));
      const list = this.waitingFloor.get(master) ?? [];
      this.waitingFloor.delete(master);
      for (const w of list) this.enqueue(w.sig, w.seq);
    });
  }

  private async lastSeqOnStream(master: string): Promise<number> {
    return (await this.lastOnStream(master)).seq;
  }

  /** The master's last signal on the stream: its sequence number (0: none, or the stream cannot say) and publisher. */
  async lastOnStream(master: string): Promise<{ seq: number; relay: string | null }> {
    try {
      const m = await this.jsm.streams.getMessage(this.names.signalStream, {
        last_by_subj: this.names.signalSubject(master),
      });
      return { seq: Number(m?.header.get(H_SEQ) ?? 0) || 0, relay: m?.header.get(H_RELAY) || null };
    } catch {
      return { seq: 0, relay: null };
    }
  }

  private enqueue(sig: TradeSignal, journalSeq: number): void {
    const master = sig.source_account;
    const seq = Math.max(journalSeq, (this.floors.get(master) ?? 0) + 1);
    this.floors.set(master, seq);
    const item: Outbound = {
      lane: master,
      subject: this.names.signalSubject(master),
      msgId: `${master}:${seq}`,
      data: encodeInbound({ type: 'TradeSignal', message: sig }),
      action:
        sig.action === 'Open' || sig.action === 'Modify' || sig.action === 'Close' ? sig.action : 'control',
      headers: { [H_RELAY]: this.relayId, [H_SEQ]: String(seq), [H_AT]: String(Date.now()) },
    };
    this.publisher.send(item);
    // On the socket before the rest of the signal's handling (the copy engine, local copies, the journal entry).
    writeNow(this.nc);
    this.metrics.bufferDepth.set(this.publisher.buffer.depth);
  }

  /** Waits up to 2 s for the buffer to empty, then stops publishing. */
  async close(): Promise<void> {
    await this.publisher.drain(2000);
    this.publisher.stop();
  }
}
