import { encodeOutbound } from '@sankey/shared/protocol/codec';
import { describe, expect, it } from 'vitest';
import type { ParkedCopy } from '../core/parking';
import { parkedView } from './parked-view';

const T0 = Date.parse('2026-06-01T12:00:00.000Z');

function copy(slave: string, seq: number, action: 'Open' | 'Close', atS: number, extra = {}): ParkedCopy {
  const topic = `trade/M1/${slave}`;
  return {
    key: `M1|${slave}|${seq}`,
    master: 'M1',
    slave,
    seq,
    action,
    ticket: String(1000 + seq),
    payload: encodeOutbound(topic, {
      type: 'TradeSignal',
      message: {
        action,
        ticket: 1000 + seq,
        ...(action === 'Open' && { symbol: 'GOLD-ECN', lots: 0.25, order_type: 'Buy' as const }),
        timestamp: new Date(T0).toISOString(),
        source_account: 'M1',
        ...extra,
      },
    }),
    parkedAtMs: T0 + atS * 1000,
    expiresAtMs: T0 + atS * 1000 + 5000,
  };
}

describe('parked view', () => {
  const copies = [copy('S2', 3, 'Close', 5), copy('S1', 1, 'Open', 2), copy('S1', 2, 'Close', 1)];

  it('sums each slave (most waiting first) and says why: offline, or online but not listening', () => {
    const v = parkedView(copies, (s) => s === 'S2', { limit: 100 });
    expect(v.slaves).toEqual([
      { slaveAccount: 'S1', count: 2, oldestParkedAt: '2026-06-01T12:00:01.000Z', reason: 'offline' },
      { slaveAccount: 'S2', count: 1, oldestParkedAt: '2026-06-01T12:00:05.000Z', reason: 'not_listening' },
    ]);
    expect(v.total).toBe(3);
  });

  it('lists copies oldest first with ticket, kind, and the symbol and lots read from the frame', () => {
    const v = parkedView(copies, () => false, { limit: 100 });
    expect(v.copies.map((c) => `${c.slaveAccount} ${c.action} #${c.ticket}`)).toEqual([
      'S1 Close #1002',
      'S1 Open #1001',
      'S2 Close #1003',
    ]);
    expect(v.copies[1]).toMatchObject({
      symbol: 'GOLD-ECN',
      lots: 0.25,
      parkedAt: '2026-06-01T12:00:02.000Z',
      expiresAt: '2026-06-01T12:00:07.000Z',
      reason: 'offline',
    });
    expect(v.copies[0]).toMatchObject({ symbol: null, lots: null });
  });

  it('narrows the copies to one slave and a limit, keeping every slave in the summary', () => {
    const v = parkedView(copies, () => false, { account: 'S1', limit: 1 });
    expect(v.copies.map((c) => c.ticket)).toEqual(['1002']);
    expect(v.total).toBe(2);
    expect(v.slaves).toHaveLength(2);
  });

  it('shows a frame it cannot read without symbol or lots instead of failing', () => {
    const broken = { ...copy('S3', 9, 'Open', 0), payload: Buffer.from('trade/M1/S3 \xc1') };
    expect(parkedView([broken], () => false, { limit: 10 }).copies[0]).toMatchObject({
      ticket: '1009',
      symbol: null,
      lots: null,
    });
  });
});
