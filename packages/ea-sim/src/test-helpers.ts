// Builders shared by the simulator's tests (and handy for other packages' tests): complete wire configs with
// the DLL's defaults, overridable field by field.
import type { MasterConfigMessage, SlaveConfigMessage } from '@sankey/shared/protocol/messages';

export function makeSlaveConfig(
  overrides: Partial<SlaveConfigMessage> & { account_id: string; master_account: string },
): SlaveConfigMessage {
  return {
    timestamp: 1_735_689_600_000,
    trade_group_id: overrides.master_account,
    status: 2,
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
    config_version: 1,
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
    allow_new_orders: true,
    warning_codes: [],
    ...overrides,
  };
}

export function makeMasterConfig(
  overrides: Partial<MasterConfigMessage> & { account_id: string },
): MasterConfigMessage {
  return {
    status: 2,
    symbol_prefix: null,
    symbol_suffix: null,
    config_version: 1,
    timestamp: 1_735_689_600_000,
    warning_codes: [],
    ...overrides,
  };
}
