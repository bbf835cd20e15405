// system.cluster (docs/api.md, Procedures; docs/cluster.md) over HTTP against a real SQLite file and a fake relay
// control API: alone, a cluster's relays and EAs as the relay answers them, null when the relay is down or answers
// a shape the web does not know.
import type { ClusterView } from '@sankey/shared/api/cluster-views';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { relayData } from '../testing/fake-relay';
import { call, startTestWeb, type TestWeb } from '../testing/http-server';

let web: TestWeb;
beforeAll(async () => {
  web = await startTestWeb();
});
afterAll(() => web?.close());
beforeEach(() => {
  web.relay.state.data = relayData();
  web.relay.state.down = false;
});

const cluster = () => call(web, 'query', 'system.cluster');

// What the relay answers in cluster mode, with the EA fields the web does not keep.
const relayAnswer = {
  mode: 'cluster',
  cluster: 'c1',
  relayId: 'relay-b',
  natsConnected: true,
  relays: [
    {
      relayId: 'relay-a',
      pid: 11,
      host: 'a',
      address: '10.0.0.1',
      startedAt: '2026-01-01T00:00:00.000Z',
      seenAt: '2026-01-01T00:01:00.000Z',
      eas: 1,
      lag: null,
    },
    {
      relayId: 'relay-b',
      pid: 12,
      host: 'b',
      address: null,
      startedAt: '2026-01-01T00:00:05.000Z',
      seenAt: '2026-01-01T00:01:01.000Z',
      eas: 1,
      lag: null,
    },
  ],
  eas: [
    {
      relayId: 'relay-b',
      accountId: 'S1',
      eaType: 'Slave',
      status: 'Online',
      isTradeAllowed: true,
      balance: 1000,
      equity: 1000,
      currency: 'USD',
      platform: 'MT5',
      accountNumber: '42',
      broker: 'B',
      accountName: 'N',
      server: 'S',
      leverage: '100',
      symbolContext: null,
      lastHeartbeat: '2026-01-01T00:01:00.000Z',
      ageMs: 2300,
    },
    {
      relayId: 'relay-a',
      accountId: 'M1',
      eaType: 'Master',
      status: 'Online',
      isTradeAllowed: true,
      balance: 1000,
      equity: 1000,
      currency: 'USD',
      platform: 'MT4',
      accountNumber: '7',
      broker: 'B',
      accountName: 'N',
      server: 'S',
      leverage: '500',
      symbolContext: null,
      lastHeartbeat: '2026-01-01T00:01:00.000Z',
      ageMs: 400,
    },
  ],
};

describe('system.cluster', () => {
  it('alone: {mode: "alone"}', async () => {
    const r = await cluster();
    expect(r.status).toBe(200);
    expect(r.data).toEqual({ mode: 'alone' });
  });

  it('in a cluster: the relays and each EA with the relay it is on', async () => {
    web.relay.state.data.cluster = relayAnswer as unknown as ClusterView;
    const r = await cluster();
    expect(r.status).toBe(200);
    const view = r.data as Extract<ClusterView, { mode: 'cluster' }>;
    expect(view).toMatchObject({ mode: 'cluster', cluster: 'c1', relayId: 'relay-b', natsConnected: true });
    expect(view.relays.map((x) => [x.relayId, x.host, x.address, x.eas])).toEqual([
      ['relay-a', 'a', '10.0.0.1', 1],
      ['relay-b', 'b', null, 1],
    ]);
    expect(view.eas).toEqual([
      {
        accountId: 'S1',
        eaType: 'Slave',
        platform: 'MT5',
        broker: 'B',
        relayId: 'relay-b',
        status: 'Online',
        lastHeartbeat: '2026-01-01T00:01:00.000Z',
        ageMs: 2300,
      },
      {
        accountId: 'M1',
        eaType: 'Master',
        platform: 'MT4',
        broker: 'B',
        relayId: 'relay-a',
        status: 'Online',
        lastHeartbeat: '2026-01-01T00:01:00.000Z',
        ageMs: 400,
      },
    ]);
  });

  it('null when the relay is down or answers a shape the web does not know', async () => {
    web.relay.state.down = true;
    let r = await cluster();
    expect(r.status).toBe(200);
    expect(r.data).toBeNull();
    web.relay.state.down = false;
    web.relay.state.data.cluster = { mode: 'swarm' } as unknown as ClusterView;
    r = await cluster();
    expect(r.status).toBe(200);
    expect(r.data).toBeNull();
  });

  it('needs authentication like every procedure', async () => {
    const r = await call(web, 'query', 'system.cluster', undefined, {});
    expect(r.status).toBe(401);
  });
});
