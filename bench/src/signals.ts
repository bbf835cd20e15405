// The frames the simulated EAs send, encoded as the bridge DLL encodes them.
import { heartbeat, open, register } from '@sankey/relay/testing/core-harness';
import { encodeInbound } from '@sankey/shared/protocol/codec';

/** Signal `i` of a run: opens and closes alternate on the same ticket, so the delivery ledger stays small. */
export const tradeSignal = (master: string, i: number): Buffer =>
  encodeInbound(
    open(master, {
      action: i % 2 === 0 ? 'Open' : 'Close',
      ticket: 1 + Math.floor(i / 2),
      symbol: 'pro.XAUUSD.m',
      lots: 0.5,
      magic_number: 7,
      timestamp: new Date().toISOString(),
    }),
  );

export const heartbeatFrame = (accountId: string, eaType: 'Master' | 'Slave'): Buffer =>
  encodeInbound(heartbeat(accountId, eaType));

export const registerFrame = (accountId: string, eaType: 'Master' | 'Slave'): Buffer =>
  encodeInbound(register(accountId, eaType));
