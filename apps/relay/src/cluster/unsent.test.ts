import type { TradeSignal } from '@sankey/shared/protocol/messages';
import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../outbox/storage';
import { publishUnsent, toWire } from './unsent';

const entry = (master: string, seq: number, signal: Record<string, string | number>): JournalEntry => ({
  masterAccount: master,
  seq,
  receivedAt: new Date(0),
  action: String(signal.action),
  ticket: String(signal.ticket),
  symbol: null,
  payload: { signal, accepted: 1, filtered: {} },
});
const close = (master: string, seq: number, ticket: number) =>
  entry(master, seq, { action: 'Close', ticket: String(ticket), timestamp: 't', sourceAccount: master });
const silent = { info() {}, warn() {}, error() {}, debug() {} } as never;

describe('publishUnsent', () => {
  const journal = new Map<string, JournalEntry[]>([
    ['M1', [close('M1', 4, 1), close('M1', 5, 2), close('M1', 6, 3)]],
    ['M2', [close('M2', 9, 7)]],
    ['M3', [close('M3', 2, 8)]],
    ['M4', [close('M4', 3, 9)]],
    ['M5', [close('M5', 8, 10)]],
  ]);
  const stream: Record<string, { seq: number; relay: string | null }> = {
    M1: { seq: 4, relay: 'a' }, // 5 and 6 never reached the stream
    M2: { seq: 9, relay: 'a' }, // all there
    M3: { seq: 0, relay: null }, // never on the stream (journal from before cluster mode)
    M4: { seq: 1, relay: 'c' }, // moved to relay c: its to publish
    M5: { seq: 2, relay: 'a' }, // live on another relay now
  };
  it('publishes, in order, what the journal holds beyond the stream for the masters this relay published last', async () => {
    const out: [string, number, number][] = [];
    const n = await publishUnsent({
      journal: {
        journalLastSeqs: async () => new Map([...journal].map(([m, rows]) => [m, rows.at(-1)!.seq])),
        journalAfter: async (m, after, limit) =>
          journal
            .get(m)!
            .filter((r) => r.seq > after)
            .slice(0, limit),
      },
      lastOnStream: async (m) => stream[m]!,
      relayId: 'a',
      elsewhere: (m) => m === 'M5',
      publish: (sig: TradeSignal, seq: number) => out.push([sig.source_account, seq, Number(sig.ticket)]),
      log: silent,
      limit: 100,
    });
    expect(out).toEqual([
      ['M1', 5, 2],
      ['M1', 6, 3],
    ]);
    expect(n).toBe(2);
  });
});

describe('toWire', () => {
  it('turns the journal copy back into the wire signal, 64-bit tickets and magic numbers exact', () => {
    const big = '9223372036854775807';
    const sig = toWire(
      entry('M1', 1, {
        action: 'Open',
        ticket: big,
        symbol: 'EURUSD',
        orderType: 'Buy',
        lots: 0.1,
        openPrice: 1.1,
        stopLoss: 1.0,
        takeProfit: 1.2,
        magicNumber: '42',
        comment: 'c',
        timestamp: '2026-01-01T00:00:00Z',
        sourceAccount: 'M1',
      }),
    );
    expect(sig).toEqual({
      action: 'Open',
      ticket: 9223372036854775807n,
      symbol: 'EURUSD',
      order_type: 'Buy',
      lots: 0.1,
      open_price: 1.1,
      stop_loss: 1.0,
      take_profit: 1.2,
      magic_number: 42,
      comment: 'c',
      timestamp: '2026-01-01T00:00:00Z',
      source_account: 'M1',
    });
    expect(
      toWire(entry('M1', 1, { action: 'Close', ticket: 'x', timestamp: 't', sourceAccount: 'M1' })),
    ).toBe(null);
  });
});
