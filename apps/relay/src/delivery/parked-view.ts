// What waits for slaves that are away (docs/api.md, `GET /internal/v1/parked`): the parking lot per slave (count,
// oldest, why) and its copies oldest first with ticket, kind, symbol and lots read from the parked frame. Pure: the
// caller passes the lot's copies and whether a slave is online.
import type { ParkedCopyView, ParkedReason, ParkedView } from '@sankey/shared/api/ops-views';
import { decodeOutboundFrame } from '@sankey/shared/protocol/codec';
import type { ParkedCopy } from '../core/parking';

export interface ParkedViewQuery {
  /** Only this slave's copies (the per-slave summary still lists every slave). */
  account?: string;
  limit: number;
}

/** Symbol and lots as the slave will get them; null when the frame is not a trade signal that carries them. */
export function symbolAndLots(payload: Buffer): { symbol: string | null; lots: number | null } {
  const decoded = decodeOutboundFrame(payload, 'Slave');
  if (!('message' in decoded) || decoded.message.type !== 'TradeSignal') return { symbol: null, lots: null };
  const s = decoded.message.message;
  return { symbol: s.symbol ?? null, lots: s.lots ?? null };
}

export function parkedView(
  copies: readonly ParkedCopy[],
  isOnline: (slave: string) => boolean,
  q: ParkedViewQuery,
): ParkedView {
  const reasonOf = (slave: string): ParkedReason => (isOnline(slave) ? 'not_listening' : 'offline');
  const bySlave = new Map<string, { count: number; oldestMs: number }>();
  for (const c of copies) {
    const s = bySlave.get(c.slave);
    if (!s) bySlave.set(c.slave, { count: 1, oldestMs: c.parkedAtMs });
    else {
      s.count++;
      s.oldestMs = Math.min(s.oldestMs, c.parkedAtMs);
    }
  }
  const slaves = [...bySlave.entries()]
    .sort(([a, x], [b, y]) => y.count - x.count || x.oldestMs - y.oldestMs || a.localeCompare(b))
    .map(([slaveAccount, s]) => ({
      slaveAccount,
      count: s.count,
      oldestParkedAt: new Date(s.oldestMs).toISOString(),
      reason: reasonOf(slaveAccount),
    }));
  const chosen = copies
    .filter((c) => q.account === undefined || c.slave === q.account)
    .sort((a, b) => a.parkedAtMs - b.parkedAtMs || a.seq - b.seq);
  const shown: ParkedCopyView[] = chosen.slice(0, q.limit).map((c) => ({
    key: c.key,
    masterAccount: c.master,
    slaveAccount: c.slave,
    action: c.action,
    ticket: c.ticket,
    ...symbolAndLots(c.payload),
    parkedAt: new Date(c.parkedAtMs).toISOString(),
    expiresAt: new Date(c.expiresAtMs).toISOString(),
    reason: reasonOf(c.slave),
  }));
  return { slaves, copies: shown, total: chosen.length };
}
