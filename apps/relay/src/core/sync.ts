// Position sync (docs/protocol.md §6.8, D5): a member's SyncRequest goes to its master on `sync/<master>/<slave>`;
// the master's snapshot is filtered and converted per CONNECTED member, as if each position were an Open, and
// split into frames of at most 4096 bytes, in slices bounded per event-loop tick (snapshot-job.ts).
import type { PositionSnapshotMessage, SyncRequestMessage } from '@sankey/shared/protocol/messages';
import { syncTopic } from '@sankey/shared/protocol/topics';
import { wireIntToDecimal } from '@sankey/shared/protocol/wire-int';
import type { ConfigPublisher } from './config-publisher';
import type { Clock, CoreMetrics, EventSink, FrameSink, Logger } from './ports';
import { type SliceBudget, SnapshotJob } from './snapshot-job';
import type { CoreState } from './state';
import type { StreamGate } from './stream-gate';

export interface SyncDeps {
  frames: FrameSink;
  events: EventSink;
  log: Logger;
  metrics: CoreMetrics;
  clock: Clock;
  /** Runs snapshot jobs in slices, in order with the master's other frames. */
  gate: StreamGate;
  sliceBudget?: SliceBudget | undefined;
}

export class SyncRelay {
  constructor(
    private readonly state: CoreState,
    private readonly configs: ConfigPublisher,
    private readonly deps: SyncDeps,
  ) {}

  request(incoming: SyncRequestMessage): void {
    // Isolated delivery (D23): the slave asks under its alias; the master knows only its own id.
    const alias = this.state.isolation.resolve(incoming.master_account);
    const msg =
      alias && alias.slaveAccount === incoming.slave_account
        ? { ...incoming, master_account: alias.masterAccount }
        : incoming;
    this.deps.events.emit('sync_request', {
      slaveAccount: msg.slave_account,
      masterAccount: msg.master_account,
    });
    if (!this.state.store.getMember(msg.master_account, msg.slave_account)) {
      this.deps.log.warn(
        { masterAccount: msg.master_account, slaveAccount: msg.slave_account },
        'SyncRequest from a slave that is not a member',
      );
      return;
    }
    const topic = syncTopic(msg.master_account, msg.slave_account);
    const frame = this.configs.encode(topic, { type: 'SyncRequest', message: msg });
    if (frame) this.deps.frames.send({ frame, topic, stream: msg.master_account, cls: 'control' });
  }

  snapshot(msg: PositionSnapshotMessage): void {
    const masterId = msg.source_account;
    this.deps.events.emit('position_snapshot', {
      sourceAccount: masterId,
      positions: msg.positions.map((p) => ({
        ticket: wireIntToDecimal(p.ticket),
        symbol: p.symbol,
        orderType: p.order_type,
        lots: p.lots,
        openPrice: p.open_price,
      })),
    });
    if (this.state.store.membersOf(masterId).length === 0) return;
    // Built in slices on later ticks; the gate holds this master's later frames until the snapshot is out (D14).
    this.deps.gate.run(
      masterId,
      new SnapshotJob(
        msg,
        this.state,
        { metrics: this.deps.metrics, log: this.deps.log, monoMs: () => this.deps.clock.monoMs() },
        this.deps.sliceBudget,
      ),
    );
  }
}
