// Hands what the NATS client has queued to its socket now (docs/cluster.md, Published first). The client (3.4)
// writes a publish in a microtask, after the synchronous work that made it: a stream signal published before the
// copy engine ran would still wait for the engine, the local copies and the journal entry. Reaches into the
// client's protocol handler; where that is absent (another client version) the client's own microtask writes it.
import type { NatsConnection } from '@nats-io/transport-node';

interface ClientInternals {
  protocol?: { flushPending?: () => void };
}

export function writeNow(nc: NatsConnection): void {
  const protocol = (nc as unknown as ClientInternals).protocol;
  if (typeof protocol?.flushPending === 'function') protocol.flushPending();
}
