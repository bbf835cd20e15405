// Field tables of every wire message, in declaration order (docs/protocol.md §2, §3). The encoder and
// both decoders read these, so the byte layout and the accepted shapes are defined in exactly one place.
import { LOT_CALCULATION_MODES, ORDER_TYPES, SYNC_MODES, TRADE_ACTIONS, WARNING_CODES } from './constants';
import type {
  GlobalConfigMessage,
  HeartbeatMessage,
  MasterConfigMessage,
  PositionInfo,
  PositionSnapshotMessage,
  RegisterMessage,
  RequestConfigMessage,
  SlaveConfigMessage,
  SymbolContext,
  SyncRequestMessage,
  TradeSignal,
  UnregisterMessage,
  WireSymbolMapping,
  WireTradeFilters,
} from './messages';
import {
  arrayOf,
  bool,
  def,
  f64,
  i32,
  i64,
  mapOf,
  mapSpec,
  ms,
  omit,
  oneOf,
  opt,
  req,
  str,
  u32,
} from './msgpack/schema';

const warningCodes = arrayOf(oneOf(WARNING_CODES));

export const symbolContextSpec = mapSpec<SymbolContext>('SymbolContext', [
  ['detected_prefix', str, req],
  ['detected_suffix', str, req],
  ['available_special_symbols', arrayOf(str), req],
]);

export const registerSpec = mapSpec<RegisterMessage>('Register', [
  ['message_type', oneOf(['Register']), req],
  ['account_id', str, req],
  ['ea_type', str, req],
  ['platform', str, req],
  ['account_number', i64, req],
  ['broker', str, req],
  ['account_name', str, req],
  ['server', str, req],
  ['currency', str, req],
  ['leverage', i64, req],
  ['timestamp', str, req],
  ['symbol_context', mapOf(symbolContextSpec), opt],
  ['is_trade_allowed', bool, def(false)],
]);

export const heartbeatSpec = mapSpec<HeartbeatMessage>('Heartbeat', [
  ['message_type', oneOf(['Heartbeat']), req],
  ['account_id', str, req],
  ['balance', f64, req],
  ['equity', f64, req],
  ['open_positions', i32, req],
  ['timestamp', str, req],
  ['version', str, req],
  ['ea_type', str, req],
  ['platform', str, req],
  ['account_number', i64, req],
  ['broker', str, req],
  ['account_name', str, req],
  ['server', str, req],
  ['currency', str, req],
  ['leverage', i64, req],
  ['is_trade_allowed', bool, req],
  ['symbol_prefix', str, opt],
  ['symbol_suffix', str, opt],
  ['symbol_map', str, opt],
]);

export const requestConfigSpec = mapSpec<RequestConfigMessage>('RequestConfig', [
  ['message_type', oneOf(['RequestConfig']), req],
  ['account_id', str, req],
  ['timestamp', str, req],
  ['ea_type', str, req],
]);

export const unregisterSpec = mapSpec<UnregisterMessage>('Unregister', [
  ['message_type', oneOf(['Unregister']), req],
  ['account_id', str, req],
  ['timestamp', ms, req],
  ['ea_type', str, opt],
]);

export const tradeSignalSpec = mapSpec<TradeSignal>('TradeSignal', [
  ['action', oneOf(TRADE_ACTIONS), req],
  ['ticket', i64, req],
  ['symbol', str, omit],
  ['order_type', oneOf(ORDER_TYPES), omit],
  ['lots', f64, omit],
  ['open_price', f64, omit],
  ['stop_loss', f64, omit],
  ['take_profit', f64, omit],
  ['magic_number', i64, omit],
  ['comment', str, omit],
  ['timestamp', str, req],
  ['source_account', str, req],
  ['close_ratio', f64, omit],
]);

export const syncRequestSpec = mapSpec<SyncRequestMessage>('SyncRequest', [
  ['message_type', oneOf(['SyncRequest']), req],
  ['slave_account', str, req],
  ['master_account', str, req],
  ['last_sync_time', str, omit],
  ['timestamp', str, req],
]);

export const positionInfoSpec = mapSpec<PositionInfo>('PositionInfo', [
  ['ticket', i64, req],
  ['symbol', str, req],
  ['order_type', oneOf([...ORDER_TYPES, 'Unknown']), req],
  ['lots', f64, req],
  ['open_price', f64, req],
  ['open_time', str, req],
  ['stop_loss', f64, omit],
  ['take_profit', f64, omit],
  ['magic_number', i64, omit],
  ['comment', str, omit],
]);

export const positionSnapshotSpec = mapSpec<PositionSnapshotMessage>('PositionSnapshot', [
  ['message_type', oneOf(['PositionSnapshot']), req],
  ['source_account', str, req],
  ['positions', arrayOf(mapOf(positionInfoSpec)), req],
  ['timestamp', str, req],
]);

export const masterConfigSpec = mapSpec<MasterConfigMessage>('MasterConfig', [
  ['account_id', str, req],
  ['status', i32, req],
  ['symbol_prefix', str, opt],
  ['symbol_suffix', str, opt],
  ['config_version', u32, req],
  ['timestamp', ms, req],
  ['warning_codes', warningCodes, def([])],
]);

export const symbolMappingSpec = mapSpec<WireSymbolMapping>('SymbolMapping', [
  ['source_symbol', str, req],
  ['target_symbol', str, req],
]);

export const tradeFiltersSpec = mapSpec<WireTradeFilters>('TradeFilters', [
  ['allowed_symbols', arrayOf(str), opt],
  ['blocked_symbols', arrayOf(str), opt],
  ['allowed_magic_numbers', arrayOf(i64), opt],
  ['blocked_magic_numbers', arrayOf(i64), opt],
]);

export const slaveConfigSpec = mapSpec<SlaveConfigMessage>('SlaveConfig', [
  ['account_id', str, req],
  ['master_account', str, req],
  ['timestamp', ms, req],
  ['trade_group_id', str, req],
  ['status', i32, req],
  ['lot_calculation_mode', oneOf(LOT_CALCULATION_MODES), def('multiplier')],
  ['lot_multiplier', f64, opt],
  ['reverse_trade', bool, req],
  ['symbol_prefix', str, opt],
  ['symbol_suffix', str, opt],
  ['symbol_mappings', arrayOf(mapOf(symbolMappingSpec)), req],
  ['filters', mapOf(tradeFiltersSpec), req],
  ['config_version', u32, req],
  ['source_lot_min', f64, opt],
  ['source_lot_max', f64, opt],
  ['master_equity', f64, opt],
  ['sync_mode', oneOf(SYNC_MODES), def('skip')],
  ['limit_order_expiry_min', i32, opt],
  ['market_sync_max_pips', f64, opt],
  ['max_slippage', i32, opt],
  ['copy_pending_orders', bool, def(false)],
  ['max_retries', i32, def(3)],
  ['max_signal_delay_ms', i32, def(5000)],
  ['use_pending_order_for_delayed', bool, def(false)],
  ['allow_new_orders', bool, def(true)],
  ['warning_codes', warningCodes, def([])],
]);

export const globalConfigSpec = mapSpec<GlobalConfigMessage>('GlobalConfig', [
  ['enabled', bool, req],
  ['endpoint', str, req],
  ['batch_size', i32, req],
  ['flush_interval_secs', i32, req],
  ['log_level', str, def('')],
  ['timestamp', str, req],
]);
