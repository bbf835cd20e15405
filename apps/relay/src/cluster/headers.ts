// The NATS headers cluster messages carry (docs/cluster.md): the publishing relay, the master's sequence number
// and the publish time (ms since the epoch, for the cross-relay lag).
import { headers } from '@nats-io/transport-node';

export const H_RELAY = 'Sankey-Relay';
export const H_SEQ = 'Sankey-Seq';
export const H_AT = 'Sankey-Published-Ms';
/** On a routed sync request: the real master, when the slave asked under its alias (isolated delivery, D23). */
export const H_MASTER = 'Sankey-Master';

/** Headers naming the sending relay (core NATS routing: a relay skips its own messages). */
export function relayHeaders(relayId: string) {
  const h = headers();
  h.set(H_RELAY, relayId);
  return h;
}
