// D22 risk controls end to end, over real sockets, a real SQLite file and simulated EAs in shared delivery: a
// trading-hours window of slave A ends at 22:00 on the relay's (injected) clock. A gets a config with
// allow_new_orders = false; a later Open is executed by B and refused by A's own DLL although B's copy reaches A
// through the `trade/M1/` prefix; A's Close of an earlier copy still executes.
import { SimMaster, SimSlave } from '@sankey/ea-sim/index';
import { startTestRelay } from '@sankey/relay/testing/start-relay';
import { afterEach, describe, expect, it } from 'vitest';
import { admin } from './admin';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c().catch(() => {});
});

describe('risk controls (D22) with simulated EAs in shared delivery', () => {
  it("A's trading window ends at 22:00: A's DLL refuses the next Open that B executes; A's Close still executes", async () => {
    let now = Date.parse('2025-01-01T21:59:00Z'); // a Wednesday, inside A's window
    const clock = { nowMs: () => now, monoMs: () => performance.now() };
    const t = await startTestRelay({ clock, config: { timeoutCheckMs: 100 } });
    cleanup.push(() => t.stop());
    const a = admin(t.db, t.endpoints.http, t.apiToken);
    const everyDay = [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, from: '08:00', to: '22:00' }));
    await a.createGroup('M1', {
      enabled: true,
      members: [
        {
          slaveAccount: 'A',
          enabled: true,
          slaveSettings: { risk: { tradingHours: { windows: everyDay } } },
        },
        { slaveAccount: 'B', enabled: true, slaveSettings: {} },
      ],
    });
    const endpoints = { receiverEndpoint: t.endpoints.receiver, publisherEndpoint: t.endpoints.publisher };
    const [slaveA, slaveB] = ['A', 'B'].map(
      (id) => new SimSlave({ accountId: id, ...endpoints, heartbeatIntervalMs: 200 }),
    ) as [SimSlave, SimSlave];
    const master = new SimMaster({ accountId: 'M1', ...endpoints, heartbeatIntervalMs: 200 });
    for (const s of [slaveA, slaveB, master]) {
      await s.start();
      cleanup.push(() => s.stop({ unregister: false }));
    }
    for (const s of [slaveA, slaveB])
      await s.waitForConfig((c) => c.master_account === 'M1' && c.status === 2 && c.allow_new_orders);

    await master.open({ ticket: 1, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
    for (const s of [slaveA, slaveB]) await s.waitForCommand((c) => c.ticket === 1 && c.kind === 'open');

    const configsOfB = slaveB.configs().length;
    const beforeEnd = slaveA.mark();
    now = Date.parse('2025-01-01T22:00:00Z');
    await slaveA.waitForConfig((c) => c.master_account === 'M1' && !c.allow_new_orders, 5000, {
      since: beforeEnd,
    });
    // B's window did not change: it gets no config for this.
    expect(slaveB.configs()).toHaveLength(configsOfB);

    now = Date.parse('2025-01-01T22:01:00Z');
    const markA = slaveA.mark();
    await master.open({ ticket: 2, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
    await slaveB.waitForCommand((c) => c.ticket === 2 && c.kind === 'open');
    // A receives B's copy on trade/M1/B (shared delivery) and its DLL refuses it.
    const refused = await slaveA.waitForIgnored((i) => Number(i.signal.ticket) === 2, 5000, { since: markA });
    expect(refused.reason).toBe('new_orders_not_allowed');
    expect(refused.topic).toBe('trade/M1/B');
    await slaveA.expectNoCommands((c) => c.ticket === 2, 300, { since: markA });

    await master.close(1);
    await slaveA.waitForCommand((c) => c.ticket === 1 && c.kind === 'close', 5000, { since: markA });

    // The relay filtered A's own copy with the reason, visible in the journal.
    const res = await fetch(`${t.endpoints.http}/internal/v1/signals?master=M1&limit=10`, {
      headers: { authorization: `Bearer ${t.apiToken}` },
    });
    expect(JSON.stringify(await res.json())).toContain('outside_trading_hours');
  });
});
