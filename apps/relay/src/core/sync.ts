// Position sync (docs/protocol.md §6.8, D5): a member's SyncRequest goes to its master on `sync/<master>/<slave>`;
// the master's snapshot is filtered and converted per CONNECTED member, as if each position were an Open, and
// split into frames of at most 4096 bytes.
import { Status } from '@sankey/shared/protocol/constants';
import type {
  PositionInfo,
  PositionSnapshotMessage,
  SyncRequestMessage,
} from '@sankey/shared/protocol/messages';
import { syncTopic } from '@sankey/shared/protocol/topics';
import { wireIntToDecimal } from '@sankey/shared/protocol/wire-int';
import type { ConfigPublisher } from './config-publisher';
import type { CoreMetrics, EventSink, FrameSink, Logger } from './ports';
import { SnapshotEncoder } from './snapshot-split';
import type { CoreState } from './state';

export interface SyncDeps {
  frames: FrameSink;
  events: EventSink;
  log: Logger;
  metrics: CoreMetrics;
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
    const members = this.state.store.membersOf(masterId);
    if (members.length === 0) return;
    // Filter every position as an Open and convert its symbol, per member (D5). A converted position is one
    // object per distinct output symbol, so the encoder below encodes it once for all members that share it.
    const perMember: PositionInfo[][] = members.map(() => []);
    for (const pos of msg.positions) {
      const results = this.state.engine.evaluateSignal(masterId, {
        action: 'Open',
        orderType: pos.order_type,
        lots: pos.lots,
        symbol: pos.symbol,
        ...(pos.magic_number !== undefined ? { magicNumber: pos.magic_number } : {}),
      });
      const bySymbol = new Map<string, PositionInfo>();
      for (let i = 0; i < results.length; i++) {
        if (!results.accepted(i)) continue;
        const symbol = results.symbol(i) ?? pos.symbol;
        let converted = bySymbol.get(symbol);
        if (!converted) {
          converted = symbol === pos.symbol ? pos : { ...pos, symbol };
          bySymbol.set(symbol, converted);
        }
        perMember[i]!.push(converted);
      }
    }
    const shared = new SnapshotEncoder(msg);
    for (let i = 0; i < members.length; i++) {
      const member = members[i]!;
      if (member.status !== Status.CONNECTED) continue;
      // Isolated delivery (D23): the slave gets it on `sync/<alias>/<slave>` with its alias as source.
      const via = this.state.isolation.via(masterId, member.slaveAccount);
      const topic = syncTopic(via, member.slaveAccount);
      // One member's trouble never stops the others.
      try {
        const encoder = via === masterId ? shared : new SnapshotEncoder({ ...msg, source_account: via });
        const frames = encoder.frames(topic, perMember[i]!, (pos) => {
          this.deps.metrics.frameRefused('snapshot_position_too_large');
          this.deps.log.error(
            { topic, ticket: wireIntToDecimal(pos.ticket) },
            'snapshot position too large for a frame: left out',
          );
        });
        for (const frame of frames) this.deps.frames.send({ frame, topic, stream: masterId, cls: 'control' });
      } catch (err) {
        this.deps.metrics.frameRefused('snapshot_encode_error');
        this.deps.log.error({ err, topic }, 'snapshot for a member failed');
      }
    }
  }
}
