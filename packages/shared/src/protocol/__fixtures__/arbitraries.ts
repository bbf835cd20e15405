// fast-check generators for every wire message, shared by the property and fuzz tests.
import fc from 'fast-check';
import type { SlaveSettings } from '../../domain/settings';
import { WHEN_OFF_MODES } from '../../domain/settings';
import { isValidAccountId } from '../account-id';
import { LOT_CALCULATION_MODES, ORDER_TYPES, SYNC_MODES, TRADE_ACTIONS, WARNING_CODES } from '../constants';
import type {
  DecodedInbound,
  GlobalConfigMessage,
  HeartbeatMessage,
  MasterConfigMessage,
  OutboundMessage,
  PositionInfo,
  PositionSnapshotMessage,
  RegisterMessage,
  RequestConfigMessage,
  SlaveConfigMessage,
  SyncRequestMessage,
  TradeSignal,
  UnregisterMessage,
} from '../messages';
import { canonicalWireInt, I64_MAX, I64_MIN, type WireInt, wireIntToDecimal } from '../wire-int';

/** Mostly ASCII (the realistic case) with full Unicode and long strings mixed in to hit str8/str16 headers. */
export const wireString = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 200, maxLength: 300 }) },
);
/** Full i64 range in canonical form, with the edges (±2^53 neighbours, ±2^63 ends) drawn often. */
export const i64Arb: fc.Arbitrary<WireInt> = fc.oneof(
  { weight: 3, arbitrary: fc.maxSafeInteger() },
  { weight: 3, arbitrary: fc.bigInt({ min: I64_MIN, max: I64_MAX }).map(canonicalWireInt) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        I64_MIN,
        I64_MIN + 1n,
        -(2n ** 53n) - 1n,
        -(2n ** 53n),
        2n ** 53n,
        2n ** 53n + 1n,
        I64_MAX,
      )
      .map(canonicalWireInt),
  },
);
const i64 = i64Arb;
/** Epoch-ms timestamps: i64 on the wire, held as numbers. */
const ms = fc.maxSafeInteger();
/** Inbound account ids obey D18 (the decoder refuses the others): ASCII mostly, Unicode and 63 bytes too. */
export const accountIdArb = fc
  .oneof(
    { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 20 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 15 }) },
    { weight: 1, arbitrary: fc.string({ minLength: 63, maxLength: 63 }) },
  )
  .filter(isValidAccountId);
const i32 = fc.integer();
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const float = fc.oneof(
  fc.double(),
  fc.integer().map((n) => n),
);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
const list = <T>(a: fc.Arbitrary<T>, maxLength = 5) => fc.array(a, { maxLength });

export const registerArb: fc.Arbitrary<RegisterMessage> = fc.record({
  message_type: fc.constant('Register' as const),
  account_id: accountIdArb,
  ea_type: fc.oneof(fc.constantFrom('Master', 'Slave'), wireString),
  platform: fc.oneof(fc.constantFrom('MT4', 'MT5'), wireString),
  account_number: i64,
  broker: wireString,
  account_name: wireString,
  server: wireString,
  currency: wireString,
  leverage: i64,
  timestamp: wireString,
  symbol_context: maybe(
    fc.record({
      detected_prefix: wireString,
      detected_suffix: wireString,
      available_special_symbols: list(wireString),
    }),
  ),
  is_trade_allowed: fc.boolean(),
});

export const heartbeatArb: fc.Arbitrary<HeartbeatMessage> = fc.record({
  message_type: fc.constant('Heartbeat' as const),
  account_id: accountIdArb,
  balance: float,
  equity: float,
  open_positions: i32,
  timestamp: wireString,
  version: wireString,
  ea_type: wireString,
  platform: wireString,
  account_number: i64,
  broker: wireString,
  account_name: wireString,
  server: wireString,
  currency: wireString,
  leverage: i64,
  is_trade_allowed: fc.boolean(),
  symbol_prefix: maybe(wireString),
  symbol_suffix: maybe(wireString),
  symbol_map: maybe(wireString),
});

export const requestConfigArb: fc.Arbitrary<RequestConfigMessage> = fc.record({
  message_type: fc.constant('RequestConfig' as const),
  account_id: accountIdArb,
  timestamp: wireString,
  ea_type: wireString,
});

export const unregisterArb: fc.Arbitrary<UnregisterMessage> = fc.record({
  message_type: fc.constant('Unregister' as const),
  account_id: accountIdArb,
  timestamp: ms,
  ea_type: maybe(wireString),
});

export const tradeSignalArb: fc.Arbitrary<TradeSignal> = fc.record(
  {
    action: fc.constantFrom(...TRADE_ACTIONS),
    ticket: i64,
    symbol: wireString,
    order_type: fc.constantFrom(...ORDER_TYPES),
    lots: float,
    open_price: float,
    stop_loss: float,
    take_profit: float,
    magic_number: i64,
    comment: wireString,
    timestamp: wireString,
    source_account: accountIdArb,
    close_ratio: float,
  },
  { requiredKeys: ['action', 'ticket', 'timestamp', 'source_account'] },
);

export const syncRequestArb: fc.Arbitrary<SyncRequestMessage> = fc.record(
  {
    message_type: fc.constant('SyncRequest' as const),
    slave_account: accountIdArb,
    master_account: accountIdArb,
    last_sync_time: wireString,
    timestamp: wireString,
  },
  { requiredKeys: ['message_type', 'slave_account', 'master_account', 'timestamp'] },
);

export const positionInfoArb: fc.Arbitrary<PositionInfo> = fc.record(
  {
    ticket: i64,
    symbol: wireString,
    order_type: fc.constantFrom(...ORDER_TYPES, 'Unknown' as const),
    lots: float,
    open_price: float,
    open_time: wireString,
    stop_loss: float,
    take_profit: float,
    magic_number: i64,
    comment: wireString,
  },
  { requiredKeys: ['ticket', 'symbol', 'order_type', 'lots', 'open_price', 'open_time'] },
);

export const positionSnapshotArb: fc.Arbitrary<PositionSnapshotMessage> = fc.record({
  message_type: fc.constant('PositionSnapshot' as const),
  source_account: accountIdArb,
  positions: list(positionInfoArb, 20),
  timestamp: wireString,
});

const warningCodesArb = fc.subarray([...WARNING_CODES]);

export const masterConfigArb: fc.Arbitrary<MasterConfigMessage> = fc.record({
  account_id: wireString,
  status: i32,
  symbol_prefix: maybe(wireString),
  symbol_suffix: maybe(wireString),
  config_version: u32,
  timestamp: ms,
  warning_codes: warningCodesArb,
});

export const slaveConfigArb: fc.Arbitrary<SlaveConfigMessage> = fc.record({
  account_id: wireString,
  master_account: wireString,
  timestamp: ms,
  trade_group_id: wireString,
  status: i32,
  lot_calculation_mode: fc.constantFrom(...LOT_CALCULATION_MODES),
  lot_multiplier: maybe(float),
  reverse_trade: fc.boolean(),
  symbol_prefix: maybe(wireString),
  symbol_suffix: maybe(wireString),
  symbol_mappings: list(fc.record({ source_symbol: wireString, target_symbol: wireString }), 20),
  filters: fc.record({
    allowed_symbols: maybe(list(wireString, 20)),
    blocked_symbols: maybe(list(wireString)),
    allowed_magic_numbers: maybe(list(i64, 20)),
    blocked_magic_numbers: maybe(list(i64)),
  }),
  config_version: u32,
  source_lot_min: maybe(float),
  source_lot_max: maybe(float),
  master_equity: maybe(float),
  sync_mode: fc.constantFrom(...SYNC_MODES),
  limit_order_expiry_min: maybe(i32),
  market_sync_max_pips: maybe(float),
  max_slippage: maybe(i32),
  copy_pending_orders: fc.boolean(),
  max_retries: i32,
  max_signal_delay_ms: i32,
  use_pending_order_for_delayed: fc.boolean(),
  allow_new_orders: fc.boolean(),
  warning_codes: warningCodesArb,
});

export const globalConfigArb: fc.Arbitrary<GlobalConfigMessage> = fc.record({
  enabled: fc.boolean(),
  endpoint: wireString,
  batch_size: i32,
  flush_interval_secs: i32,
  log_level: fc.oneof(fc.constantFrom('DEBUG', 'INFO', 'WARN', 'ERROR', ''), wireString),
  timestamp: wireString,
});

export const inboundArb: fc.Arbitrary<DecodedInbound> = fc.oneof(
  registerArb.map((message) => ({ type: 'Register' as const, message })),
  heartbeatArb.map((message) => ({ type: 'Heartbeat' as const, message })),
  requestConfigArb.map((message) => ({ type: 'RequestConfig' as const, message })),
  unregisterArb.map((message) => ({ type: 'Unregister' as const, message })),
  positionSnapshotArb.map((message) => ({ type: 'PositionSnapshot' as const, message })),
  syncRequestArb.map((message) => ({ type: 'SyncRequest' as const, message })),
  tradeSignalArb.map((message) => ({ type: 'TradeSignal' as const, message })),
);

export const outboundArb: fc.Arbitrary<OutboundMessage> = fc.oneof(
  masterConfigArb.map((message) => ({ type: 'MasterConfig' as const, message })),
  slaveConfigArb.map((message) => ({ type: 'SlaveConfig' as const, message })),
  globalConfigArb.map((message) => ({ type: 'GlobalConfig' as const, message })),
  tradeSignalArb.map((message) => ({ type: 'TradeSignal' as const, message })),
  syncRequestArb.map((message) => ({ type: 'SyncRequest' as const, message })),
  positionSnapshotArb.map((message) => ({ type: 'PositionSnapshot' as const, message })),
);

const settingsSymbol = fc.string({ minLength: 1, maxLength: 10 });
const nullableList = <T>(a: fc.Arbitrary<T>) =>
  fc.option(fc.array(a, { minLength: 1, maxLength: 4 }), { nil: null });

/** Valid camelCase slave settings (within the zod limits). */
export const slaveSettingsArb: fc.Arbitrary<SlaveSettings> = fc.record({
  lotCalculationMode: fc.constantFrom(...LOT_CALCULATION_MODES),
  lotMultiplier: fc.option(fc.double({ min: 0.01, max: 1000, noNaN: true }), { nil: null }),
  reverseTrade: fc.boolean(),
  symbolPrefix: fc.option(settingsSymbol, { nil: null }),
  symbolSuffix: fc.option(settingsSymbol, { nil: null }),
  symbolMappings: fc.array(fc.record({ sourceSymbol: settingsSymbol, targetSymbol: settingsSymbol }), {
    maxLength: 5,
  }),
  filters: fc.record({
    allowedSymbols: nullableList(settingsSymbol),
    blockedSymbols: nullableList(settingsSymbol),
    allowedMagicNumbers: nullableList(i64.map(wireIntToDecimal)),
    blockedMagicNumbers: nullableList(i64.map(wireIntToDecimal)),
  }),
  sourceLotMin: fc.constant(null),
  sourceLotMax: fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: null }),
  syncMode: fc.constantFrom(...SYNC_MODES),
  limitOrderExpiryMin: fc.option(fc.integer({ min: 0, max: 525_600 }), { nil: null }),
  marketSyncMaxPips: fc.option(fc.double({ min: 0, max: 10_000, noNaN: true }), { nil: null }),
  maxSlippage: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: null }),
  copyPendingOrders: fc.boolean(),
  maxRetries: fc.integer({ min: 0, max: 100 }),
  maxSignalDelayMs: fc.integer({ min: 0, max: 600_000 }),
  usePendingOrderForDelayed: fc.boolean(),
  configVersion: fc.integer({ min: 0, max: 0xffff_ffff }),
  whenOff: fc.constantFrom(...WHEN_OFF_MODES),
  risk: fc.record({
    closeOnly: fc.boolean(),
    maxOpenPositions: fc.option(fc.integer({ min: 1, max: 100 }), { nil: null }),
    tradingHours: fc.option(
      fc.record({
        timeZone: fc.constantFrom('UTC', 'Europe/London', 'Asia/Tokyo'),
        windows: fc.array(
          fc.record({
            day: fc.integer({ min: 0, max: 6 }),
            from: fc.constant('08:00'),
            to: fc.constant('22:00'),
          }),
          { minLength: 1, maxLength: 3 },
        ),
      }),
      { nil: null },
    ),
  }),
});
