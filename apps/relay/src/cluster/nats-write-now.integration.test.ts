// writeNow against the machine's nats-server: a publish reaches the server while the synchronous work that made
// it is still running (the stream's own receive time tells), where the client alone writes it only after.
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MemoryStream, memoryStream } from '../testing/memory-stream';
import { writeNow } from './nats-write-now';

let s: MemoryStream;

beforeAll(async () => {
  s = await memoryStream('writenow');
});

afterAll(() => s.remove());

const BUSY_MS = 300;

/** Publishes to the stream, then stays busy for BUSY_MS; returns how long after the publish the stream stored it. */
async function storedAfterMs(subject: string, now: boolean): Promise<number> {
  const at = Date.now();
  s.nc.publish(subject, new TextEncoder().encode('x'));
  if (now) writeNow(s.nc);
  while (Date.now() - at < BUSY_MS) {
    // The copy engine, the local copies, the journal entry.
  }
  await s.nc.flush();
  const jsm = await jetstreamManager(s.nc);
  const m = await jsm.streams.getMessage(s.name, { last_by_subj: subject });
  return m!.time.getTime() - at;
}

describe('writeNow', () => {
  it('puts a publish on the socket before the synchronous work after it ends', async () => {
    expect(await storedAfterMs(`${s.name}.later`, false)).toBeGreaterThanOrEqual(BUSY_MS - 5);
    expect(await storedAfterMs(`${s.name}.now`, true)).toBeLessThan(BUSY_MS / 2);
  });
});
