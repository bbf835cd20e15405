// CSV of the trades as shown (one line per trade and slave), RFC 4180 quoting, for the Trades page's export.
import type { TradeView } from '@sankey/shared/api/views';

const cell = (v: string | number | null) => {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

export const CSV_HEADER = [
  'opened_at',
  'master',
  'ticket',
  'symbol',
  'type',
  'lots',
  'state',
  'closed_at',
  'slave',
  'outcome',
  'reason',
  'slave_symbol',
  'slave_lots',
] as const;

export function tradesToCsv(trades: readonly TradeView[]): string {
  const lines = [CSV_HEADER.join(',')];
  for (const t of trades) {
    const head = [t.openedAt, t.masterAccount, t.ticket, t.symbol, t.orderType, t.lots, t.state, t.closedAt];
    const slaves = t.slaves.length > 0 ? t.slaves : [null];
    for (const s of slaves) {
      const tail = s
        ? [s.slaveAccount, s.outcome, s.reason, s.symbol, s.lots]
        : [null, null, null, null, null];
      lines.push([...head, ...tail].map(cell).join(','));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
