// Runtime status writes (D2) against a real SQLite file: a failed write is retried with backoff (docs/protocol.md
// D20) and lands; a newer status queued meanwhile wins; a permanent failure is given up and counted. Failures are
// injected at the storage edge.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, type Db } from '@sankey/db/client';
import { migrate } from '@sankey/db/migrate';
import { createRepositories } from '@sankey/db/repositories/index';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DbRelayStorage } from './outbox/db-storage';
import { QueuedStatusWriter } from './outbox/status-writer';

let dir: string;
let db: Db;
let storage: DbRelayStorage;
const log = pino({ level: 'silent' });
const policy = { baseMs: 10, maxMs: 50, maxAttempts: 5, jitter: 0.2 };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sankey-status-'));
  const url = `file:${join(dir, 'sankey.db')}`;
  await migrate({ url });
  db = await createDb({ url });
  storage = new DbRelayStorage(db);
  await createRepositories(db).tradeGroups.create({
    id: 'M1',
    members: [{ slaveAccount: 'S1' }, { slaveAccount: 'S2' }],
  });
});
afterAll(async () => {
  await db.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

/** The real storage, whose writes fail with `error` for the first `n` calls. */
function failingFirst(n: number, error: () => Error) {
  let calls = 0;
  return {
    calls: () => calls,
    writeMemberStatus: (g: string, s: string, status: number) =>
      ++calls <= n ? Promise.reject(error()) : storage.writeMemberStatus(g, s, status),
  };
}
const busy = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
const status = async (slave: string) => (await createRepositories(db).members.get('M1', slave))?.status;

it('retries a transiently failing status write with backoff until it lands', async () => {
  const edge = failingFirst(2, busy);
  const writer = new QueuedStatusWriter(edge, log, policy, { random: () => 0.5 });
  writer.write('M1', 'S1', 2);
  await writer.flush();
  expect(await status('S1')).toBe(2);
  expect(edge.calls()).toBe(3);
  expect(writer.failed).toBe(0);
});

it('writes the newer status when one was queued while a retry was pending', async () => {
  const edge = failingFirst(1, busy);
  const writer = new QueuedStatusWriter(edge, log, policy, { random: () => 0.5 });
  writer.write('M1', 'S2', 2);
  await new Promise((r) => setTimeout(r, 2));
  writer.write('M1', 'S2', 1);
  await writer.flush();
  expect(await status('S2')).toBe(1);
});

it('gives up a permanent failure at once and counts it', async () => {
  const edge = failingFirst(1, () => Object.assign(new Error('constraint'), { code: 'P2003' }));
  const writer = new QueuedStatusWriter(edge, log, policy, { random: () => 0.5 });
  writer.write('M1', 'S1', 0);
  await writer.flush();
  expect(edge.calls()).toBe(1);
  expect(writer.failed).toBe(1);
  expect(await status('S1')).toBe(2);
});
