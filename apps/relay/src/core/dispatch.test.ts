// Inbound dispatch routes each decoded message type to exactly one handler, with the message object unchanged
// (and the receive time for trade signals, which the latency figure starts from).
import type { DecodedInbound } from '@sankey/shared/protocol/messages';
import { describe, expect, it } from 'vitest';
import { heartbeat, open, register } from '../testing/core-harness';
import { dispatch, type InboundHandlers } from './dispatch';

function recorder() {
  const calls: { handler: string; message: unknown; receivedAtNs?: bigint }[] = [];
  const rec =
    (handler: string) =>
    (message: unknown, receivedAtNs?: bigint): void => {
      calls.push({ handler, message, ...(receivedAtNs !== undefined ? { receivedAtNs } : {}) });
    };
  const handlers = {
    connections: {
      register: rec('connections.register'),
      heartbeat: rec('connections.heartbeat'),
      requestConfig: rec('connections.requestConfig'),
      unregister: rec('connections.unregister'),
    },
    signals: { handle: rec('signals.handle') },
    sync: { request: rec('sync.request'), snapshot: rec('sync.snapshot') },
  } as unknown as InboundHandlers;
  return { calls, handlers };
}

const messages: [DecodedInbound, string][] = [
  [register('S1', 'Slave'), 'connections.register'],
  [heartbeat('S1', 'Slave'), 'connections.heartbeat'],
  [
    {
      type: 'RequestConfig',
      message: { message_type: 'RequestConfig', account_id: 'S1', timestamp: 't', ea_type: 'Slave' },
    },
    'connections.requestConfig',
  ],
  [
    {
      type: 'Unregister',
      message: {
        message_type: 'Unregister',
        account_id: 'S1',
        timestamp: 1_735_689_600_000,
        ea_type: 'Slave',
      },
    },
    'connections.unregister',
  ],
  [open('M1'), 'signals.handle'],
  [
    {
      type: 'SyncRequest',
      message: { message_type: 'SyncRequest', slave_account: 'S1', master_account: 'M1', timestamp: 't' },
    },
    'sync.request',
  ],
  [
    {
      type: 'PositionSnapshot',
      message: { message_type: 'PositionSnapshot', source_account: 'M1', positions: [], timestamp: 't' },
    },
    'sync.snapshot',
  ],
];

describe('dispatch', () => {
  it.each(messages.map(([msg, handler]) => [msg.type, msg, handler] as const))(
    '%s goes to its handler only, with the message unchanged',
    (_type, msg, handler) => {
      const { calls, handlers } = recorder();
      dispatch(handlers, msg, 42n);
      expect(calls).toHaveLength(1);
      expect(calls[0]!.handler).toBe(handler);
      expect(calls[0]!.message).toBe(msg.message);
      // Only the signal path gets the receive time.
      expect(calls[0]!.receivedAtNs).toBe(handler === 'signals.handle' ? 42n : undefined);
    },
  );

  it('handles messages one at a time, in arrival order', () => {
    const { calls, handlers } = recorder();
    for (const [msg] of messages) dispatch(handlers, msg, 1n);
    expect(calls.map((c) => c.handler)).toEqual(messages.map(([, h]) => h));
  });

  it('covers every inbound type the codec decodes', () => {
    expect(new Set(messages.map(([m]) => m.type))).toEqual(
      new Set([
        'Register',
        'Heartbeat',
        'RequestConfig',
        'Unregister',
        'TradeSignal',
        'SyncRequest',
        'PositionSnapshot',
      ]),
    );
  });
});
