// The slave DLL's lot calculation (docs/protocol.md §5.3 step 5), in one place: the EA simulator applies it to
// every copy, and the relay records what it gives for each copied ticket (the Trades page's "lots as the slave's
// settings compute them", before the broker rounds them to its lot step).
import type { SlaveConfigMessage } from '../protocol/messages';

export type LotInputs = Pick<SlaveConfigMessage, 'lot_calculation_mode' | 'lot_multiplier' | 'master_equity'>;

/**
 * `lots` scaled by the member's settings: the multiplier (none = 1), or in `margin_ratio` mode by slave equity /
 * master equity (unchanged while the master's equity is unknown or not positive).
 */
export function transformLots(lots: number, config: LotInputs, slaveEquity: number): number {
  if (config.lot_calculation_mode === 'margin_ratio') {
    const masterEquity = config.master_equity;
    return masterEquity != null && masterEquity > 0 ? (lots * slaveEquity) / masterEquity : lots;
  }
  return config.lot_multiplier != null ? lots * config.lot_multiplier : lots;
}
