// Wire constants of protocol "2.0.0" (docs/protocol.md §4). Values keep their wire spelling everywhere.

export const PROTOCOL_VERSION = '2.0.0';

/** Runtime status codes (i32 on the wire). */
export const Status = {
  NO_CONFIG: -1,
  DISABLED: 0,
  ENABLED: 1,
  CONNECTED: 2,
} as const;
export type StatusCode = (typeof Status)[keyof typeof Status];

/**
 * Warning codes in priority order (index 0 = most important). The bit order used by core-as is this order,
 * so sorting a bitmask by priority is iterating bits from 0 upwards.
 */
export const WARNING_CODES = [
  'slave_web_ui_disabled',
  'slave_offline',
  'slave_auto_trading_disabled',
  'master_web_ui_disabled',
  'master_offline',
  'master_auto_trading_disabled',
  'no_master_assigned',
  'master_cluster_degraded',
] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

/** Display priority (lower = more important), as the original's code defines it. */
export const WARNING_PRIORITY: Readonly<Record<WarningCode, number>> = {
  slave_web_ui_disabled: 10,
  slave_offline: 20,
  slave_auto_trading_disabled: 30,
  master_web_ui_disabled: 40,
  master_offline: 50,
  master_auto_trading_disabled: 60,
  no_master_assigned: 70,
  master_cluster_degraded: 80,
};

/** Bit of a warning code in a warnings bitmask (bit i = WARNING_CODES[i]). */
export const WARNING_BIT: Readonly<Record<WarningCode, number>> = Object.fromEntries(
  WARNING_CODES.map((code, i) => [code, 1 << i]),
) as Record<WarningCode, number>;

export function warningsFromMask(mask: number): WarningCode[] {
  const out: WarningCode[] = [];
  for (let i = 0; i < WARNING_CODES.length; i++) if (mask & (1 << i)) out.push(WARNING_CODES[i]!);
  return out;
}

export function maskFromWarnings(codes: readonly WarningCode[]): number {
  let mask = 0;
  for (const c of codes) mask |= WARNING_BIT[c];
  return mask;
}

export const ORDER_TYPES = ['Buy', 'Sell', 'BuyLimit', 'SellLimit', 'BuyStop', 'SellStop'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];
/** Position snapshots may carry `Unknown`; for filtering it counts as a market order (docs/protocol.md D5). */
export type PositionOrderType = OrderType | 'Unknown';
export const PENDING_ORDER_TYPES: ReadonlySet<string> = new Set([
  'BuyLimit',
  'SellLimit',
  'BuyStop',
  'SellStop',
]);
export const REVERSED_ORDER_TYPE: Readonly<Record<OrderType, OrderType>> = {
  Buy: 'Sell',
  Sell: 'Buy',
  BuyLimit: 'SellLimit',
  SellLimit: 'BuyLimit',
  BuyStop: 'SellStop',
  SellStop: 'BuyStop',
};

export const TRADE_ACTIONS = ['Open', 'Close', 'Modify'] as const;
export type TradeAction = (typeof TRADE_ACTIONS)[number];

export const LOT_CALCULATION_MODES = ['multiplier', 'margin_ratio'] as const;
export type LotCalculationMode = (typeof LOT_CALCULATION_MODES)[number];

export const SYNC_MODES = ['skip', 'limit_order', 'market_order'] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

export const EA_TYPES = ['Master', 'Slave'] as const;
export type EaType = (typeof EA_TYPES)[number];

export const PLATFORMS = ['MT4', 'MT5'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Relay-internal connection status; only `Online` counts as online for the status engine. */
export const CONNECTION_STATUSES = ['Online', 'Offline', 'Timeout', 'Registered'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Why the copy engine rejected a member for a signal (docs/protocol.md §10.1, in evaluation order).
 * Index = numeric reason code used by core-as; 0 means accepted.
 */
export const FILTER_REASONS = [
  'accepted',
  'member_not_connected',
  'pending_orders_disabled',
  'lots_below_min',
  'lots_above_max',
  'symbol_not_allowed',
  'symbol_blocked',
  'magic_not_allowed',
  'magic_blocked',
  // Risk controls (docs/protocol.md D22): Opens only, never Closes or Modifies.
  'stale_signal',
  'manual_close_only',
  'equity_guard',
  'max_positions',
  'outside_trading_hours',
] as const;
export type FilterReason = (typeof FILTER_REASONS)[number];

/** The EA's receive buffer: a published frame (topic + space + payload) must not exceed this. */
export const MAX_OUTBOUND_FRAME_BYTES = 4096;
/** Inbound frames larger than this are dropped (`too_large`). */
export const MAX_INBOUND_FRAME_BYTES = 1024 * 1024;

/** EA-side fixed buffer sizes (bytes, UTF-8). */
export const MAX_ACCOUNT_ID_BYTES = 63;
export const MAX_SYMBOL_AFFIX_BYTES = 31;

export const DEFAULT_SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['XAUUSD', 'GOLD'],
  ['XAGUSD', 'SILVER'],
  ['US30', 'DJI', 'WS30'],
  ['US100', 'NDX', 'NAS100'],
  ['BTCUSD', 'BITCOIN', 'XBTUSD'],
];

export const DEFAULT_HEARTBEAT_TIMEOUT_S = 30;
