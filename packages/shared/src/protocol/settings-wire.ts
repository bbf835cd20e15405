// Maps the camelCase settings of domain/settings.ts onto the snake_case config messages (§7.1–§7.3).

import { defaultMemberRisk } from '../domain/risk';
import type { MasterSettings, SlaveSettings, TradeFilters } from '../domain/settings';
import { Status, type WarningCode } from './constants';
import type { MasterConfigMessage, SlaveConfigMessage, WireTradeFilters } from './messages';
import { parseDecimalWireInt, type WireInt, wireIntToDecimal } from './wire-int';

/** The part of a SlaveConfigMessage copied 1:1 from the member's settings. */
export type SlaveSettingsWireFields = Pick<
  SlaveConfigMessage,
  | 'lot_calculation_mode'
  | 'lot_multiplier'
  | 'reverse_trade'
  | 'symbol_prefix'
  | 'symbol_suffix'
  | 'symbol_mappings'
  | 'filters'
  | 'config_version'
  | 'source_lot_min'
  | 'source_lot_max'
  | 'sync_mode'
  | 'limit_order_expiry_min'
  | 'market_sync_max_pips'
  | 'max_slippage'
  | 'copy_pending_orders'
  | 'max_retries'
  | 'max_signal_delay_ms'
  | 'use_pending_order_for_delayed'
>;

const copyList = <T>(list: readonly T[] | null): T[] | null => (list === null ? null : [...list]);

/** A settings magic number (a decimal string the schema has checked) as its wire integer. */
function magicToWire(decimal: string): WireInt {
  const v = parseDecimalWireInt(decimal);
  if (v === null) throw new TypeError(`magic number "${decimal}" is not a decimal i64`);
  return v;
}

const magicListToWire = (list: readonly string[] | null): WireInt[] | null =>
  list === null ? null : list.map(magicToWire);
const magicListToCamel = (list: readonly WireInt[] | null): string[] | null =>
  list === null ? null : list.map(wireIntToDecimal);

/** Throws TypeError for a magic number that is not a decimal i64 (the settings schema never lets one through). */
export function camelFiltersToWire(filters: TradeFilters): WireTradeFilters {
  return {
    allowed_symbols: copyList(filters.allowedSymbols),
    blocked_symbols: copyList(filters.blockedSymbols),
    allowed_magic_numbers: magicListToWire(filters.allowedMagicNumbers),
    blocked_magic_numbers: magicListToWire(filters.blockedMagicNumbers),
  };
}

export function wireFiltersToCamel(filters: WireTradeFilters): TradeFilters {
  return {
    allowedSymbols: copyList(filters.allowed_symbols),
    blockedSymbols: copyList(filters.blocked_symbols),
    allowedMagicNumbers: magicListToCamel(filters.allowed_magic_numbers),
    blockedMagicNumbers: magicListToCamel(filters.blocked_magic_numbers),
  };
}

export function slaveSettingsToWireFields(s: SlaveSettings): SlaveSettingsWireFields {
  return {
    lot_calculation_mode: s.lotCalculationMode,
    lot_multiplier: s.lotMultiplier,
    reverse_trade: s.reverseTrade,
    symbol_prefix: s.symbolPrefix,
    symbol_suffix: s.symbolSuffix,
    symbol_mappings: s.symbolMappings.map((m) => ({
      source_symbol: m.sourceSymbol,
      target_symbol: m.targetSymbol,
    })),
    filters: camelFiltersToWire(s.filters),
    config_version: s.configVersion,
    source_lot_min: s.sourceLotMin,
    source_lot_max: s.sourceLotMax,
    sync_mode: s.syncMode,
    limit_order_expiry_min: s.limitOrderExpiryMin,
    market_sync_max_pips: s.marketSyncMaxPips,
    max_slippage: s.maxSlippage,
    copy_pending_orders: s.copyPendingOrders,
    max_retries: s.maxRetries,
    max_signal_delay_ms: s.maxSignalDelayMs,
    use_pending_order_for_delayed: s.usePendingOrderForDelayed,
  };
}

/** The inverse of `slaveSettingsToWireFields` (e.g. for the simulator's view of a received config). */
export function wireFieldsToSlaveSettings(w: SlaveSettingsWireFields): SlaveSettings {
  return {
    lotCalculationMode: w.lot_calculation_mode,
    lotMultiplier: w.lot_multiplier,
    reverseTrade: w.reverse_trade,
    symbolPrefix: w.symbol_prefix,
    symbolSuffix: w.symbol_suffix,
    symbolMappings: w.symbol_mappings.map((m) => ({
      sourceSymbol: m.source_symbol,
      targetSymbol: m.target_symbol,
    })),
    filters: wireFiltersToCamel(w.filters),
    configVersion: w.config_version,
    // Relay-only: not on the wire, so a received config carries the default.
    whenOff: 'closeOnly',
    risk: defaultMemberRisk(),
    sourceLotMin: w.source_lot_min,
    sourceLotMax: w.source_lot_max,
    syncMode: w.sync_mode,
    limitOrderExpiryMin: w.limit_order_expiry_min,
    marketSyncMaxPips: w.market_sync_max_pips,
    maxSlippage: w.max_slippage,
    copyPendingOrders: w.copy_pending_orders,
    maxRetries: w.max_retries,
    maxSignalDelayMs: w.max_signal_delay_ms,
    usePendingOrderForDelayed: w.use_pending_order_for_delayed,
  };
}

export interface SlaveConfigInput {
  slaveAccount: string;
  masterAccount: string;
  status: number;
  allowNewOrders: boolean;
  warningCodes: readonly WarningCode[];
  /** The master's last known equity; null when the relay has no connection entry for it. */
  masterEquity: number | null;
  settings: SlaveSettings;
  timestampMs: number;
}

export function buildSlaveConfigMessage(input: SlaveConfigInput): SlaveConfigMessage {
  return {
    account_id: input.slaveAccount,
    master_account: input.masterAccount,
    timestamp: input.timestampMs,
    trade_group_id: input.masterAccount,
    status: input.status,
    ...slaveSettingsToWireFields(input.settings),
    master_equity: input.masterEquity,
    allow_new_orders: input.allowNewOrders,
    warning_codes: [...input.warningCodes],
  };
}

/** §7.3: tells the slave to drop this master's config. */
export function buildRemovalSlaveConfig(
  slaveAccount: string,
  masterAccount: string,
  timestampMs: number,
): SlaveConfigMessage {
  return {
    account_id: slaveAccount,
    master_account: masterAccount,
    timestamp: timestampMs,
    trade_group_id: masterAccount,
    status: Status.NO_CONFIG,
    lot_calculation_mode: 'multiplier',
    lot_multiplier: null,
    reverse_trade: false,
    symbol_prefix: null,
    symbol_suffix: null,
    symbol_mappings: [],
    filters: {
      allowed_symbols: null,
      blocked_symbols: null,
      allowed_magic_numbers: null,
      blocked_magic_numbers: null,
    },
    config_version: 0,
    source_lot_min: null,
    source_lot_max: null,
    master_equity: null,
    sync_mode: 'skip',
    limit_order_expiry_min: null,
    market_sync_max_pips: null,
    max_slippage: null,
    copy_pending_orders: false,
    max_retries: 3,
    max_signal_delay_ms: 5000,
    use_pending_order_for_delayed: false,
    allow_new_orders: false,
    warning_codes: [],
  };
}

export interface MasterConfigInput {
  masterAccount: string;
  status: number;
  warningCodes: readonly WarningCode[];
  settings: Pick<MasterSettings, 'symbolPrefix' | 'symbolSuffix' | 'configVersion'>;
  timestampMs: number;
}

export function buildMasterConfigMessage(input: MasterConfigInput): MasterConfigMessage {
  return {
    account_id: input.masterAccount,
    status: input.status,
    symbol_prefix: input.settings.symbolPrefix,
    symbol_suffix: input.settings.symbolSuffix,
    config_version: input.settings.configVersion,
    timestamp: input.timestampMs,
    warning_codes: [...input.warningCodes],
  };
}

/** §7.3: sent when the last member is deleted (and, D13, when a group is deleted). */
export function buildRemovalMasterConfig(masterAccount: string, timestampMs: number): MasterConfigMessage {
  return {
    account_id: masterAccount,
    status: Status.NO_CONFIG,
    symbol_prefix: null,
    symbol_suffix: null,
    config_version: 0,
    timestamp: timestampMs,
    warning_codes: [],
  };
}
