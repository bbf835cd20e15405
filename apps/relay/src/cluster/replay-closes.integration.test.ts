// ReplayCloses against the machine's nats-server: the full Closes among the messages a stopped relay had been
// delivered, read from the stream, mark the replayed Opens of their tickets; partial Closes and Closes past the
// range do not, nor another master's (each consumer reads its own master's subject).
import { jetstream } from '@nats-io/jetstream';
import { encodeInbound } from '@sankey/shared/protocol/codec';
import type { TradeSignal } from '@sankey/shared/protocol/messages';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MemoryStream, memoryStream } from '../testing/memory-stream';
import { ReplayCloses } from './replay-closes';

let s: MemoryStream;

const sig = (
  action: TradeSignal['action'],
  ticket: number,
  extra: Partial<TradeSignal> = {},
): TradeSignal => ({
  action,
  ticket,
  symbol: 'EURUSD',
  timestamp: '2026-11-27T12:00:00Z',
  source_account: 'M1',
  ...extra,
});

beforeAll(async () => {
  s = await memoryStream('replaycloses');
  const js = jetstream(s.nc);
  const signals = [
    sig('Open', 1), // 1
    sig('Open', 2), // 2
    sig('Close', 1), // 3
    sig('Close', 2, { close_ratio: 0.5 }), // 4: partial
    sig('Open', 3), // 5
    sig('Close', 3), // 6: past the range
  ];
  for (const m of signals)
    await js.publish(`${s.name}.M1`, encodeInbound({ type: 'TradeSignal', message: m }));
  // 7: another master's, on its own subject: not read for M1's consumer.
  const other = sig('Close', 3, { source_account: 'M2' });
  await js.publish(`${s.name}.M2`, encodeInbound({ type: 'TradeSignal', message: other }));
});

afterAll(() => s.remove());

describe('ReplayCloses', () => {
  it('marks the Opens whose full Close the stopped relay had been delivered, and forgets them past the range', async () => {
    const closes = new ReplayCloses();
    expect(await closes.load(jetstream(s.nc), s.name, `${s.name}.M1`, 2, 5)).toBe(1);
    expect(closes.closedBeforeStop(1, 'M1', '1')).toBe(true);
    expect(closes.closedBeforeStop(2, 'M1', '2')).toBe(false);
    expect(closes.closedBeforeStop(2, 'M2', '1')).toBe(false);
    expect(closes.closedBeforeStop(5, 'M1', '3')).toBe(false);
    // Past what the relay had been delivered: nothing is kept.
    expect(closes.closedBeforeStop(6, 'M1', '1')).toBe(false);
    expect(closes.closedBeforeStop(2, 'M1', '1')).toBe(false);
  });

  it('reads nothing when nothing was delivered, and stops at the end of the stream', async () => {
    const none = new ReplayCloses();
    expect(await none.load(jetstream(s.nc), s.name, `${s.name}.M1`, 8, 7)).toBe(0);
    expect(none.closedBeforeStop(1, 'M1', '1')).toBe(false);
    const all = new ReplayCloses();
    expect(await all.load(jetstream(s.nc), s.name, `${s.name}.M1`, 1, 100)).toBe(2);
    expect(all.closedBeforeStop(5, 'M1', '3')).toBe(true);
  });
});
