// The relay on PostgreSQL (DATABASE_URL=postgresql://…): settings through the outbox reach the EAs and the
// runtime status is persisted, exactly as on the SQLite default. Runs when TEST_POSTGRES_URL is set.
import { randomBytes } from 'node:crypto';
import { testPostgresUrl } from '@sankey/db/env';
import { withPostgresSchema } from '@sankey/db/urls';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type World, world } from './world';

const base = testPostgresUrl();
const schema = `e2e_${randomBytes(4).toString('hex')}`;
let w: World | undefined;

afterAll(async () => {
  await w?.close();
  if (!base) return;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

describe.skipIf(!base)('relay on PostgreSQL', () => {
  it('copies with settings written through the outbox and persists the member status', async () => {
    w = await world({}, { databaseUrl: withPostgresSchema(base!, schema) });
    await w.admin.createGroup('M1', {
      enabled: true,
      members: [{ slaveAccount: 'S1', enabled: true, slaveSettings: { lotMultiplier: 3 } }],
    });
    const s1 = await w.slave('S1');
    const m1 = await w.master('M1');
    await s1.waitForConfig((c) => c.status === 2);
    await m1.open({ ticket: 1, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
    expect(await s1.waitForCommand((c) => c.ticket === 1)).toMatchObject({ lots: expect.closeTo(0.3, 10) });
    await expect.poll(async () => (await w!.admin.repos.members.get('M1', 'S1'))?.status).toBe(2);
    const mark = s1.mark();
    await w.admin.toggleMember('M1', 'S1', false);
    await s1.waitForConfig((c) => c.status === 0, 5000, { since: mark });
  });
});
