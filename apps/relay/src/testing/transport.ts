// Test helpers for the ZeroMQ transport over real sockets on 127.0.0.1.
import type { OutboundFrame } from '../core/ports';
import { ZmqTransport } from '../transport/zmq';

/** An Open copy frame of master stream `stream` for slave S, ticket `n`. */
export const tradeFrame = (stream: string, n: number): OutboundFrame => ({
  frame: Buffer.from(`trade/${stream}/S ${n}`),
  topic: `trade/${stream}/S`,
  stream,
  cls: 'open',
  ticket: n,
});

/** A transport bound on free ports and reading, with an unbounded queue; `onSent` sees each frame sent. */
export async function startTransport(onSent: (item: OutboundFrame) => void): Promise<ZmqTransport> {
  const t = new ZmqTransport(
    { bind: '127.0.0.1', receiverPort: 0, publisherPort: 0, sendQueueCapacity: 1_000_000, lingerMs: 0 },
    {
      onFrame: () => {},
      onSent,
      onSendFailed: () => {},
      onRefused: () => {},
      onReceiveError: () => {},
    },
  );
  await t.bind();
  t.startReading();
  return t;
}
