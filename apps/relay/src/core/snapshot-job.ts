// One position snapshot turned into per-member frames (docs/protocol.md §6.8, D5), built in slices so a large
// snapshot never holds the event loop: each slice evaluates or packs positions until its time or item budget is
// spent, then yields (the StreamGate runs the next slice on a later tick). Each position is evaluated once for all
// members and encoded once per output symbol; frames stay ≤ 4096 bytes.
import { Status } from '@sankey/shared/protocol/constants';
import type { PositionInfo, PositionSnapshotMessage } from '@sankey/shared/protocol/messages';
import { syncTopic } from '@sankey/shared/protocol/topics';
import { wireIntToDecimal } from '@sankey/shared/protocol/wire-int';
import type { CoreMetrics, Logger, OutboundFrame } from './ports';
import { SnapshotEncoder, type SnapshotPacker } from './snapshot-split';
import type { CoreState } from './state';
import type { SlicedJob } from './stream-gate';

export interface SliceBudget {
  /** Longest a slice runs (monotonic ms). */
  ms: number;
  /** Most positions a slice evaluates or packs, whatever the clock says. */
  items: number;
}

export const defaultSliceBudget: SliceBudget = { ms: 4, items: 2_000 };

interface Target {
  slave: string;
  topic: string;
  packer: SnapshotPacker;
  positions: PositionInfo[];
  at: number;
}

export class SnapshotJob implements SlicedJob {
  private readonly master: string;
  /** Accepted (and converted) positions per slave, filled while evaluating. */
  private readonly perSlave = new Map<string, PositionInfo[]>();
  private evaluated = 0;
  private targets: Target[] | null = null;
  private readonly encoders = new Map<string, SnapshotEncoder>();
  private readonly tooLargeLogged = new Set<string>();

  constructor(
    private readonly msg: PositionSnapshotMessage,
    private readonly state: CoreState,
    private readonly deps: { metrics: CoreMetrics; log: Logger; monoMs: () => number },
    private readonly budget: SliceBudget = defaultSliceBudget,
  ) {
    this.master = msg.source_account;
  }

  step(emit: (frame: OutboundFrame) => void): boolean {
    const start = this.deps.monoMs();
    let items = 0;
    const spent = () => items >= this.budget.items || this.deps.monoMs() - start >= this.budget.ms;
    const positions = this.msg.positions;
    while (this.evaluated < positions.length) {
      this.evaluate(positions[this.evaluated]!);
      this.evaluated++;
      items++;
      if (spent()) return false;
    }
    if (!this.targets) this.targets = this.makeTargets();
    while (this.targets.length > 0) {
      const t = this.targets[0]!;
      try {
        while (t.at < t.positions.length) {
          this.add(t, t.positions[t.at]!, emit);
          t.at++;
          items++;
          if (spent()) return false;
        }
        const last = t.packer.finish();
        if (last) this.emitFrame(emit, t, last);
      } catch (err) {
        // One member's trouble never stops the others.
        this.deps.metrics.frameRefused('snapshot_encode_error');
        this.deps.log.error({ err, topic: t.topic }, 'snapshot for a member failed');
      }
      this.targets.shift();
    }
    return true;
  }

  /** Filters one position as an Open and converts its symbol for every member (D5). */
  private evaluate(pos: PositionInfo): void {
    const members = this.state.store.membersOf(this.master);
    if (members.length === 0) return;
    const results = this.state.engine.evaluateSignal(this.master, {
      action: 'Open',
      orderType: pos.order_type,
      lots: pos.lots,
      symbol: pos.symbol,
      ...(pos.magic_number !== undefined ? { magicNumber: pos.magic_number } : {}),
    });
    // A converted position is one object per distinct output symbol, so it is encoded once for all members.
    const bySymbol = new Map<string, PositionInfo>();
    for (let i = 0; i < results.length && i < members.length; i++) {
      if (!results.accepted(i)) continue;
      const symbol = results.symbol(i) ?? pos.symbol;
      let converted = bySymbol.get(symbol);
      if (!converted) {
        converted = symbol === pos.symbol ? pos : { ...pos, symbol };
        bySymbol.set(symbol, converted);
      }
      const slave = members[i]!.slaveAccount;
      let list = this.perSlave.get(slave);
      if (!list) {
        list = [];
        this.perSlave.set(slave, list);
      }
      list.push(converted);
    }
  }

  /** The CONNECTED members at the end of evaluation, each with its topic (its alias in isolated delivery, D23). */
  private makeTargets(): Target[] {
    const targets: Target[] = [];
    for (const member of this.state.store.membersOf(this.master)) {
      if (member.status !== Status.CONNECTED) continue;
      const via = this.state.isolation.via(this.master, member.slaveAccount);
      const topic = syncTopic(via, member.slaveAccount);
      try {
        let encoder = this.encoders.get(via);
        if (!encoder) {
          encoder = new SnapshotEncoder(
            via === this.master ? this.msg : { ...this.msg, source_account: via },
          );
          this.encoders.set(via, encoder);
        }
        const positions = this.perSlave.get(member.slaveAccount) ?? [];
        targets.push({ slave: member.slaveAccount, topic, packer: encoder.packer(topic), positions, at: 0 });
      } catch (err) {
        this.deps.metrics.frameRefused('snapshot_encode_error');
        this.deps.log.error({ err, topic }, 'snapshot for a member failed');
      }
    }
    return targets;
  }

  private add(t: Target, pos: PositionInfo, emit: (frame: OutboundFrame) => void): void {
    const out = t.packer.add(pos);
    if (out === 'too_large') {
      this.deps.metrics.frameRefused('snapshot_position_too_large');
      const ticket = wireIntToDecimal(pos.ticket);
      if (!this.tooLargeLogged.has(ticket)) {
        this.tooLargeLogged.add(ticket);
        this.deps.log.error(
          { masterAccount: this.master, ticket },
          'snapshot position too large for a frame: left out',
        );
      }
    } else if (out) this.emitFrame(emit, t, out);
  }

  private emitFrame(emit: (frame: OutboundFrame) => void, t: Target, frame: Buffer): void {
    emit({ frame, topic: t.topic, stream: this.master, cls: 'control' });
  }
}
