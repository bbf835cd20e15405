// Upper bound of a member's SlaveConfigMessage frame, so the API can refuse settings that could ever produce
// a frame above the EA's 4096-byte buffer (docs/api.md, Limits; docs/protocol.md D3) whatever the runtime status.
import { type DeliveryMode, MAX_ALIAS_BYTES } from '../domain/delivery';
import type { SlaveSettings } from '../domain/settings';
import { Status, WARNING_CODES } from './constants';
import type { SlaveConfigMessage } from './messages';
import { writeMap } from './msgpack/schema';
import { MsgpackWriter } from './msgpack/writer';
import { slaveConfigSpec } from './schemas';
import { configTopic } from './topics';
import { I64_MIN } from './wire-int';

const I32_MIN = -0x8000_0000;
const U32_MAX = 0xffff_ffff;

const sizer = new MsgpackWriter(8192);

/** Every entry at the widest int form (int64, 9 bytes), whatever the value: D18 allows the full i64 range. */
const widestMagic = (list: readonly string[] | null): bigint[] | null =>
  list === null ? null : list.map(() => I64_MIN);

/**
 * Frame size (topic, space, payload) with every runtime-dependent field at its largest encoding: all warning
 * codes, float64 in every nil-able float, 5-byte ints where the value may vary, 9-byte ints for magic numbers,
 * the longest enum spellings. Only what the settings fix (prefix/suffix, mappings, symbol filters and the
 * number of magic filters) is taken as given.
 */
export function worstCaseSlaveConfigFrameBytes(
  slaveAccount: string,
  masterAccount: string,
  settings: SlaveSettings,
  delivery: DeliveryMode = 'shared',
): number {
  // Isolated delivery names the master by an alias of up to 63 bytes (docs/protocol.md D23): assume the longest.
  const master = delivery === 'isolated' ? 'A'.repeat(MAX_ALIAS_BYTES) : masterAccount;
  const msg: SlaveConfigMessage = {
    account_id: slaveAccount,
    master_account: master,
    timestamp: Number.MAX_SAFE_INTEGER,
    trade_group_id: master,
    status: Status.NO_CONFIG,
    lot_calculation_mode: 'margin_ratio',
    lot_multiplier: 0,
    reverse_trade: false,
    symbol_prefix: settings.symbolPrefix,
    symbol_suffix: settings.symbolSuffix,
    symbol_mappings: settings.symbolMappings.map((m) => ({
      source_symbol: m.sourceSymbol,
      target_symbol: m.targetSymbol,
    })),
    filters: {
      allowed_symbols: settings.filters.allowedSymbols,
      blocked_symbols: settings.filters.blockedSymbols,
      allowed_magic_numbers: widestMagic(settings.filters.allowedMagicNumbers),
      blocked_magic_numbers: widestMagic(settings.filters.blockedMagicNumbers),
    },
    config_version: U32_MAX,
    source_lot_min: 0,
    source_lot_max: 0,
    master_equity: 0,
    sync_mode: 'market_order',
    limit_order_expiry_min: I32_MIN,
    market_sync_max_pips: 0,
    max_slippage: I32_MIN,
    copy_pending_orders: false,
    max_retries: I32_MIN,
    max_signal_delay_ms: I32_MIN,
    use_pending_order_for_delayed: false,
    allow_new_orders: false,
    warning_codes: [...WARNING_CODES],
  };
  sizer.reset();
  writeMap(sizer, slaveConfigSpec, msg);
  return Buffer.byteLength(configTopic(slaveAccount), 'utf8') + 1 + sizer.pos;
}
