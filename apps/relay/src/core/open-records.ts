// The delivery ledger's rows for an Open's copies (docs/protocol.md D15), written by the signal path once the
// signal's last copy went to the socket: the ticket is each slave's from now on, with the lots its DLL computes.
import { transformLots } from '@sankey/shared/domain/lots';
import type { TradeSignal } from '@sankey/shared/protocol/messages';
import type { MemberState } from '../state/groups';
import type { DeliveryLedgerPort } from './ports';
import type { CoreState } from './state';

/** The engine evaluates members in the order they were compiled, which is the store's order. */
export function memberAt(
  state: CoreState,
  masterId: string,
  members: readonly MemberState[],
  i: number,
  slave: string,
): MemberState | undefined {
  return members[i]?.slaveAccount === slave ? members[i] : state.store.getMember(masterId, slave);
}

/**
 * One ledger row per copy of an Open: `outcomes[i]` 1 sent, 2 parked (0: no copy), `symbols[i]` the symbol the
 * copy carried.
 */
export function recordOpens(
  state: CoreState,
  ledger: DeliveryLedgerPort,
  sig: TradeSignal,
  members: readonly MemberState[],
  results: { slaveAccount(i: number): string },
  outcomes: Uint8Array,
  symbols: readonly (string | null)[],
): void {
  const masterId = sig.source_account;
  // The members of a master are one group: its master's equity is read once, not per copy.
  let group: string | undefined;
  let masterEquity: number | null = null;
  for (let i = 0; i < outcomes.length; i++) {
    if (outcomes[i] === 0) continue;
    const slave = results.slaveAccount(i);
    const member = memberAt(state, masterId, members, i, slave);
    if (member && member.tradeGroupId !== group) {
      group = member.tradeGroupId;
      masterEquity = state.connections.getMaster(group)?.equity ?? null;
    }
    const lots = copyLots(state, sig, member, masterEquity);
    const symbol = symbols[i] ?? null;
    if (outcomes[i] === 1) ledger.sent(masterId, slave, sig.ticket, symbol, lots);
    else ledger.parked(masterId, slave, sig.ticket, symbol, lots);
  }
}

/** The lots the slave's DLL computes from its settings (before broker rounding), for the delivery ledger. */
function copyLots(
  state: CoreState,
  sig: TradeSignal,
  member: MemberState | undefined,
  masterEquity: number | null,
): number | null {
  if (sig.lots === undefined) return null;
  if (!member) return sig.lots;
  const s = member.settings;
  const slaveEquity = state.connections.getSlave(member.slaveAccount)?.equity ?? 0;
  return transformLots(
    sig.lots,
    {
      lot_calculation_mode: s.lotCalculationMode,
      lot_multiplier: s.lotMultiplier,
      master_equity: masterEquity,
    },
    slaveEquity,
  );
}
