// Services over in-memory fakes, for unit tests.
import { createServices } from '../server/app';
import { silentLogger } from '../server/logger';
import { FakeRelayClient } from './fake-relay';
import { FakeStore } from './fake-store';

export const TEST_API_TOKEN = 'test-api-token-0123456789';

export function fakeServices(opts: { dataDir?: string } = {}) {
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
    relay,
    clock,
    log: silentLogger,
    apiToken: TEST_API_TOKEN,
    webPort: 3000,
    dataDir: opts.dataDir ?? '/nonexistent-sankey-data-dir',
  });
  return { store, relay, clock, services };
}
