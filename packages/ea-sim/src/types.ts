// Public types of the EA simulator (wire shapes come from @sankey/shared).
import type { FrameDecodeError } from '@sankey/shared/errors';
import type { OrderType, PositionOrderType, SyncMode } from '@sankey/shared/protocol/constants';
import type {
  DecodedInbound,
  OutboundMessage,
  SymbolContext,
  TradeSignal,
  WireInt,
} from '@sankey/shared/protocol/messages';

export type EaRole = 'Master' | 'Slave';

/** Epoch milliseconds "now"; injectable so latency checks and timestamps are deterministic in tests. */
export type Clock = () => number;

export interface SimEaOptions {
  accountId: string;
  /** Where the PUSH socket connects (the relay's PULL), e.g. `tcp://127.0.0.1:5555`. */
  receiverEndpoint: string;
  /** Where the SUB socket connects (the relay's PUB), e.g. `tcp://127.0.0.1:5556`. */
  publisherEndpoint: string;
  platform?: 'MT4' | 'MT5';
  accountNumber?: WireInt;
  broker?: string;
  accountName?: string;
  server?: string;
  currency?: string;
  leverage?: WireInt;
  balance?: number;
  equity?: number;
  /** MT "algo trading" switch (default true). */
  isTradeAllowed?: boolean;
  /** Sent in Register; null/undefined → nil. A context whose three parts are all empty is also sent as nil. */
  symbolContext?: SymbolContext | null;
  /** Pause between connecting and Register, as the EA's symbol detection takes (default 50 ms). */
  symbolDetectionMs?: number;
  /** Default 1000 (the DLL sends a heartbeat when ≥ 1 s elapsed since the last one). */
  heartbeatIntervalMs?: number;
  clock?: Clock;
  /** Oldest received/sent log entries are dropped beyond this (default 100 000). */
  maxLogEntries?: number;
}

/** One frame received on the SUB socket, decoded as an EA of this role would decode it. */
export interface ReceivedFrame {
  /** Monotonic per EA, starts at 1. */
  seq: number;
  topic: string;
  /** null when the frame did not decode for this role (the EA silently ignores it). */
  message: OutboundMessage | null;
  error?: FrameDecodeError;
  receivedAtMs: number;
  raw: Buffer;
}

/** One message pushed to the relay. `raw` is set for `sendRaw` frames (then `message` is null). */
export interface SentFrame {
  seq: number;
  message: DecodedInbound | null;
  raw: Buffer;
  sentAtMs: number;
}

/** A position the master EA tracks (symbol as the broker spells it, i.e. with its affixes). */
export interface MasterPosition {
  ticket: WireInt;
  symbol: string;
  orderType: OrderType;
  lots: number;
  openPrice: number;
  stopLoss: number;
  takeProfit: number;
  magicNumber: WireInt;
  comment: string;
  openTimeMs: number;
}

export interface OpenOptions {
  ticket: WireInt;
  symbol: string;
  orderType: OrderType;
  lots: number;
  openPrice?: number;
  stopLoss?: number;
  takeProfit?: number;
  magicNumber?: WireInt;
  comment?: string;
}

export type SlaveCommandKind = 'open' | 'close' | 'modify';

/** What the Slave DLL hands to the MQL layer for one accepted TradeSignal (§5.3). */
export interface SlaveCommand {
  kind: SlaveCommandKind;
  masterAccount: string;
  /** The master's ticket. */
  ticket: WireInt;
  symbol?: string;
  orderType?: OrderType;
  lots?: number;
  openPrice?: number;
  closeRatio?: number;
  stopLoss?: number;
  takeProfit?: number;
  magicNumber?: WireInt;
  comment?: string;
  /** Signal older than max_signal_delay_ms with use_pending_order_for_delayed (algo_flags bit 0). */
  delayed: boolean;
  /** The topic the signal arrived on (cross-talk copies carry other slaves' topics). */
  topic: string;
  latencyMs: number;
  receivedAtMs: number;
  signal: TradeSignal;
}

export type IgnoreReason =
  | 'no_config'
  | 'new_orders_not_allowed'
  | 'symbol_not_allowed'
  | 'symbol_blocked'
  | 'magic_not_allowed'
  | 'magic_blocked'
  | 'signal_too_old'
  | 'bad_timestamp'
  /** MQL: an Open whose master ticket is already mapped (restart re-sends, cross-talk copies). */
  | 'already_mapped'
  /** MQL: a Close/Modify for a master ticket with no mapped position. */
  | 'not_mapped';

export interface IgnoredSignal {
  reason: IgnoreReason;
  topic: string;
  signal: TradeSignal;
  receivedAtMs: number;
}

/** A position the slave would open from a PositionSnapshot (sync_mode ≠ skip). */
export interface SyncedPosition {
  masterAccount: string;
  ticket: WireInt;
  symbol: string;
  orderType: PositionOrderType;
  /** Transformed like trade lots. */
  lots: number;
  openPrice: number;
  stopLoss?: number;
  takeProfit?: number;
  magicNumber?: WireInt;
  comment?: string;
  syncMode: Exclude<SyncMode, 'skip'>;
  topic: string;
  receivedAtMs: number;
}

export interface IgnoredSnapshot {
  reason: 'no_config' | 'sync_skip';
  topic: string;
  sourceAccount: string;
  receivedAtMs: number;
}

/** A position the slave holds after executing an open command (simulated, no broker rounding). */
export interface SlavePosition {
  masterAccount: string;
  masterTicket: WireInt;
  slaveTicket: number;
  symbol: string;
  orderType: PositionOrderType;
  lots: number;
  stopLoss: number;
  takeProfit: number;
  /** 'market' for normal opens, 'pending' for delayed opens, 'sync' for snapshot syncs. */
  origin: 'market' | 'pending' | 'sync';
}
