// The Deliveries page's rows (pure): parked copies and dead letters in one list, newest trouble first, narrowed by
// slave, kind and state.
import type { DeadLetterView, ParkedCopyView, ParkedReason } from '@sankey/shared/api/ops-views';

export const DELIVERY_STATES = ['parked', 'dead_lettered'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];
export const DELIVERY_KINDS = ['Open', 'Modify', 'Close', 'config'] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];

export interface DeliveryRow {
  /** `p:<parking key>` or `d:<dead letter id>`. */
  rowId: string;
  state: DeliveryState;
  /** Parked since, or the dead letter's last attempt. */
  at: string;
  slaveAccount: string;
  masterAccount: string | null;
  ticket: string | null;
  kind: DeliveryKind;
  symbol: string | null;
  lots: number | null;
  /** Why it waits, for a parked copy. */
  parkedReason: ParkedReason | null;
  expiresAt: string | null;
  /** The dead letter's reason code (`expired_while_offline`, …). */
  deadReason: string | null;
  attempts: number | null;
  deadLetterId: number | null;
}

export interface DeliveryFilters {
  account: string;
  kind: '' | DeliveryKind;
  state: '' | DeliveryState;
}

const kindOf = (action: string | null): DeliveryKind =>
  action === 'Open' || action === 'Modify' || action === 'Close' ? action : 'config';

export function deliveryRows(
  parked: readonly ParkedCopyView[],
  deadLetters: readonly DeadLetterView[],
  f: DeliveryFilters,
): DeliveryRow[] {
  const rows: DeliveryRow[] = [
    ...parked.map(
      (p): DeliveryRow => ({
        rowId: `p:${p.key}`,
        state: 'parked',
        at: p.parkedAt,
        slaveAccount: p.slaveAccount,
        masterAccount: p.masterAccount,
        ticket: p.ticket,
        kind: kindOf(p.action),
        symbol: p.symbol,
        lots: p.lots,
        parkedReason: p.reason,
        expiresAt: p.expiresAt,
        deadReason: null,
        attempts: null,
        deadLetterId: null,
      }),
    ),
    ...deadLetters.map(
      (d): DeliveryRow => ({
        rowId: `d:${d.id}`,
        state: 'dead_lettered',
        at: d.lastAttemptAt,
        slaveAccount: d.destination,
        masterAccount: d.masterAccount,
        ticket: d.ticket,
        kind: kindOf(d.action),
        symbol: d.symbol,
        lots: d.lots,
        parkedReason: null,
        expiresAt: null,
        deadReason: d.reason,
        attempts: d.attempts,
        deadLetterId: d.id,
      }),
    ),
  ];
  return rows
    .filter(
      (r) =>
        (!f.account || r.slaveAccount === f.account) &&
        (!f.kind || r.kind === f.kind) &&
        (!f.state || r.state === f.state),
    )
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || a.rowId.localeCompare(b.rowId));
}
