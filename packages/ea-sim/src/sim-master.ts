// Simulated Master EA: tracks its positions, sends Open/Close/Modify as the DLL shapes them, strips its own
// configured affixes, answers SyncRequests with PositionSnapshots (docs/protocol.md §2.5–§2.7, §3.1).
import type {
  MasterConfigMessage,
  PositionInfo,
  PositionSnapshotMessage,
  SyncRequestMessage,
  TradeSignal,
  WireInt,
} from '@sankey/shared/protocol/messages';
import { syncPrefix } from '@sankey/shared/protocol/topics';
import { wireIntToDecimal } from '@sankey/shared/protocol/wire-int';
import {
  buildCloseSignal,
  buildModifySignal,
  buildOpenSignal,
  buildSnapshot,
  toPositionInfo,
} from './master-dll';
import { SimEa, type WaitOptions } from './sim-ea';
import type { MasterPosition, OpenOptions, ReceivedFrame, SimEaOptions } from './types';

export interface SimMasterOptions extends SimEaOptions {
  /** Answer SyncRequests addressed to this master with a PositionSnapshot (default true). */
  autoAnswerSyncRequests?: boolean;
  /** Positions that exist when the EA starts: OnInit sends an Open for each of them. */
  initialPositions?: OpenOptions[];
}

export class SimMaster extends SimEa {
  /** Keyed by the decimal ticket, so 5 and 5n (or a 64-bit ticket) name one position. */
  private readonly positionsMap = new Map<string, MasterPosition>();
  private prefix: string | null = null;
  private suffix: string | null = null;
  private configStatus: number | null = null;
  private configVersionValue: number | null = null;
  private autoAnswer: boolean;

  constructor(options: SimMasterOptions) {
    super('Master', options);
    this.autoAnswer = options.autoAnswerSyncRequests ?? true;
    for (const p of options.initialPositions ?? []) this.track(p);
  }

  /** Prefix/suffix/status from the last MasterConfig (cleared by status -1). */
  get config(): {
    status: number | null;
    symbolPrefix: string | null;
    symbolSuffix: string | null;
    configVersion: number | null;
  } {
    return {
      status: this.configStatus,
      symbolPrefix: this.prefix,
      symbolSuffix: this.suffix,
      configVersion: this.configVersionValue,
    };
  }

  setAutoAnswerSyncRequests(on: boolean): void {
    this.autoAnswer = on;
  }

  positions(): MasterPosition[] {
    return [...this.positionsMap.values()];
  }

  /** MasterConfigMessages received so far (including ones for other accounts caught by prefix matching). */
  configs(): MasterConfigMessage[] {
    return this.messagesOf('MasterConfig');
  }

  syncRequests(): SyncRequestMessage[] {
    return this.messagesOf('SyncRequest');
  }

  waitForConfig(
    predicate: (c: MasterConfigMessage) => boolean = () => true,
    timeoutMs = 5000,
    options: WaitOptions = {},
  ): Promise<MasterConfigMessage> {
    return this.waitForMessage('MasterConfig', (c) => predicate(c), timeoutMs, options);
  }

  /** A new position or pending order: tracked, and an Open pushed. Resolves with the signal sent. */
  async open(o: OpenOptions): Promise<TradeSignal> {
    this.track(o);
    return this.sendOpen(o);
  }

  /**
   * Full (default) or partial close. `closeRatio` 1.0 (default) is omitted on the wire; 0 < ratio < 1 reduces the
   * tracked position, anything else removes it. `lots` defaults to the tracked volume.
   */
  async close(ticket: WireInt, opts: { lots?: number; closeRatio?: number } = {}): Promise<TradeSignal> {
    const key = wireIntToDecimal(ticket);
    const pos = this.positionsMap.get(key);
    const ratio = opts.closeRatio ?? 1;
    const lots = opts.lots ?? pos?.lots ?? 0;
    if (pos) {
      if (ratio > 0 && ratio < 1) pos.lots -= pos.lots * ratio;
      else this.positionsMap.delete(key);
    }
    const signal = buildCloseSignal(ticket, lots, ratio, {
      sourceAccount: this.accountId,
      nowMs: this.clock(),
    });
    await this.send({ type: 'TradeSignal', message: signal });
    return signal;
  }

  /** SL/TP change; unspecified values keep the tracked ones (0 when untracked). 0 is omitted on the wire. */
  async modify(ticket: WireInt, opts: { stopLoss?: number; takeProfit?: number } = {}): Promise<TradeSignal> {
    const pos = this.positionsMap.get(wireIntToDecimal(ticket));
    const stopLoss = opts.stopLoss ?? pos?.stopLoss ?? 0;
    const takeProfit = opts.takeProfit ?? pos?.takeProfit ?? 0;
    if (pos) {
      pos.stopLoss = stopLoss;
      pos.takeProfit = takeProfit;
    }
    const signal = buildModifySignal(ticket, stopLoss, takeProfit, {
      sourceAccount: this.accountId,
      nowMs: this.clock(),
    });
    await this.send({ type: 'TradeSignal', message: signal });
    return signal;
  }

  /** The snapshot the EA would build now: market positions only, cleaned symbols. */
  snapshotPositions(): PositionInfo[] {
    return this.positions()
      .filter((p) => p.orderType === 'Buy' || p.orderType === 'Sell')
      .map((p) => toPositionInfo(p, this.prefix, this.suffix));
  }

  /** Pushes a PositionSnapshot (of `positions`, default the current ones) even when it is empty. */
  async sendSnapshot(positions: PositionInfo[] = this.snapshotPositions()): Promise<PositionSnapshotMessage> {
    const msg = buildSnapshot(this.accountId, positions, this.clock());
    await this.send({ type: 'PositionSnapshot', message: msg });
    return msg;
  }

  protected override openPositionsCount(): number {
    return this.positionsMap.size;
  }

  protected override afterRegister(): void {
    this.subscribe(syncPrefix(this.accountId));
  }

  protected override async onStarted(): Promise<void> {
    // OnInit scans existing positions and pending orders and sends an Open for each.
    for (const p of this.positionsMap.values()) await this.sendOpen(p);
  }

  protected override onFrame(frame: ReceivedFrame): void {
    const m = frame.message;
    if (!m) return;
    if (m.type === 'MasterConfig') {
      const c = m.message;
      // The MQL layer ignores a config for another account (the DLL would not).
      if (c.account_id !== this.accountId) return;
      if (c.status === -1) {
        this.prefix = null;
        this.suffix = null;
        this.configVersionValue = null;
      } else {
        this.prefix = c.symbol_prefix;
        this.suffix = c.symbol_suffix;
        this.configVersionValue = c.config_version;
      }
      this.configStatus = c.status;
      this.emit('config', c);
    } else if (m.type === 'SyncRequest') {
      const req = m.message;
      if (req.master_account !== this.accountId || !this.autoAnswer) return;
      const positions = this.snapshotPositions();
      // A master with zero positions sends nothing (the DLL reports success without sending).
      if (positions.length === 0) return;
      this.sendSnapshot(positions).catch((err: unknown) => this.emit('warning', err));
    }
  }

  private track(o: OpenOptions): void {
    this.positionsMap.set(wireIntToDecimal(o.ticket), {
      ticket: o.ticket,
      symbol: o.symbol,
      orderType: o.orderType,
      lots: o.lots,
      openPrice: o.openPrice ?? 0,
      stopLoss: o.stopLoss ?? 0,
      takeProfit: o.takeProfit ?? 0,
      magicNumber: o.magicNumber ?? 0,
      comment: o.comment ?? '',
      openTimeMs: this.clock(),
    });
  }

  private async sendOpen(o: OpenOptions): Promise<TradeSignal> {
    const signal = buildOpenSignal(o, {
      sourceAccount: this.accountId,
      nowMs: this.clock(),
      prefix: this.prefix,
      suffix: this.suffix,
    });
    await this.send({ type: 'TradeSignal', message: signal });
    return signal;
  }
}
