// Pruning of the delivered sequence numbers against the machine's nats-server and a PostgreSQL schema of its own
// (runs when TEST_POSTGRES_URL is set): a row goes only once every signal it covers has left the stream, judged
// by the stream's configured max age plus the margin.
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection, nanos } from '@nats-io/transport-node';
import { createDb, type Db } from '@sankey/db/client';
import { testPostgresUrl } from '@sankey/db/env';
import { migrate } from '@sankey/db/migrate';
import { withPostgresSchema } from '@sankey/db/urls';
import { clusterNames } from '@sankey/shared/cluster/names';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DbRelayStorage } from '../outbox/db-storage';
import { DeliveredSeqPrune, SEQ_PRUNE_MARGIN_MS } from './seq-prune';
import { ensureStream } from './stream-setup';

const base = testPostgresUrl();
const HOUR = 3_600_000;
const log = pino({ level: 'silent' });

describe.skipIf(!base)('delivered sequence numbers pruning (NATS, PostgreSQL)', () => {
  const schema = `seqprune_${randomBytes(4).toString('hex')}`;
  const names = clusterNames(`sp${randomBytes(4).toString('hex')}`);
  let nc: NatsConnection;
  let db: Db;
  let storage: DbRelayStorage;

  beforeAll(async () => {
    const url = withPostgresSchema(base!, schema);
    await migrate({ url });
    db = await createDb({ url });
    storage = new DbRelayStorage(db);
    nc = await connect({ servers: 'nats://127.0.0.1:4222' });
  });
  afterAll(async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(names.signalStream).catch(() => {});
    await nc.close();
    await db.$executeRawUnsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.$disconnect();
  });

  const rows = async () =>
    (await storage.loadDeliveredSeqs()).map((r) => `${r.masterAccount}/${r.slaveAccount}:${r.seq}`).sort();

  it('keeps every row a replay could still need, prunes those older than the max age plus the margin', async () => {
    const jsm = await jetstreamManager(nc);
    await ensureStream(jsm, names);
    const now = Date.now();
    const at = (msAgo: number) => new Date(now - msAgo);
    await storage.raiseDeliveredSeqs([
      // A member deleted a day and more ago, or a master silent since: its signals have left the stream.
      {
        masterAccount: 'M1',
        slaveAccount: 'S1',
        seq: 40,
        updatedAt: at(24 * HOUR + SEQ_PRUNE_MARGIN_MS + HOUR),
      },
      // Past the stream's 24 h but inside the margin (clocks may differ): kept.
      {
        masterAccount: 'M1',
        slaveAccount: 'S2',
        seq: 41,
        updatedAt: at(24 * HOUR + SEQ_PRUNE_MARGIN_MS / 2),
      },
      { masterAccount: 'M2', slaveAccount: 'S1', seq: 7, updatedAt: at(2 * HOUR) },
      { masterAccount: 'M2', slaveAccount: 'S3', seq: 9, updatedAt: at(0) },
    ]);
    const prune = new DeliveredSeqPrune(jsm, names, storage, log, () => now);
    expect(await prune.runOnce()).toBe(1);
    expect(await rows()).toEqual(['M1/S2:41', 'M2/S1:7', 'M2/S3:9']);

    // The stream as configured now decides: with a 30-minute max age, rows older than 1.5 h go.
    await jsm.streams.update(names.signalStream, { max_age: nanos(HOUR / 2) });
    expect(await prune.runOnce()).toBe(2);
    expect(await rows()).toEqual(['M2/S3:9']);

    // A stream without a max age keeps every signal: nothing is pruned.
    await storage.raiseDeliveredSeqs([
      { masterAccount: 'M3', slaveAccount: 'S1', seq: 1, updatedAt: at(400 * HOUR) },
    ]);
    await jsm.streams.update(names.signalStream, { max_age: 0 });
    expect(await prune.runOnce()).toBe(0);
    expect(await rows()).toEqual(['M2/S3:9', 'M3/S1:1']);
  });
});
