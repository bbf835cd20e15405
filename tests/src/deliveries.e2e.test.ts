// The web app's deliveries.*, endpoints.list and blocklist.* services (docs/api.md) over the real relay's control
// API: what the operator sees and does, the relay's refusals with their reasons, and what happens when the relay
// is unreachable.
import { silentLogger } from '@sankey/web/src/server/logger';
import { createHttpRelayClient } from '@sankey/web/src/server/relay-client';
import { createDeliveryService } from '@sankey/web/src/server/services/deliveries';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from './until';
import { world } from './world';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c().catch(() => {});
});

describe('deliveries, endpoints and blocklist through the web services', () => {
  it('lists a dead letter, refuses its retry with the reason, purges it, and blocks an EA; falls back when the relay is down', async () => {
    const w = await world();
    cleanup.push(() => w.close());
    const deliveries = createDeliveryService({
      relay: createHttpRelayClient({
        baseUrl: w.t.endpoints.http,
        apiToken: w.t.apiToken,
        log: silentLogger,
      }),
      log: silentLogger,
    });
    await w.admin.createGroup('M1', { enabled: true, members: [{ slaveAccount: 'S1', enabled: true }] });
    const m1 = await w.master('M1');
    const s1 = await w.slave('S1');
    await s1.waitForConfig((c) => c.master_account === 'M1' && c.status === 2);
    await m1.open({ ticket: 6, symbol: 'USDJPY', orderType: 'Sell', lots: 0.2 });
    await s1.waitForCommand((c) => c.kind === 'open');
    await s1.stop({ unregister: false });
    await until(() => w.relay.core.delivery.listeners.isListening('M1', 'S1'), false);
    // The Close of a still-parked Open cancels both (docs/protocol.md D19): a dead letter closed_while_offline.
    await m1.open({ ticket: 7, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
    await m1.close(7);
    // The Close of a ticket the slave holds waits for it (parked).
    await m1.close(6);
    await expect.poll(async () => (await deliveries.parked({ account: 'S1' }))?.total).toBe(1);
    expect((await deliveries.parked({ account: 'S1' }))?.copies).toMatchObject([
      { masterAccount: 'M1', slaveAccount: 'S1', action: 'Close', ticket: '6' },
    ]);

    await expect.poll(async () => (await deliveries.list({ account: 'S1' }))?.length).toBe(1);
    const letters = (await deliveries.list({ account: 'S1' })) ?? [];
    expect(letters).toMatchObject([
      {
        reason: 'closed_while_offline',
        destination: 'S1',
        masterAccount: 'M1',
        ticket: '7',
        action: 'Open',
        symbol: 'EURUSD',
        lots: 0.1,
      },
    ]);
    await expect(deliveries.retry(letters[0]?.id ?? 0, true)).rejects.toMatchObject({
      code: 'CONFLICT',
      reason: 'ticket_closed',
      message: expect.stringMatching(/closed ticket 7 since/),
    });
    await expect(deliveries.retry(999_999)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await deliveries.metrics()).toMatchObject({ signals: 4, failures: { closed_while_offline: 1 } });
    expect(await deliveries.purge(0)).toEqual({ purged: 1 });
    expect(await deliveries.list()).toEqual([]);

    expect(await deliveries.block('S9', 'lost terminal')).toMatchObject({
      accountId: 'S9',
      reason: 'lost terminal',
    });
    expect(await deliveries.blocklist()).toMatchObject([{ accountId: 'S9' }]);
    const endpoints = await deliveries.endpoints();
    expect(endpoints?.find((e) => e.accountId === 'S9')).toMatchObject({ blocked: true });
    expect(endpoints?.find((e) => e.accountId === 'M1')).toMatchObject({ blocked: false });
    expect((endpoints?.find((e) => e.accountId === 'M1')?.framesIn ?? 0) > 0).toBe(true);
    await expect(deliveries.unblock('S8')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await deliveries.unblock('S9')).toEqual({ ok: true });

    await w.t.relay.close();
    expect(await deliveries.list()).toBeNull();
    expect(await deliveries.parked()).toBeNull();
    expect(await deliveries.endpoints()).toBeNull();
    await expect(deliveries.block('S9')).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});
