// The risk controls inside the relay core (docs/protocol.md D22): a trip re-sends the member's config with
// allow_new_orders = false and the engine refuses its Opens with the reason; Closes always pass; clearing re-sends.
import { equityGuardSchema } from '@sankey/shared/domain/risk';
import type { SlaveConfigMessage, TradeSignal } from '@sankey/shared/protocol/messages';
import { describe, expect, it } from 'vitest';
import { engines, heartbeat, makeCore, open } from '../../testing/core-harness';

type Harness = ReturnType<typeof makeCore>;
const slaveConfigs = (h: Harness, slave: string) =>
  h.configsFor(slave).filter((c): c is SlaveConfigMessage => 'allow_new_orders' in c);
const allowFlags = (h: Harness, slave: string) => slaveConfigs(h, slave).map((c) => c.allow_new_orders);
const openNow = (h: Harness, master: string, ticket: number) =>
  open(master, { ticket, timestamp: new Date(h.nowMs()).toISOString() });
const close = (
  h: Harness,
  master: string,
  ticket: number,
): { type: 'TradeSignal'; message: TradeSignal } => ({
  type: 'TradeSignal',
  message: { action: 'Close', ticket, timestamp: new Date(h.nowMs()).toISOString(), source_account: master },
});
const filteredReasons = (h: Harness) =>
  h.events
    .filter((e) => e.event === 'trade_filtered')
    .map((e) => {
      const p = e.payload as { slaveAccount: string; reason: string };
      return `${p.slaveAccount}:${p.reason}`;
    });

describe.each(Object.entries(engines))('risk controls with the %s engine', (_n, engine) => {
  /** Master M with slaves A and B (shared delivery), all online and connected; frames taken. */
  const setup = (aRisk: object = {}, extraGroups: string[] = []) => {
    const h = makeCore({ engine });
    for (const g of ['M', ...extraGroups])
      h.addGroup(g, {}, [
        { slaveAccount: 'A', settings: { risk: aRisk } },
        { slaveAccount: 'B', settings: {} },
      ]);
    for (const id of ['A', 'B']) h.handle(heartbeat(id, 'Slave'));
    for (const g of ['M', ...extraGroups]) h.handle(heartbeat(g, 'Master'));
    for (const g of ['M', ...extraGroups]) for (const s of ['A', 'B']) h.subscribe(`trade/${g}/${s}`);
    h.take();
    h.events.length = 0;
    return h;
  };
  const beat = (h: Harness, over: Record<string, number> = {}) => {
    h.handle(heartbeat('A', 'Slave', over));
    h.handle(heartbeat('B', 'Slave'));
    h.handle(heartbeat('M', 'Master'));
  };

  it("A's window ends at 22:00: at the transition only A gets a close-only config, its Opens are refused, its Closes pass", () => {
    const h = setup({
      tradingHours: { windows: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, from: '08:00', to: '22:00' })) },
    });
    // The harness starts on Wednesday 00:00 UTC, outside A's window: A's first config already said close-only.
    h.stepWallClock(21 * 3_600_000 + 59 * 60_000 + 50_000); // 21:59:50: inside
    h.core.checkTimeouts();
    expect(allowFlags(h, 'A')).toEqual([true]);
    h.take();
    h.handle(openNow(h, 'M', 1));
    expect(h.take().map((f) => f.topic)).toEqual(['trade/M/A', 'trade/M/B']);

    h.advance(10_000); // 22:00:00
    beat(h);
    h.take();
    h.core.checkTimeouts();
    expect(allowFlags(h, 'A')).toEqual([false]);
    expect(slaveConfigs(h, 'B')).toEqual([]);
    h.take();

    h.advance(1_000);
    h.core.checkTimeouts(); // nothing changed: no config
    expect(h.take()).toEqual([]);

    h.advance(59_000); // 22:01
    h.handle(openNow(h, 'M', 2));
    expect(h.take().map((f) => f.topic)).toEqual(['trade/M/B']);
    expect(filteredReasons(h)).toEqual(['A:outside_trading_hours']);
    h.handle(close(h, 'M', 1));
    expect(h.take().map((f) => f.topic)).toEqual(['trade/M/A', 'trade/M/B']);
  });

  it("an Open just after the window ended, before the next tick, goes out after A's close-only config and not to A", () => {
    const h = setup({ tradingHours: { windows: [3].map((day) => ({ day, from: '08:00', to: '22:00' })) } });
    h.stepWallClock(21 * 3_600_000 + 59 * 60_000 + 50_000); // Wednesday 21:59:50
    h.core.checkTimeouts();
    h.take();
    h.advance(10_500); // 22:00:00.5, no tick yet
    h.handle(openNow(h, 'M', 1));
    expect(h.take().map((f) => f.topic)).toEqual(['config/A', 'trade/M/B']);
    expect(filteredReasons(h)).toEqual(['A:outside_trading_hours']);
  });

  it('the cap at 3 trips on the third open copy and clears on a Close', () => {
    const h = setup({ maxOpenPositions: 3 });
    for (const t of [1, 2]) h.handle(openNow(h, 'M', t));
    expect(slaveConfigs(h, 'A')).toEqual([]);
    h.handle(openNow(h, 'M', 3));
    expect(allowFlags(h, 'A')).toEqual([false]);
    h.take();
    h.handle(openNow(h, 'M', 4));
    expect(h.take().map((f) => f.topic)).toEqual(['trade/M/B']);
    expect(filteredReasons(h)).toEqual(['A:max_positions']);
    h.handle(close(h, 'M', 2));
    expect(h.take().map((f) => f.topic)).toEqual(['trade/M/A', 'trade/M/B', 'config/A']);
    expect(allowFlags(h, 'A')).toEqual([]);
    h.handle(openNow(h, 'M', 5));
    expect(h.take().map((f) => f.topic)).toEqual(['trade/M/A', 'trade/M/B', 'config/A']);
  });

  it('an equity fall of 5.1 % with a 5 % daily limit makes every membership of the account close-only; a reset restores', () => {
    const h = setup({}, ['N']);
    h.core.risk.setEquityGuard('A', equityGuardSchema.parse({ dailyLoss: { kind: 'percent', value: 5 } }));
    h.core.checkTimeouts(); // day start: 10,000
    expect(h.take()).toEqual([]);
    h.handle(heartbeat('A', 'Slave', { equity: 9_490 }));
    h.core.checkTimeouts();
    const sent = h.take();
    const configs = sent.map((f) => [f.topic, (f.message.message as SlaveConfigMessage).master_account]);
    expect(configs).toEqual([
      ['config/A', 'M'],
      ['config/A', 'N'],
    ]);
    expect(sent.every((f) => (f.message.message as SlaveConfigMessage).allow_new_orders === false)).toBe(
      true,
    );
    h.handle(openNow(h, 'N', 7));
    expect(h.take().map((f) => f.topic)).toEqual(['trade/N/B']);
    expect(filteredReasons(h)).toEqual(['A:equity_guard']);

    expect(h.core.risk.resetEquityGuard('A')).toBe(true);
    const after = h.take();
    expect(after.map((f) => (f.message.message as SlaveConfigMessage).allow_new_orders)).toEqual([
      true,
      true,
    ]);
    h.core.checkTimeouts(); // the loss is now measured from 9,490: no new trip
    expect(h.take()).toEqual([]);
  });

  it('manual close-only refuses Opens of that member only and its configs say so from the first one', () => {
    const h = makeCore({ engine });
    h.addGroup('M', {}, [
      { slaveAccount: 'A', settings: { risk: { closeOnly: true } } },
      { slaveAccount: 'B', settings: {} },
    ]);
    for (const id of ['A', 'B']) h.handle(heartbeat(id, 'Slave'));
    h.handle(heartbeat('M', 'Master'));
    expect(allowFlags(h, 'A').at(-1)).toBe(false);
    expect(allowFlags(h, 'B').at(-1)).toBe(true);
    for (const s of ['A', 'B']) h.subscribe(`trade/M/${s}`);
    h.take();
    h.core.checkTimeouts(); // nothing to correct: no second config
    expect(h.take()).toEqual([]);
    h.handle(openNow(h, 'M', 1));
    expect(h.take().map((f) => f.topic)).toEqual(['trade/M/B']);
    expect(filteredReasons(h)).toEqual(['A:manual_close_only']);
  });

  it("master close-only re-sends every member's config once, refuses the master's Opens only, Closes pass; a restored flag holds from the first config", () => {
    const h = setup({}, ['N']);
    h.handle(openNow(h, 'M', 1));
    h.take();
    h.events.length = 0;
    h.core.risk.setMasterCloseOnly('M', true);
    expect([allowFlags(h, 'A'), allowFlags(h, 'B')]).toEqual([[false], [false]]);
    expect(slaveConfigs(h, 'A')[0]?.master_account).toBe('M');
    h.take();
    h.core.checkTimeouts();
    expect(h.take()).toEqual([]);
    h.handle(openNow(h, 'M', 2));
    h.handle(openNow(h, 'N', 3));
    h.handle(close(h, 'M', 1));
    expect(h.take().map((f) => f.topic)).toEqual(['trade/N/A', 'trade/N/B', 'trade/M/A', 'trade/M/B']);
    expect(filteredReasons(h)).toEqual(['A:manual_close_only', 'B:manual_close_only']);
    h.core.risk.setMasterCloseOnly('M', false);
    expect([allowFlags(h, 'A').at(-1), allowFlags(h, 'B').at(-1)]).toEqual([true, true]);

    const r = makeCore({ engine });
    r.core.restoreRisk([
      {
        accountId: 'M',
        equityGuard: null,
        masterCloseOnly: true,
        day: null,
        dayStartEquity: null,
        tripped: null,
      },
    ]);
    r.addGroup('M', {}, [{ slaveAccount: 'A', settings: {} }]);
    r.handle(heartbeat('A', 'Slave'));
    r.handle(heartbeat('M', 'Master'));
    expect(new Set(allowFlags(r, 'A'))).toEqual(new Set([false])); // every config it got, from the first
  });

  it('refuses an Open older than the member limit when the relay handles it (stale_signal)', () => {
    const h = setup();
    h.handle(open('M', { ticket: 1, timestamp: new Date(h.nowMs() - 6_000).toISOString() }));
    expect(h.take()).toEqual([]);
    expect(filteredReasons(h)).toEqual(['A:stale_signal', 'B:stale_signal']);
  });
});
