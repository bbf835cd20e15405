// A relay (in-process, real ZeroMQ + SQLite on free ports), simulated EAs, and the admin side writing through
// the outbox: the world an end-to-end test runs in.

import { SimMaster, type SimMasterOptions, SimSlave, type SimSlaveOptions } from '@sankey/ea-sim/index';
import type { RelayConfig } from '@sankey/relay/relay';
import { startTestRelay, type TestRelay } from '@sankey/relay/testing/start-relay';
import { admin } from './admin';

type SimOpts<T> = Omit<T, 'accountId' | 'receiverEndpoint' | 'publisherEndpoint'>;

export async function world(
  config: Partial<RelayConfig> = {},
  opts: { databaseUrl?: string; relayDatabaseUrl?: string } = {},
) {
  const t: TestRelay = await startTestRelay({ config: { timeoutCheckMs: 100, ...config }, ...opts });
  const sims: (SimMaster | SimSlave)[] = [];
  const endpoints = { receiverEndpoint: t.endpoints.receiver, publisherEndpoint: t.endpoints.publisher };
  return {
    t,
    relay: t.relay,
    admin: admin(t.db, t.endpoints.http, t.apiToken),
    async master(accountId: string, opts: SimOpts<SimMasterOptions> = {}) {
      const m = new SimMaster({ accountId, ...endpoints, heartbeatIntervalMs: 200, ...opts });
      sims.push(m);
      await m.start();
      return m;
    },
    async slave(accountId: string, opts: SimOpts<SimSlaveOptions> = {}) {
      const s = new SimSlave({ accountId, ...endpoints, heartbeatIntervalMs: 200, ...opts });
      sims.push(s);
      await s.start();
      return s;
    },
    /** Prometheus counter value (0 when the series does not exist yet). */
    async metric(name: string, labels = '') {
      const text = await (await fetch(`${t.endpoints.http}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
      return line ? Number(line.split(' ').at(-1)) : 0;
    },
    async close() {
      await Promise.all(sims.map((s) => s.stop({ unregister: false }).catch(() => {})));
      await t.stop();
    },
  };
}
export type World = Awaited<ReturnType<typeof world>>;
