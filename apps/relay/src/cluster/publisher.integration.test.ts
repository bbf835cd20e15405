// ClusterPublisher against the machine's nats-server (JetStream): pipelined lanes keep each lane's order on the
// stream, nothing is lost or stored twice, and a repeated msgID is dropped by the stream's dedup window.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MemoryStream, memoryStream } from '../testing/memory-stream';
import type { Outbound } from './outbound-buffer';
import { PubAcks } from './pub-acks';
import { ClusterPublisher } from './publisher';

let s: MemoryStream;
let nc: NatsConnection;
let stream: string;

beforeAll(async () => {
  s = await memoryStream('pubtest');
  ({ nc, name: stream } = s);
});

afterAll(() => s.remove());

const item = (lane: string, n: number): Outbound => ({
  lane,
  subject: `${stream}.${lane}`,
  msgId: `${lane}:${n}`,
  data: new TextEncoder().encode(String(n)),
  action: n % 2 === 0 ? 'Open' : 'Close',
  headers: { 'Sankey-Seq': String(n) },
});

describe('ClusterPublisher on JetStream', () => {
  it('publishes 3 lanes × 600 messages pipelined: each lane in order on the stream, none twice', async () => {
    const js = jetstream(nc);
    const published: string[] = [];
    const p = new ClusterPublisher(new PubAcks(nc), 10_000, {
      published: (i) => published.push(i.msgId),
      dropped: () => {},
      failed: () => {},
    });
    for (let n = 1; n <= 600; n++) for (const lane of ['A', 'B', 'C']) p.send(item(lane, n));
    // A repeat of an already sent message id is stored once.
    p.send(item('A', 600));
    await p.drain(30_000);
    expect(p.buffer.depth).toBe(0);
    expect(published).toHaveLength(1801);
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(stream);
    expect(info.state.messages).toBe(1800);
    for (const lane of ['A', 'B', 'C']) {
      const seqs: number[] = [];
      const consumer = await js.consumers.get(stream, { filter_subjects: `${stream}.${lane}` });
      const batch = await consumer.fetch({ max_messages: 600, expires: 5000 });
      for await (const m of batch) seqs.push(Number(m.string()));
      expect(seqs).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    }
    p.stop();
  });
});
