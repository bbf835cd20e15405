// Cluster mode (docs/cluster.md, "Risk state across relays"): an account's row of `account_risk` as another relay
// left it, applied here. The relay holding the slave EA owns the guard's running state (day, day-start equity,
// trip): it takes only the settings from the row, and a trip cleared there (a reset at another relay) as a reset
// with its own equity. Every other relay mirrors the row, so a slave that moves here keeps its trip.
import type { EquityGuard } from '@sankey/shared/domain/risk';
import type { RiskControls } from './controls';
import type { GuardRow } from './equity-guard';

export interface SharedRiskRow extends GuardRow {
  equityGuard: EquityGuard | null;
  masterCloseOnly: boolean;
}

/**
 * Applies one account's stored row (null: none stored). `readSinceMs`: when the row was read; a trip made here
 * after it is newer than the row and is kept.
 */
export function applySharedRow(
  rc: RiskControls,
  accountId: string,
  row: SharedRiskRow | null,
  readSinceMs: number,
): void {
  const guard = row?.equityGuard ?? null;
  const mine = rc.guards.state(accountId);
  if (rc.ownsAccount(accountId)) {
    rc.guards.configure(accountId, guard);
    if (guard && mine?.tripped && !row?.tripped && mine.tripped.atMs < readSinceMs) {
      rc.resetEquityGuard(accountId);
      return setMaster(rc, accountId, row);
    }
  } else {
    rc.guards.configure(accountId, null);
    if (guard && row) {
      rc.guards.configure(accountId, guard);
      rc.guards.restore([row]);
    }
  }
  rc.refreshAccount(accountId);
  setMaster(rc, accountId, row);
}

function setMaster(rc: RiskControls, accountId: string, row: SharedRiskRow | null): void {
  const on = row?.masterCloseOnly ?? false;
  if (on !== rc.isMasterCloseOnly(accountId)) rc.setMasterCloseOnly(accountId, on);
}
