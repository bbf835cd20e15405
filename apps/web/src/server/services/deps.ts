// What every service receives: persistence, the relay's control API, a clock and a logger (docs/architecture.md,
// "apps/web": tRPC routers → services → repositories).
import type { Clock, Logger } from '../logger';
import type { RelayClient } from '../relay-client';
import type { Repos, Store } from '../store';

export interface ServiceDeps {
  store: Store;
  relay: RelayClient;
  clock: Clock;
  log: Logger;
}

/**
 * Writes a change and its outbox row in one transaction (docs/protocol.md, Admin changes), then nudges the relay. A failed nudge is
 * only logged: the relay polls the outbox at least every 100 ms.
 */
export async function commit<T>(deps: ServiceDeps, fn: (repos: Repos) => Promise<T>): Promise<T> {
  const result = await deps.store.transaction(fn);
  if (!(await deps.relay.nudge()))
    deps.log.info({}, 'relay not nudged (unreachable); it will poll the outbox');
  return result;
}
