// Retention of the outbox (docs/database.md, Outbox retention): processed rows older than the retention that this
// relay (alone: one cursor) has applied are purged, and the change history keeps every change. On SQLite, and on
// PostgreSQL when TEST_POSTGRES_URL is set.
import { randomBytes } from 'node:crypto';
import { testPostgresUrl } from '@sankey/db/env';
import { withPostgresSchema } from '@sankey/db/urls';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { type World, world } from './world';

const base = testPostgresUrl();
let w: World | undefined;
let schema: string | undefined;

afterEach(async () => {
  await w?.close();
  w = undefined;
  if (!schema || !base) return;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
  schema = undefined;
});

const cases = [
  { name: 'SQLite', url: () => undefined, skip: false },
  {
    name: 'PostgreSQL',
    url: () => {
      schema = `purge_${randomBytes(4).toString('hex')}`;
      return withPostgresSchema(base!, schema);
    },
    skip: !base,
  },
];

describe.each(cases)('outbox retention on $name (alone)', ({ url, skip }) => {
  it.skipIf(skip)('purges processed rows past the retention once applied; history stays', async () => {
    const databaseUrl = url();
    w = await world({ outboxRetentionS: 1 }, databaseUrl ? { databaseUrl } : {});
    const { metric } = w;
    const db = w.t.db;
    const rows = async () =>
      Number((await db.$queryRawUnsafe<{ n: bigint }[]>('SELECT count(*) AS n FROM outbox'))[0]!.n);
    const history = async () =>
      Number((await db.$queryRawUnsafe<{ n: bigint }[]>('SELECT count(*) AS n FROM change_history'))[0]!.n);
    await w.admin.createGroup('M1', { enabled: true, members: [{ slaveAccount: 'S1', enabled: true }] });
    for (let i = 0; i < 5; i++) await w.admin.toggleGroup('M1', i % 2 === 1);
    // Six rows were written; the first may be purged already (a row goes a second after it was applied, and six
    // writes, each waiting for the relay, can take longer than that): count what was written, not what is left.
    expect(await w.admin.repos.outbox.latestId()).toBeGreaterThanOrEqual(6);
    const changes = await history();
    // Applied at once, purged a second or two later (the purge runs every second with a 1 s retention).
    await expect.poll(rows, { timeout: 10_000 }).toBe(0);
    expect(await history()).toBe(changes);
    // The relay counts the rows when its database worker reports the delete, after the rows are gone.
    await expect
      .poll(() => metric('sankey_outbox_rows_purged_total'), { timeout: 5000 })
      .toBeGreaterThanOrEqual(6);
  });
});
