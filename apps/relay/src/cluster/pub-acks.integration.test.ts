// PubAcks against the machine's nats-server (JetStream): a publish resolves once the stream stored it, and fails
// on the stream's refusal, on no responder and on no answer, so the publisher retries instead of dropping.
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MemoryStream, memoryStream } from '../testing/memory-stream';
import { PubAcks } from './pub-acks';

let s: MemoryStream;
let nc: NatsConnection;
let stream: string;
const data = new TextEncoder().encode('x');

beforeAll(async () => {
  s = await memoryStream('pubacks');
  ({ nc, name: stream } = s);
});

afterAll(() => s.remove());

describe('PubAcks', () => {
  it('resolves once stored, a repeated message id too, and stores it once', async () => {
    const acks = new PubAcks(nc);
    await acks.publish(`${stream}.a`, data, 'a:1', { 'Sankey-Seq': '1' });
    await acks.publish(`${stream}.a`, data, 'a:1', { 'Sankey-Seq': '1' });
    const jsm = await jetstreamManager(nc);
    expect((await jsm.streams.info(stream)).state.messages).toBe(1);
    const m = await jsm.streams.getMessage(stream, { last_by_subj: `${stream}.a` });
    expect(m?.header.get('Sankey-Seq')).toBe('1');
    acks.stop();
  });

  it("rejects the stream's refusal", async () => {
    const acks = new PubAcks(nc);
    await expect(
      acks.publish(`${stream}.b`, data, 'b:1', { 'Nats-Expected-Stream': 'another' }),
    ).rejects.toThrow(/expected stream/i);
    acks.stop();
  });

  it('rejects when nothing listens on the subject', async () => {
    const acks = new PubAcks(nc, 1000);
    await expect(acks.publish(`nostream_${stream}.x`, data, 'x:1', {})).rejects.toThrow();
    acks.stop();
  });

  it('rejects when the answer does not come in time', async () => {
    const silent = `silent_${stream}.x`;
    const sub = nc.subscribe(silent, { callback: () => {} });
    await nc.flush();
    const acks = new PubAcks(nc, 200);
    const at = performance.now();
    await expect(acks.publish(silent, data, 'x:1', {})).rejects.toThrow(/in time/);
    expect(performance.now() - at).toBeLessThan(1000);
    sub.unsubscribe();
    acks.stop();
  });
});
