// Inbound dispatch: one decoded message to the handler of its type. Messages arrive here strictly one at a time,
// in arrival order (design: one consumer of the PULL socket), and each is handled to the end before the next.
import type { DecodedInbound } from '@sankey/shared/protocol/messages';
import type { ConnectionHandlers } from './connection-handlers';
import type { SignalPath } from './signal-path';
import type { SyncRelay } from './sync';

export interface InboundHandlers {
  connections: ConnectionHandlers;
  signals: SignalPath;
  sync: SyncRelay;
}

export function dispatch(h: InboundHandlers, msg: DecodedInbound, receivedAtNs: bigint): void {
  switch (msg.type) {
    case 'Register':
      return h.connections.register(msg.message);
    case 'Heartbeat':
      return h.connections.heartbeat(msg.message);
    case 'RequestConfig':
      return h.connections.requestConfig(msg.message);
    case 'Unregister':
      return h.connections.unregister(msg.message);
    case 'TradeSignal':
      return h.signals.handle(msg.message, receivedAtNs);
    case 'SyncRequest':
      return h.sync.request(msg.message);
    case 'PositionSnapshot':
      return h.sync.snapshot(msg.message);
  }
}
