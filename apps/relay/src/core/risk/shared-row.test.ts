// Cluster mode's shared risk rows (docs/cluster.md, "Risk state across relays"): a relay that does not hold the
// slave mirrors the stored trip (configs and refusals) and runs no check of its own; the relay holding it takes a
// trip cleared elsewhere as a reset with its own equity, but keeps a trip newer than the row it read.
import { equityGuardSchema } from '@sankey/shared/domain/risk';
import type { SlaveConfigMessage } from '@sankey/shared/protocol/messages';
import { describe, expect, it } from 'vitest';
import { engines, heartbeat, makeCore, open } from '../../testing/core-harness';
import { applySharedRow, type SharedRiskRow } from './shared-row';

const guard = equityGuardSchema.parse({ dailyLoss: { kind: 'percent', value: 5 } });
const engine = Object.values(engines)[0]!;

function setup(owner: boolean) {
  const h = makeCore({ engine });
  h.core.risk.ownsAccount = () => owner;
  h.addGroup('M', {}, [
    { slaveAccount: 'A', settings: {} },
    { slaveAccount: 'B', settings: {} },
  ]);
  h.handle(heartbeat('A', 'Slave'));
  h.handle(heartbeat('B', 'Slave'));
  h.handle(heartbeat('M', 'Master'));
  for (const s of ['A', 'B']) h.subscribe(`trade/M/${s}`);
  h.take();
  return h;
}
const allow = (h: ReturnType<typeof setup>) =>
  h
    .take()
    .filter((f) => f.topic === 'config/A')
    .map((f) => (f.message.message as SlaveConfigMessage).allow_new_orders);
const row = (over: Partial<SharedRiskRow>): SharedRiskRow => ({
  accountId: 'A',
  equityGuard: guard,
  day: '2025-01-01',
  dayStartEquity: 10_000,
  tripped: null,
  masterCloseOnly: false,
  ...over,
});

describe('shared risk rows', () => {
  it('a relay without the slave mirrors a trip and its reset, and runs no check of its own', () => {
    const h = setup(false);
    const tripped = { reason: 'daily_loss' as const, atMs: h.nowMs(), equity: 9_400 };
    applySharedRow(h.core.risk, 'A', row({ tripped }), h.nowMs());
    expect(allow(h)).toEqual([false]);
    h.handle(open('M', { ticket: 1, timestamp: new Date(h.nowMs()).toISOString() }));
    expect(h.take().map((f) => f.topic)).toEqual(['trade/M/B']);
    // No check here: a heartbeat with a recovered equity and the ticks change nothing (the slave's relay decides).
    h.handle(heartbeat('A', 'Slave', { equity: 20_000 }));
    h.core.checkTimeouts();
    expect(h.core.risk.guards.state('A')?.tripped).toEqual(tripped);
    applySharedRow(h.core.risk, 'A', row({ tripped: null }), h.nowMs());
    expect(allow(h)).toEqual([true]);
  });

  it('the slave’s relay takes a trip cleared elsewhere as a reset with its equity, and keeps a newer trip', () => {
    const h = setup(true);
    h.core.risk.setEquityGuard('A', guard);
    h.core.checkTimeouts(); // day start at 10,000
    const before = h.nowMs();
    h.advance(1_000);
    h.handle(heartbeat('A', 'Slave', { equity: 9_400 }));
    h.core.checkTimeouts();
    expect(allow(h)).toEqual([false]);
    // A row read before this trip does not undo it.
    applySharedRow(h.core.risk, 'A', row({ tripped: null }), before);
    expect(h.core.risk.guards.isTripped('A')).toBe(true);
    // A reset at another relay: cleared, and the day's loss measured from 9,400 (no new trip at the next tick).
    h.advance(1_000);
    applySharedRow(h.core.risk, 'A', row({ tripped: null }), h.nowMs());
    expect(h.core.risk.guards.state('A')).toMatchObject({ tripped: null, dayStartEquity: 9_400 });
    h.core.checkTimeouts();
    expect(allow(h)).toEqual([true]);
  });

  it('master close-only from a row applies to every member of the master, and clears', () => {
    const h = setup(false);
    applySharedRow(h.core.risk, 'M', row({ accountId: 'M', equityGuard: null, masterCloseOnly: true }), 0);
    expect(h.core.risk.isMasterCloseOnly('M')).toBe(true);
    expect(
      h
        .take()
        .filter((f) => f.topic.startsWith('config/'))
        .map((f) => f.topic),
    ).toEqual(['config/A', 'config/B']);
    applySharedRow(h.core.risk, 'M', null, 0);
    expect(h.core.risk.isMasterCloseOnly('M')).toBe(false);
  });
});
