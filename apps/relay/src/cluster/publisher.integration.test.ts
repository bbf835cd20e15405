// ClusterPublisher against the machine's nats-server (JetStream): pipelined lanes keep each lane's order on the
// stream, nothing is lost or stored twice, and a repeated msgID is dropped by the stream's dedup window.
import { randomBytes } from 'node:crypto';
import { jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect, type NatsConnection, nanos } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outbound } from './outbound-buffer';
import { PubAcks } from './pub-acks';
import { ClusterPublisher } from './publisher';

const stream = `pubtest_${randomBytes(4).toString('hex')}`;
let nc: NatsConnection;

beforeAll(async () => {
  nc = await connect({ servers: 'nats://127.0.0.1:4222' });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({
    name: stream,
    subjects: [`${stream}.>`],
    storage: StorageType.Memory,
    duplicate_window: nanos(120_000),
  });
});

afterAll(async () => {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete(stream).catch(() => {});
  await nc.close();
});

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
