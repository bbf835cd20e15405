// An operator's retry of one dead letter (docs/protocol.md D20): a trade copy goes through the core's delivery path
// again (sent when the slave listens, parked otherwise, D19) and its row is deleted. An Open older than the
// member's maxSignalDelayMs goes only when forced; an Open whose ticket the master has closed since never does.
import { decodeOutboundFrame, encodeOutbound } from '@sankey/shared/protocol/codec';
import type { TradeAction } from '@sankey/shared/protocol/constants';
import { parseRfc3339Ms } from '@sankey/shared/time';
import type { DeliveryOutcome, TradeCopy } from '../core/delivery';
import type { RelayStorage } from '../outbox/storage';

export type RetryResult =
  | { ok: true; id: number; outcome: DeliveryOutcome }
  | {
      ok: false;
      /** not_found → HTTP 404; every other refusal → 409. */
      error: 'not_found' | 'not_a_trade_copy' | 'destination_blocked' | 'needs_force' | 'ticket_closed';
      message: string;
    };

export interface RetryDeps {
  storage: Pick<RelayStorage, 'getDeadLetter' | 'journalHasClose' | 'deleteDeadLetter'>;
  /** The member's maxSignalDelayMs, undefined when the slave is no longer a member of the master. */
  maxSignalDelayMs(master: string, slave: string): number | undefined;
  /** The core's delivery path (docs/protocol.md D19): sends or parks, and records an Open in the ledger. */
  redeliver(copy: TradeCopy, symbol: string | null): DeliveryOutcome;
  nowMs(): number;
  /** The blocklist: a blocked EA gets no copies, so a retry for it would only lose the row. */
  isBlocked(accountId: string): boolean;
}

const ACTIONS: readonly string[] = ['Open', 'Modify', 'Close'];
const DEFAULT_MAX_DELAY_MS = 5000;

export async function retryDeadLetter(deps: RetryDeps, id: number, force: boolean): Promise<RetryResult> {
  const row = await deps.storage.getDeadLetter(id);
  if (!row) return { ok: false, error: 'not_found', message: `no dead letter ${id}` };
  const decoded = decodeOutboundFrame(row.payload, 'Slave');
  const { masterAccount: master, ticket, action } = row;
  if (
    !master ||
    !ticket ||
    !action ||
    !ACTIONS.includes(action) ||
    !('message' in decoded) ||
    decoded.message.type !== 'TradeSignal'
  ) {
    // Configs are re-sent by the relay itself whenever the EA asks or its settings change; an old one never is.
    return {
      ok: false,
      error: 'not_a_trade_copy',
      message: `dead letter ${id} (${row.topic}) is not a trade copy; configs are re-sent by the relay`,
    };
  }
  if (deps.isBlocked(row.destination)) {
    return {
      ok: false,
      error: 'destination_blocked',
      message: `${row.destination} is blocked; unblock it before retrying dead letter ${id}`,
    };
  }
  const signal = decoded.message.message;
  const now = deps.nowMs();
  const maxDelayMs = deps.maxSignalDelayMs(master, row.destination) ?? DEFAULT_MAX_DELAY_MS;
  if (action === 'Open') {
    if (await deps.storage.journalHasClose(master, ticket)) {
      return {
        ok: false,
        error: 'ticket_closed',
        message: `refused: master ${master} has closed ticket ${ticket} since; its Open is never re-sent (even with --force)`,
      };
    }
    const sentAt = parseRfc3339Ms(signal.timestamp);
    const ageMs = now - (Number.isNaN(sentAt) ? row.firstAttemptAt.getTime() : sentAt);
    if (ageMs > maxDelayMs && !force) {
      return {
        ok: false,
        error: 'needs_force',
        message: `the Open is ${Math.round(ageMs / 1000)} s old, older than the member's max signal delay (${maxDelayMs} ms): the price may have moved; retry with --force to open it anyway`,
      };
    }
  }
  // Re-stamped: the DLL drops a signal older than max_signal_delay_ms (docs/protocol.md §5.3); the operator has
  // just decided that this one is wanted now.
  const frame = encodeOutbound(decoded.topic, {
    type: 'TradeSignal',
    message: { ...signal, timestamp: new Date(now).toISOString() },
  });
  const outcome = deps.redeliver(
    {
      master,
      slave: row.destination,
      action: action as TradeAction,
      ticket: BigInt(ticket),
      topic: decoded.topic,
      frame,
      cls: action === 'Open' ? 'open' : action === 'Close' ? 'close' : 'modify',
      openMaxDelayMs: maxDelayMs,
    },
    signal.symbol ?? null,
  );
  await deps.storage.deleteDeadLetter(id);
  return { ok: true, id, outcome };
}
