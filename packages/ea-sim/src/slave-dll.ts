// The Slave side's own processing, free of sockets so it can be unit-tested: the DLL's per-master config store
// and trade pipeline (docs/protocol.md §5.2, §5.3) plus the bits of the MQL layer that decide what is
// observable (ticket mapping, SyncRequest on a new CONNECTED config, snapshot filtering).
import { transformLots } from '@sankey/shared/domain/lots';
import { REVERSED_ORDER_TYPE } from '@sankey/shared/protocol/constants';
import type {
  PositionSnapshotMessage,
  SlaveConfigMessage,
  TradeSignal,
  WireInt,
} from '@sankey/shared/protocol/messages';
import { syncTopic, tradePrefix, tradeTopic } from '@sankey/shared/protocol/topics';
import { wireIntEquals, wireIntToDecimal } from '@sankey/shared/protocol/wire-int';
import { parseRfc3339Ms } from '@sankey/shared/time';
import type {
  IgnoredSignal,
  IgnoredSnapshot,
  IgnoreReason,
  SlaveCommand,
  SlavePosition,
  SyncedPosition,
} from './types';

/** The lot formula lives in packages/shared so the relay records the same lots the DLL computes. */
export { transformLots };

export interface ConfigEffect {
  /** Topics to subscribe (already de-duplicated against earlier subscriptions). */
  subscribe: string[];
  /** True when the MQL layer would push a SyncRequest to `masterAccount` now. */
  sendSyncRequest: boolean;
  /** The config created a new master entry. */
  isNew: boolean;
  /** The config removed an existing entry (status -1). */
  removed: boolean;
}

export type SignalOutcome = { ok: true; command: SlaveCommand } | { ok: false; ignored: IgnoredSignal };

export interface SignalContext {
  nowMs: number;
  /** The slave's current equity (margin_ratio mode). */
  slaveEquity: number;
  topic: string;
  receivedAtMs?: number;
}

/**
 * The DLL passes account ids across the FFI in 64-byte fields with the terminating NUL (docs/protocol.md D23): an
 * id is what fits in 63 bytes. Configs are keyed and trades matched by that.
 */
export function ffiId(id: string): string {
  const bytes = Buffer.from(id, 'utf8');
  if (bytes.length <= 63) return id;
  let end = 63;
  // Cut at a character boundary, as the DLL's UTF-8 → UTF-16 conversion would drop a broken tail.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

const hasMagic = (list: readonly WireInt[], magic: WireInt): boolean =>
  list.some((m) => wireIntEquals(m, magic));

/**
 * The Open-only gate and filters (§5.3 step 2). Empty allowed lists mean "no filter" in the DLL. Magic numbers
 * are i64 there, compared exactly (docs/protocol.md D18), whichever JS form they arrive in.
 */
function openRejection(signal: TradeSignal, config: SlaveConfigMessage): IgnoreReason | null {
  if (!(config.allow_new_orders && config.status > 0)) return 'new_orders_not_allowed';
  const f = config.filters;
  if (signal.symbol !== undefined) {
    if (f.allowed_symbols && f.allowed_symbols.length > 0 && !f.allowed_symbols.includes(signal.symbol)) {
      return 'symbol_not_allowed';
    }
    if (f.blocked_symbols?.includes(signal.symbol)) return 'symbol_blocked';
  }
  if (signal.magic_number !== undefined) {
    const magic = signal.magic_number;
    if (
      f.allowed_magic_numbers &&
      f.allowed_magic_numbers.length > 0 &&
      !hasMagic(f.allowed_magic_numbers, magic)
    ) {
      return 'magic_not_allowed';
    }
    if (f.blocked_magic_numbers && hasMagic(f.blocked_magic_numbers, magic)) return 'magic_blocked';
  }
  return null;
}

/**
 * The DLL's trade pipeline for one signal and the config of its `source_account` (undefined → ignored).
 * Pure: ticket mapping is not considered here (that is the MQL layer, see `SlaveBrain`).
 */
export function processTradeSignal(
  signal: TradeSignal,
  config: SlaveConfigMessage | undefined,
  ctx: SignalContext,
): SignalOutcome {
  const receivedAtMs = ctx.receivedAtMs ?? ctx.nowMs;
  const ignore = (reason: IgnoreReason): SignalOutcome => ({
    ok: false,
    ignored: { reason, topic: ctx.topic, signal, receivedAtMs },
  });
  if (!config) return ignore('no_config');
  if (signal.action === 'Open') {
    const reason = openRejection(signal, config);
    if (reason) return ignore(reason);
  }
  const sentAt = parseRfc3339Ms(signal.timestamp);
  // The DLL's decoder would already have refused a timestamp it cannot parse.
  if (Number.isNaN(sentAt)) return ignore('bad_timestamp');
  const latencyMs = ctx.nowMs - sentAt;
  let delayed = false;
  if (latencyMs > config.max_signal_delay_ms) {
    if (!config.use_pending_order_for_delayed) return ignore('signal_too_old');
    delayed = true;
  }
  const orderType =
    signal.order_type !== undefined && config.reverse_trade
      ? REVERSED_ORDER_TYPE[signal.order_type]
      : signal.order_type;
  const lots = signal.lots !== undefined ? transformLots(signal.lots, config, ctx.slaveEquity) : undefined;
  const command: SlaveCommand = {
    kind: signal.action === 'Open' ? 'open' : signal.action === 'Close' ? 'close' : 'modify',
    masterAccount: signal.source_account,
    ticket: signal.ticket,
    delayed,
    topic: ctx.topic,
    latencyMs,
    receivedAtMs,
    signal,
  };
  if (signal.symbol !== undefined) command.symbol = signal.symbol;
  if (orderType !== undefined) command.orderType = orderType;
  if (lots !== undefined) command.lots = lots;
  if (signal.open_price !== undefined) command.openPrice = signal.open_price;
  if (signal.close_ratio !== undefined) command.closeRatio = signal.close_ratio;
  if (signal.stop_loss !== undefined) command.stopLoss = signal.stop_loss;
  if (signal.take_profit !== undefined) command.takeProfit = signal.take_profit;
  if (signal.magic_number !== undefined) command.magicNumber = signal.magic_number;
  if (signal.comment !== undefined) command.comment = signal.comment;
  return { ok: true, command };
}

export interface SlaveBrainOptions {
  accountId: string;
  /**
   * How the MQL layer keys its ticket map. The real EA keys by the master ticket only (`ticket`, default),
   * so two masters using the same ticket number collide; `master+ticket` avoids that for tests that want it.
   */
  ticketMappingScope?: 'ticket' | 'master+ticket';
}

export type SnapshotOutcome =
  | { ok: true; synced: SyncedPosition[]; skippedMapped: WireInt[] }
  | { ok: false; ignored: IgnoredSnapshot };

/** Config store + ticket mapping of one Slave EA (DLL + the observable part of the MQL layer). */
export class SlaveBrain {
  readonly accountId: string;
  private readonly scope: 'ticket' | 'master+ticket';
  private readonly configs = new Map<string, SlaveConfigMessage>();
  private readonly subscriptions = new Set<string>();
  private readonly mapped = new Map<string, SlavePosition>();
  private nextSlaveTicket = 1_000_001;
  private firstConfigSeen = false;

  constructor(options: SlaveBrainOptions) {
    this.accountId = options.accountId;
    this.scope = options.ticketMappingScope ?? 'ticket';
  }

  /** Current per-master configs (as received, without the MQL's 3/5000 substitutions). */
  get configStore(): ReadonlyMap<string, SlaveConfigMessage> {
    return this.configs;
  }

  configFor(masterAccount: string): SlaveConfigMessage | undefined {
    return this.configs.get(ffiId(masterAccount));
  }

  /** Topics subscribed because of configs (the initial config/… subscriptions are not included). */
  subscribedTopics(): string[] {
    return [...this.subscriptions];
  }

  positions(): SlavePosition[] {
    return [...this.mapped.values()];
  }

  /**
   * An EA restart on the same terminal: the positions and the MQL's ticket map survive it, the DLL's config store
   * does not (this brain starts with none). Call before `start()` of the new SimSlave.
   */
  adoptPositions(from: SlaveBrain): void {
    for (const [key, p] of from.mapped) this.mapped.set(key, { ...p });
    this.nextSlaveTicket = Math.max(this.nextSlaveTicket, from.nextSlaveTicket);
  }

  isMapped(masterAccount: string, ticket: WireInt): boolean {
    return this.mapped.has(this.key(masterAccount, ticket));
  }

  /** §5.2: DLL store (+ its auto-subscriptions), then the MQL reaction to a new entry. */
  applyConfig(config: SlaveConfigMessage): ConfigEffect {
    const master = ffiId(config.master_account);
    const subscribe: string[] = [];
    const sub = (topic: string): void => {
      if (!this.subscriptions.has(topic)) {
        this.subscriptions.add(topic);
        subscribe.push(topic);
      }
    };
    const existed = this.configs.has(master);
    // DLL: store, and subscribe the master's trade prefix and own sync topic when status ≠ 0.
    if (config.status === -1) this.configs.delete(master);
    else this.configs.set(master, config);
    if (config.status !== 0) {
      sub(tradePrefix(master));
      sub(syncTopic(master, this.accountId));
    }
    // MQL: on a new entry subscribe the exact trade topic (and, for the very first config, the sync topic),
    // and request a sync when the new entry is CONNECTED with sync enabled.
    const isNew = !existed && config.status !== -1;
    let sendSyncRequest = false;
    if (isNew) {
      sub(tradeTopic(master, this.accountId));
      if (!this.firstConfigSeen) sub(syncTopic(master, this.accountId));
      sendSyncRequest = config.status === 2 && config.sync_mode !== 'skip';
    }
    if (config.status !== -1) this.firstConfigSeen = true;
    return { subscribe, sendSyncRequest, isNew, removed: existed && config.status === -1 };
  }

  /** DLL pipeline, then the MQL mapping rules; an accepted command updates the simulated positions. */
  handleSignal(signal: TradeSignal, ctx: SignalContext): SignalOutcome {
    // Matched by source_account only, whichever topic the frame came on (docs/protocol.md §12.6, D23).
    const outcome = processTradeSignal(signal, this.configs.get(ffiId(signal.source_account)), ctx);
    if (!outcome.ok) return outcome;
    const cmd = outcome.command;
    const key = this.key(cmd.masterAccount, cmd.ticket);
    const ignore = (reason: IgnoreReason): SignalOutcome => ({
      ok: false,
      ignored: { reason, topic: ctx.topic, signal, receivedAtMs: cmd.receivedAtMs },
    });
    const existing = this.mapped.get(key);
    if (cmd.kind === 'open') {
      if (existing) return ignore('already_mapped');
      this.mapped.set(key, {
        masterAccount: cmd.masterAccount,
        masterTicket: cmd.ticket,
        slaveTicket: this.nextSlaveTicket++,
        symbol: cmd.symbol ?? '',
        orderType: cmd.orderType ?? 'Unknown',
        lots: cmd.lots ?? 0,
        stopLoss: cmd.stopLoss ?? 0,
        takeProfit: cmd.takeProfit ?? 0,
        origin: cmd.delayed ? 'pending' : 'market',
      });
      return outcome;
    }
    if (!existing) return ignore('not_mapped');
    if (cmd.kind === 'close') {
      const r = cmd.closeRatio;
      if (r !== undefined && r > 0 && r < 1) existing.lots -= existing.lots * r;
      else this.mapped.delete(key);
    } else {
      existing.stopLoss = cmd.stopLoss ?? 0;
      existing.takeProfit = cmd.takeProfit ?? 0;
    }
    return outcome;
  }

  /** Slave MQL snapshot handling (§5.3, last paragraph): positions it would sync, lots/type transformed. */
  handleSnapshot(
    snapshot: PositionSnapshotMessage,
    ctx: { slaveEquity: number; topic: string; receivedAtMs: number },
  ): SnapshotOutcome {
    const config = this.configs.get(ffiId(snapshot.source_account));
    const base = { topic: ctx.topic, sourceAccount: snapshot.source_account, receivedAtMs: ctx.receivedAtMs };
    if (!config) return { ok: false, ignored: { reason: 'no_config', ...base } };
    if (config.sync_mode === 'skip') return { ok: false, ignored: { reason: 'sync_skip', ...base } };
    const synced: SyncedPosition[] = [];
    const skippedMapped: WireInt[] = [];
    for (const p of snapshot.positions) {
      const key = this.key(snapshot.source_account, p.ticket);
      if (this.mapped.has(key)) {
        skippedMapped.push(p.ticket);
        continue;
      }
      const orderType =
        config.reverse_trade && p.order_type !== 'Unknown' ? REVERSED_ORDER_TYPE[p.order_type] : p.order_type;
      const pos: SyncedPosition = {
        masterAccount: snapshot.source_account,
        ticket: p.ticket,
        symbol: p.symbol,
        orderType,
        lots: transformLots(p.lots, config, ctx.slaveEquity),
        openPrice: p.open_price,
        syncMode: config.sync_mode,
        topic: ctx.topic,
        receivedAtMs: ctx.receivedAtMs,
      };
      if (p.stop_loss !== undefined) pos.stopLoss = p.stop_loss;
      if (p.take_profit !== undefined) pos.takeProfit = p.take_profit;
      if (p.magic_number !== undefined) pos.magicNumber = p.magic_number;
      if (p.comment !== undefined) pos.comment = p.comment;
      synced.push(pos);
      this.mapped.set(key, {
        masterAccount: pos.masterAccount,
        masterTicket: pos.ticket,
        slaveTicket: this.nextSlaveTicket++,
        symbol: pos.symbol,
        orderType: pos.orderType,
        lots: pos.lots,
        stopLoss: pos.stopLoss ?? 0,
        takeProfit: pos.takeProfit ?? 0,
        origin: 'sync',
      });
    }
    return { ok: true, synced, skippedMapped };
  }

  /** Decimal tickets: one key per i64 value, whether it arrived as a number or a bigint. */
  private key(masterAccount: string, ticket: WireInt): string {
    const t = wireIntToDecimal(ticket);
    return this.scope === 'ticket' ? t : `${masterAccount}\u0000${t}`;
  }
}
