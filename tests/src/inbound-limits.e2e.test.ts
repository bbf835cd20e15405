// D18 over real sockets: a sender inventing account ids cannot grow the relay without bound, and copying for the
// accounts that are linked goes on while it tries.
import { heartbeat } from '@sankey/relay/testing/core-harness';
import { encodeInbound } from '@sankey/shared/protocol/codec';
import { afterEach, describe, expect, it } from 'vitest';
import { Push } from 'zeromq';
import { type World, world } from './world';

let w: World;
afterEach(async () => {
  await w?.close();
});

describe('inbound limits (D18)', () => {
  it('100,000 heartbeats with new random ids: the table stops at its cap, linked EAs keep copying', async () => {
    const CAP = 10_000;
    w = await world({ maxConnections: CAP });
    await w.admin.createGroup('M1', {
      enabled: true,
      members: [{ slaveAccount: 'S1', enabled: true, slaveSettings: {} }],
    });
    const slave = await w.slave('S1');
    const master = await w.master('M1');
    await slave.waitForConfig((c) => c.master_account === 'M1' && c.status === 2);

    const flood = new Push({ linger: 0, sendHighWaterMark: 200_000 });
    flood.connect(w.t.endpoints.receiver);
    try {
      for (let i = 0; i < 100_000; i++) {
        await flood.send(
          encodeInbound(
            heartbeat(`rnd-${i.toString(36)}-${Math.random().toString(36).slice(2, 8)}`, 'Slave'),
          ),
        );
        // A copy in the middle of the storm still goes through.
        if (i === 50_000)
          await master.open({ ticket: 7001, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
      }
      await expect
        .poll(() => w.metric('sankey_inbound_refused_total', 'reason="connection_table_full"'), {
          timeout: 60_000,
        })
        .toBeGreaterThanOrEqual(100_000 - CAP);
    } finally {
      flood.close();
    }
    // At the cap: the linked accounts (M1, S1) are in, on top of the 10,000 others it admitted.
    const entries = w.relay.core.connections();
    expect(entries.length).toBeLessThanOrEqual(CAP + 2);
    expect(entries.filter((e) => e.accountId.startsWith('rnd-')).length).toBeLessThanOrEqual(CAP);
    expect(w.relay.core.connection('S1', 'Slave')?.status).toBe('Online');
    expect((await slave.waitForCommand((c) => Number(c.ticket) === 7001, 30_000)).kind).toBe('open');
    await master.open({ ticket: 7002, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
    expect((await slave.waitForCommand((c) => Number(c.ticket) === 7002, 10_000)).kind).toBe('open');
  }, 120_000);
});
