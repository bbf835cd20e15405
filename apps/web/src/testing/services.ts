import type { EnvOverride } from '@sankey/shared/api/views';
// Services over in-memory fakes, for unit tests.
import { createServices } from '../server/app';
import { silentLogger } from '../server/logger';
import type { TradeHistory } from '../server/services/trades';
import { FakeRelayClient } from './fake-relay';
import { FakeStore } from './fake-store';

/** A signal journal and delivery ledger with nothing in them (trades are tested over SQLite). */
export function emptyHistory(store: FakeStore): TradeHistory {
  return {
    signalJournal: { listOpens: async () => [], followUpsOf: async () => [], getOpen: async () => null },
    signalAnnex: { forSignals: async () => [] },
    deliveryLedger: { listForTickets: async () => [] },
    members: {
      listByGroup: (g) => store.members.listByGroup(g),
      listBySlave: async (s) =>
        (await Promise.all([...store.s.groups.keys()].map((g) => store.members.get(g, s)))).filter(
          (m) => m !== null,
        ),
    },
  };
}

export const TEST_API_TOKEN = 'test-api-token-0123456789';

export function fakeServices(opts: { dataDir?: string; envOverrides?: EnvOverride[] } = {}) {
  const store = new FakeStore();
  const relay = new FakeRelayClient();
  const clock = {
    t: Date.parse('2026-06-01T12:00:00Z'),
    now() {
      return new Date(this.t);
    },
  };
  const services = createServices({
    store,
    history: emptyHistory(store),
    relay,
    clock,
    log: silentLogger,
    apiToken: TEST_API_TOKEN,
    webPort: 3000,
    dataDir: opts.dataDir ?? '/nonexistent-sankey-data-dir',
    ...(opts.envOverrides && { envOverrides: opts.envOverrides }),
  });
  return { store, relay, clock, services };
}
