// Isolated delivery (docs/protocol.md D23) over real sockets and a real SQLite file: switching a group with an
// open position to isolated waits for each slave's alias subscription (reported by the XPUB socket), after which
// the slave trades only its own copies; the alias survives a relay restart (alias table); switching back closes
// the position opened before the switch, and no switch step makes a slave ask for a position sync.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimMaster, SimSlave } from '@sankey/ea-sim/index';
import { startTestRelay, type TestRelay } from '@sankey/relay/testing/start-relay';
import { afterEach, describe, expect, it } from 'vitest';
import { admin } from './admin';
import { freePort } from './free-port';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c().catch(() => {});
});

describe('isolated delivery (D23)', () => {
  it('switches with an open position, keeps the alias across a restart, and switches back without a sync', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sankey-isolated-'));
    cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const ports = { receiverPort: await freePort(), publisherPort: await freePort() };
    const start = () => startTestRelay({ dataDir, config: { ...ports, timeoutCheckMs: 100 } });
    let t: TestRelay = await start();
    cleanup.push(() => t.stop());
    const a = admin(t.db, t.endpoints.http, t.apiToken);
    const sync = { syncMode: 'market_order' as const };
    await a.createGroup('M1', {
      enabled: true,
      members: [
        { slaveAccount: 'SA', enabled: true, slaveSettings: { ...sync, copyPendingOrders: true } },
        { slaveAccount: 'SB', enabled: true, slaveSettings: { ...sync, copyPendingOrders: false } },
      ],
    });
    const endpoints = { receiverEndpoint: t.endpoints.receiver, publisherEndpoint: t.endpoints.publisher };
    const [sa, sb] = ['SA', 'SB'].map(
      (id) => new SimSlave({ accountId: id, ...endpoints, heartbeatIntervalMs: 200 }),
    );
    const master = new SimMaster({ accountId: 'M1', ...endpoints, heartbeatIntervalMs: 200 });
    for (const s of [sa!, sb!, master]) {
      await s.start();
      cleanup.push(() => s.stop({ unregister: false }));
    }
    for (const s of [sa!, sb!]) await s.waitForConfig((c) => c.master_account === 'M1' && c.status === 2);
    await master.open({ ticket: 11, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
    for (const s of [sa!, sb!]) await s.waitForCommand((c) => c.ticket === 11 && c.kind === 'open');

    // A new CONNECTED entry with sync enabled makes the EA ask for a sync: none of the switch steps may be one.
    const syncRequests = (s: SimSlave) => s.sent().filter((f) => f.message?.type === 'SyncRequest').length;
    const before = [syncRequests(sa!), syncRequests(sb!)];
    await a.updateGroup('M1', { delivery: 'isolated' });
    for (const s of [sa!, sb!]) {
      await s.waitForConfig((c) => c.master_account.startsWith('M1~') && c.status === 2);
      await s.waitForConfig((c) => c.master_account === 'M1' && c.status === -1);
    }
    const aliasA = [...sa!.brain.configStore.keys()];
    expect(aliasA).toHaveLength(1);
    expect(aliasA[0]).toMatch(/^M1~[0-9a-f]{8}$/);

    // A pending order: SA copies it, SB filters it at the relay and never sees SA's copy.
    const mark = sb!.mark();
    await master.open({ ticket: 12, symbol: 'EURUSD', orderType: 'BuyLimit', lots: 0.1, openPrice: 1.0 });
    await sa!.waitForCommand((c) => c.ticket === 12 && c.kind === 'open');
    await sb!.expectNoCommands((c) => c.ticket === 12, 500, { since: mark });

    // The alias is stored: after a restart the relay names the master the same way.
    const beforeRestart = [sa!.mark(), sb!.mark()];
    await t.stop();
    t = await start();
    // The new relay's first configs reach a slave once its SUB socket has reconnected (its heartbeat is new to
    // the relay, which answers with its config — under the alias, since the EA already knows it).
    for (const [i, s] of [sa!, sb!].entries()) {
      const alias = [...s.brain.configStore.keys()][0]!;
      await s.waitForConfig((c) => c.master_account === alias && c.status === 2, 10_000, {
        since: beforeRestart[i]!,
      });
    }
    const rows = await t.db.memberAlias.findMany({ orderBy: { slaveAccount: 'asc' } });
    expect(rows.map((r) => [r.slaveAccount, r.alias])).toEqual([
      ['SA', aliasA[0]],
      ['SB', [...sb!.brain.configStore.keys()][0]],
    ]);

    const b = admin(t.db, t.endpoints.http, t.apiToken);
    const marks = [sa!.mark(), sb!.mark()];
    await b.updateGroup('M1', { delivery: 'shared' });
    for (const [i, s] of [sa!, sb!].entries()) {
      const since = { since: marks[i]! };
      await s.waitForConfig((c) => c.master_account === 'M1' && c.status === 2, 5000, since);
      await s.waitForConfig((c) => c.master_account.startsWith('M1~') && c.status === -1, 5000, since);
      expect([...s.brain.configStore.keys()]).toEqual(['M1']);
    }
    await master.close(11);
    for (const s of [sa!, sb!]) await s.waitForCommand((c) => c.ticket === 11 && c.kind === 'close');
    expect(sb!.brain.positions()).toEqual([]);
    // Each new entry (alias, then the master again) started at status 1: no SyncRequest from any switch step.
    expect([syncRequests(sa!), syncRequests(sb!)]).toEqual(before);
  });
});
