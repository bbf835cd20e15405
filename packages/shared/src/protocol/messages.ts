// Wire message types with their exact snake_case keys (docs/protocol.md §2, §3).
// `?: T` = key omitted when there is no value ("omit"); `T | null` = key always present, nil when unset ("opt").
// i64 fields the EA fills (tickets, magic numbers, account numbers, leverage) are `WireInt`: exact over the full
// 64-bit range, a bigint only beyond ±(2^53−1) (docs/protocol.md D18).
import type {
  LotCalculationMode,
  OrderType,
  PositionOrderType,
  SyncMode,
  TradeAction,
  WarningCode,
} from './constants';
import type { WireInt } from './wire-int';

export type { WireInt } from './wire-int';

export interface SymbolContext {
  detected_prefix: string;
  detected_suffix: string;
  available_special_symbols: string[];
}

export interface RegisterMessage {
  message_type: 'Register';
  account_id: string;
  /** `Master` / `Slave` in practice; kept a string because the relay must cope with anything else. */
  ea_type: string;
  platform: string;
  account_number: WireInt;
  broker: string;
  account_name: string;
  server: string;
  currency: string;
  leverage: WireInt;
  timestamp: string;
  symbol_context: SymbolContext | null;
  /** Defaults to false when the key is missing. */
  is_trade_allowed: boolean;
}

export interface HeartbeatMessage {
  message_type: 'Heartbeat';
  account_id: string;
  balance: number;
  equity: number;
  open_positions: number;
  timestamp: string;
  version: string;
  ea_type: string;
  platform: string;
  account_number: WireInt;
  broker: string;
  account_name: string;
  server: string;
  currency: string;
  leverage: WireInt;
  is_trade_allowed: boolean;
  symbol_prefix: string | null;
  symbol_suffix: string | null;
  symbol_map: string | null;
}

export interface RequestConfigMessage {
  message_type: 'RequestConfig';
  account_id: string;
  timestamp: string;
  ea_type: string;
}

export interface UnregisterMessage {
  message_type: 'Unregister';
  account_id: string;
  /** Epoch milliseconds (unlike the other inbound messages). */
  timestamp: number;
  ea_type: string | null;
}

export interface TradeSignal {
  action: TradeAction;
  ticket: WireInt;
  symbol?: string;
  order_type?: OrderType;
  lots?: number;
  open_price?: number;
  stop_loss?: number;
  take_profit?: number;
  magic_number?: WireInt;
  comment?: string;
  /** RFC 3339 with `Z`; forwarded unchanged. */
  timestamp: string;
  source_account: string;
  close_ratio?: number;
}

export interface SyncRequestMessage {
  message_type: 'SyncRequest';
  slave_account: string;
  master_account: string;
  last_sync_time?: string;
  timestamp: string;
}

export interface PositionInfo {
  ticket: WireInt;
  symbol: string;
  order_type: PositionOrderType;
  lots: number;
  open_price: number;
  open_time: string;
  stop_loss?: number;
  take_profit?: number;
  magic_number?: WireInt;
  comment?: string;
}

export interface PositionSnapshotMessage {
  message_type: 'PositionSnapshot';
  source_account: string;
  positions: PositionInfo[];
  timestamp: string;
}

export interface MasterConfigMessage {
  account_id: string;
  /** -1 NO_CONFIG, 0 DISABLED, 2 CONNECTED (see `Status`). */
  status: number;
  symbol_prefix: string | null;
  symbol_suffix: string | null;
  config_version: number;
  /** Epoch milliseconds. */
  timestamp: number;
  warning_codes: WarningCode[];
}

export interface WireSymbolMapping {
  source_symbol: string;
  target_symbol: string;
}

/** Each list is nil (no filter) or an array. */
export interface WireTradeFilters {
  allowed_symbols: string[] | null;
  blocked_symbols: string[] | null;
  allowed_magic_numbers: WireInt[] | null;
  blocked_magic_numbers: WireInt[] | null;
}

export interface SlaveConfigMessage {
  account_id: string;
  master_account: string;
  /** Epoch milliseconds. */
  timestamp: number;
  trade_group_id: string;
  /** -1 removes this master's config; 0/1/2 otherwise. */
  status: number;
  lot_calculation_mode: LotCalculationMode;
  lot_multiplier: number | null;
  reverse_trade: boolean;
  symbol_prefix: string | null;
  symbol_suffix: string | null;
  symbol_mappings: WireSymbolMapping[];
  filters: WireTradeFilters;
  config_version: number;
  source_lot_min: number | null;
  source_lot_max: number | null;
  master_equity: number | null;
  sync_mode: SyncMode;
  limit_order_expiry_min: number | null;
  market_sync_max_pips: number | null;
  max_slippage: number | null;
  copy_pending_orders: boolean;
  max_retries: number;
  max_signal_delay_ms: number;
  use_pending_order_for_delayed: boolean;
  allow_new_orders: boolean;
  warning_codes: WarningCode[];
}

export interface GlobalConfigMessage {
  enabled: boolean;
  endpoint: string;
  batch_size: number;
  flush_interval_secs: number;
  /** `DEBUG`/`INFO`/`WARN`/`ERROR`; `""` when the key is missing. */
  log_level: string;
  timestamp: string;
}

export type DecodedInbound =
  | { type: 'Register'; message: RegisterMessage }
  | { type: 'Heartbeat'; message: HeartbeatMessage }
  | { type: 'RequestConfig'; message: RequestConfigMessage }
  | { type: 'Unregister'; message: UnregisterMessage }
  | { type: 'PositionSnapshot'; message: PositionSnapshotMessage }
  | { type: 'SyncRequest'; message: SyncRequestMessage }
  | { type: 'TradeSignal'; message: TradeSignal };

export type InboundType = DecodedInbound['type'];

export type OutboundMessage =
  | { type: 'MasterConfig'; message: MasterConfigMessage }
  | { type: 'SlaveConfig'; message: SlaveConfigMessage }
  | { type: 'GlobalConfig'; message: GlobalConfigMessage }
  | { type: 'TradeSignal'; message: TradeSignal }
  | { type: 'SyncRequest'; message: SyncRequestMessage }
  | { type: 'PositionSnapshot'; message: PositionSnapshotMessage };

export type OutboundType = OutboundMessage['type'];
