// closeAll (docs/risk-controls.md, D22): one Close per copy still open on a slave account, sent once, on a tripped
// equity guard that asks for it or on an operator's request. Only where every membership of the account is
// delivered in isolation (D23): in shared delivery a Close on `trade/M/S` reaches every slave of M through the
// `trade/M/` prefix and would close their copies too, so it is refused.
import { encodePayload, frameWithTopic } from '@sankey/shared/protocol/codec';
import { tradeTopic } from '@sankey/shared/protocol/topics';
import type { Delivery } from '../delivery';
import type { Clock, DeliveryLedgerPort, Logger } from '../ports';
import type { CoreState } from '../state';

export type CloseAllResult =
  | { ok: true; closes: number; members: string[] }
  | { ok: false; error: 'not_found' | 'shared_delivery'; message: string };

export interface CloseAllDeps {
  ledger: DeliveryLedgerPort;
  delivery: Delivery;
  clock: Clock;
  log: Logger;
  /** Counts each Close handed to delivery (`sankey_close_all_closes_total`). */
  onClose?: () => void;
}

/** Which of the account's masters it is not (yet) isolated from: none means closeAll may go ahead. */
export function sharedMasters(state: CoreState, slave: string): string[] {
  return state.store
    .membershipsOf(slave)
    .filter((m) => state.isolation.via(m.tradeGroupId, slave) === m.tradeGroupId)
    .map((m) => m.tradeGroupId);
}

export function closeAll(state: CoreState, slave: string, deps: CloseAllDeps): CloseAllResult {
  const members = state.store.membershipsOf(slave);
  if (members.length === 0)
    return { ok: false, error: 'not_found', message: `${slave} is no member of any trade group` };
  const shared = sharedMasters(state, slave);
  if (shared.length > 0)
    return {
      ok: false,
      error: 'shared_delivery',
      message:
        `closeAll needs isolated delivery: ${slave} receives ${shared.join(', ')} in shared delivery, where a ` +
        "Close sent to it reaches every slave of the master and would close their copies too. Switch the group's " +
        'delivery to isolated first.',
    };
  const timestamp = new Date(deps.clock.nowMs()).toISOString();
  let closes = 0;
  for (const m of members) {
    const master = m.tradeGroupId;
    const via = state.isolation.via(master, slave);
    const topic = tradeTopic(via, slave);
    for (const open of deps.ledger.openTickets(master, slave)) {
      const ticket = BigInt(open.ticket);
      const message = {
        action: 'Close' as const,
        ticket,
        timestamp,
        source_account: via,
        ...(open.symbol === null ? {} : { symbol: open.symbol }),
      };
      let frame: Buffer;
      try {
        frame = frameWithTopic(topic, encodePayload({ type: 'TradeSignal', message }));
      } catch (err) {
        deps.log.error({ err, topic, ticket: open.ticket }, 'closeAll: Close frame refused');
        continue;
      }
      const outcome = deps.delivery.deliver({
        master,
        via,
        slave,
        action: 'Close',
        ticket,
        topic,
        frame,
        cls: 'close',
        openMaxDelayMs: m.settings.maxSignalDelayMs,
      });
      deps.ledger.closed(master, slave, ticket);
      if (outcome === 'cancelled') continue;
      closes++;
      deps.onClose?.();
    }
  }
  deps.log.info({ slave, closes }, 'closeAll: Closes sent for the copies still open');
  return { ok: true, closes, members: members.map((m) => m.tradeGroupId) };
}
