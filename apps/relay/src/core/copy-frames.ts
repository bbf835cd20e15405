// What a member gets for a master's signal, as the copy path builds it (docs/protocol.md §6.7, §10, D23): the
// engine's symbol for the member (its mapping, prefix and suffix), under its alias in isolated delivery. Shared by
// the hot path and by what must carry the same frame later (copies-ignoring-age.ts).
import type { TradeSignal } from '@sankey/shared/protocol/messages';

/** The message of one member's copy: `symbol` is the engine's for the member, `via` the id it goes out under. */
export function copyMessage(sig: TradeSignal, symbol: string | undefined, via: string): TradeSignal {
  if (via === sig.source_account) return symbol === undefined ? sig : { ...sig, symbol };
  return { ...sig, source_account: via, ...(symbol === undefined ? {} : { symbol }) };
}
