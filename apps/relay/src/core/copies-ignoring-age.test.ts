// The frames a live copy would have carried, built for copies the stale-signal guard kept back (a replay's stale
// Open dead-lettered in cluster mode): byte for byte what the hot path sends, and nothing for a member the engine
// refuses for another reason.
import type { TradeSignal } from '@sankey/shared/protocol/messages';
import { describe, expect, it } from 'vitest';
import { decodeAny, engines, heartbeat, makeCore, open } from '../testing/core-harness';

describe.each(Object.entries(engines))('framesIgnoringAge with the %s engine', (_name, engine) => {
  const setup = () => {
    const h = makeCore({ engine });
    h.addGroup('M1', { symbolPrefix: 'pro.' }, [
      {
        slaveAccount: 'S1',
        settings: {
          maxSignalDelayMs: 1000,
          symbolPrefix: 'p.',
          symbolSuffix: '.m',
          symbolMappings: [{ sourceSymbol: 'XAUUSD', targetSymbol: 'GOLD' }],
        },
      },
      {
        slaveAccount: 'S2',
        settings: { maxSignalDelayMs: 1000, filters: { blockedSymbols: ['pro.XAUUSD'] } },
      },
      { slaveAccount: 'S3', settings: { maxSignalDelayMs: 1000 } },
    ]);
    for (const s of ['S1', 'S2', 'S3']) h.handle(heartbeat(s, 'Slave'));
    h.handle(heartbeat('M1', 'Master'));
    h.take();
    return h;
  };

  it('gives the frames the hot path sends for a fresh signal, byte for byte', () => {
    const h = setup();
    const sig = open('M1', { symbol: 'pro.XAUUSD' });
    h.handle(sig);
    const live = h.take().map((f) => [f.topic, f.frame.toString('latin1')]);
    expect(live.map(([t]) => t)).toEqual(['trade/M1/S1', 'trade/M1/S3']);
    const again = h.core.framesIgnoringAge(sig.message as TradeSignal, () => true);
    expect(again.map((f) => [f.topic, f.frame.toString('latin1')])).toEqual(live);
  });

  it('builds them for a stale Open the engine refused for its age only, with the member’s symbol', () => {
    const h = setup();
    const stale = open('M1', { symbol: 'pro.XAUUSD', timestamp: '2024-12-31T23:59:50.000Z' });
    h.handle(stale);
    expect(h.take()).toEqual([]);
    const frames = h.core.framesIgnoringAge(stale.message as TradeSignal, (s) => s !== 'S3');
    // S2 blocks the symbol: a live copy would not have reached it either.
    expect(frames.map((f) => [f.slave, f.topic])).toEqual([['S1', 'trade/M1/S1']]);
    const { topic, message } = decodeAny(frames[0]!.frame);
    expect(topic).toBe('trade/M1/S1');
    expect({ ...(message.message as TradeSignal) }).toEqual({ ...stale.message, symbol: 'p.GOLD.m' });
  });
});
