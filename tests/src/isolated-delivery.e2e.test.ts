// Isolated delivery (docs/protocol.md D23) with D14 order, D15 close-through and D22 risk controls, over real
// sockets with simulated EAs that model the DLL (configs keyed by master_account, prefix subscriptions, trades
// matched by source_account): each slave receives its copies only on its own alias topic, in signal order; a
// Close reaches a member switched off since its Open; a risk control refusing an Open touches only that slave.
import type { SimSlave } from '@sankey/ea-sim/index';
import type { TradeSignal } from '@sankey/shared/protocol/messages';
import { afterEach, describe, expect, it } from 'vitest';
import { type World, world } from './world';

let w: World;
afterEach(async () => {
  await w?.close();
});

/** The alias the slave knows its master by (its one config key other than removed ones). */
const aliasOf = async (s: SimSlave) => {
  const cfg = await s.waitForConfig((c) => c.master_account.startsWith('M1~') && c.status === 2, 10_000);
  return cfg.master_account;
};

/** The trade frames a slave's SUB socket read, as `topic action ticket`. */
const trades = (s: SimSlave) =>
  s
    .received()
    .filter((f) => f.message?.type === 'TradeSignal')
    .map((f) => {
      const m = f.message!.message as TradeSignal;
      return { topic: f.topic, source: m.source_account, label: `${m.action}${m.ticket}` };
    });

async function isolatedGroup(slaves: { id: string; settings?: object }[]) {
  w = await world();
  await w.admin.createGroup('M1', {
    enabled: true,
    delivery: 'isolated',
    members: slaves.map((s) => ({ slaveAccount: s.id, enabled: true, slaveSettings: s.settings ?? {} })),
  });
  const sims = [];
  for (const s of slaves) sims.push(await w.slave(s.id));
  const master = await w.master('M1');
  const aliases = [];
  for (const s of sims) aliases.push(await aliasOf(s));
  return { sims, master, aliases };
}

describe('isolated delivery (D23) with order, close-through and risk controls', () => {
  it('Open, Modify and Close of each ticket arrive in order on each slave’s alias topic only (D14)', async () => {
    const { sims, master, aliases } = await isolatedGroup([{ id: 'SA' }, { id: 'SB' }, { id: 'SC' }]);
    const tickets = Array.from({ length: 10 }, (_, i) => 100 + i);
    // A burst without pauses: every ticket opened, modified and closed.
    for (const t of tickets) {
      await master.open({ ticket: t, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
      await master.modify(t, { stopLoss: 1.05 });
      await master.close(t);
    }
    for (const s of sims) {
      await s.waitForCommand((c) => c.ticket === tickets.at(-1) && c.kind === 'close', 10_000);
    }
    for (const [i, s] of sims.entries()) {
      const got = trades(s);
      const topic = `trade/${aliases[i]}/${s.accountId}`;
      // Only its own copies, under its alias: no other slave's frame reaches it.
      expect(new Set(got.map((g) => g.topic))).toEqual(new Set([topic]));
      expect(new Set(got.map((g) => g.source))).toEqual(new Set([aliases[i]]));
      expect(got.map((g) => g.label)).toEqual(
        tickets.flatMap((t) => [`Open${t}`, `Modify${t}`, `Close${t}`]),
      );
      expect(s.brain.positions()).toEqual([]);
    }
    // Three aliases, all different.
    expect(new Set(aliases).size).toBe(3);
  }, 60_000);

  it('a Close reaches a member switched off after its Open was copied (D15), and only under its alias', async () => {
    const { sims, master, aliases } = await isolatedGroup([{ id: 'SA' }, { id: 'SB' }]);
    const [sa, sb] = sims as [SimSlave, SimSlave];
    await master.open({ ticket: 201, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
    for (const s of sims) await s.waitForCommand((c) => c.ticket === 201 && c.kind === 'open');

    await w.admin.toggleMember('M1', 'SB', false);
    await sb.waitForConfig((c) => c.master_account === aliases[1] && c.status === 0);
    // Opened while SB is off: not copied to it.
    const mark = sb.mark();
    await master.open({ ticket: 202, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
    await sa.waitForCommand((c) => c.ticket === 202 && c.kind === 'open');
    await sb.expectNoCommands((c) => c.ticket === 202, 500, { since: mark });

    await master.close(201);
    await master.close(202);
    const closed = await sb.waitForCommand((c) => c.ticket === 201 && c.kind === 'close', 10_000);
    expect(closed.masterAccount).toBe(aliases[1]);
    expect(sb.brain.positions()).toEqual([]);
    await sa.waitForCommand((c) => c.ticket === 202 && c.kind === 'close');
    // SB saw nothing of 202, and everything it saw came on its own alias topic.
    expect(trades(sb).filter((t) => t.label.endsWith('202'))).toEqual([]);
    expect(new Set(trades(sb).map((t) => t.topic))).toEqual(new Set([`trade/${aliases[1]}/SB`]));
    expect(await w.metric('sankey_close_through_total')).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('a risk control refusing an Open affects only that slave', async () => {
    const { sims, master } = await isolatedGroup([
      { id: 'SA' },
      { id: 'SB', settings: { risk: { maxOpenPositions: 1 } } },
    ]);
    const [sa, sb] = sims as [SimSlave, SimSlave];
    await master.open({ ticket: 301, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
    for (const s of sims) await s.waitForCommand((c) => c.ticket === 301 && c.kind === 'open');
    // SB is at its cap: the next Open is refused for SB alone; SA copies it, and SB never sees SA's copy.
    const mark = sb.mark();
    await master.open({ ticket: 302, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
    await sa.waitForCommand((c) => c.ticket === 302 && c.kind === 'open');
    await sb.expectNoCommands((c) => c.ticket === 302, 1000, { since: mark });
    expect(trades(sb).filter((t) => t.label.endsWith('302'))).toEqual([]);
    expect(sb.brain.positions().map((p) => Number(p.masterTicket))).toEqual([301]);
    // Closes are never stopped by a control (D22): 301 closes on both.
    await master.close(301);
    for (const s of sims) await s.waitForCommand((c) => c.ticket === 301 && c.kind === 'close');
    expect(sa.brain.positions().map((p) => Number(p.masterTicket))).toEqual([302]);
  }, 60_000);
});
