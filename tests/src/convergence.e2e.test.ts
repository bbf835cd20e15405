// Every admin change reaches the EAs (issue: admin path): 50 member changes committed concurrently — toggles and
// settings updates of 10 members, on SQLite and (when TEST_POSTGRES_URL is set) on PostgreSQL — and every
// simulated slave ends up with the configuration the database holds.
import { randomBytes } from 'node:crypto';
import { testPostgresUrl } from '@sankey/db/env';
import { withPostgresSchema } from '@sankey/db/urls';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type World, world } from './world';

const base = testPostgresUrl();
const schema = `conv_${randomBytes(4).toString('hex')}`;
let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});
afterAll(async () => {
  if (!base) return;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

const databases = [
  { name: 'SQLite', url: undefined as string | undefined },
  ...(base ? [{ name: 'PostgreSQL', url: withPostgresSchema(base, schema) }] : []),
];

describe.each(databases)('50 concurrent member changes on $name', ({ url }) => {
  it('every simulated slave converges to the database state', async () => {
    w = await world({}, url ? { databaseUrl: url } : {});
    const slaves = Array.from({ length: 10 }, (_, i) => `S${i}`);
    await w.admin.createGroup('M1', {
      enabled: true,
      members: slaves.map((s) => ({ slaveAccount: s, enabled: true, slaveSettings: {} })),
    });
    const sims = await Promise.all(slaves.map((s) => w!.slave(s)));
    await w.master('M1');
    for (const s of sims) await s.waitForConfig((c) => c.master_account === 'M1' && c.status === 2);

    // 50 changes, 5 per member, all committed at once: toggles and lot-multiplier updates interleaved.
    const changes = Array.from({ length: 50 }, (_, i) => {
      const slave = slaves[i % 10]!;
      return i % 2 === 0
        ? () => w!.admin.toggleMember('M1', slave, i % 4 !== 0)
        : () => w!.admin.updateMember('M1', slave, { lotMultiplier: 1 + i / 10 });
    });
    await Promise.all(changes.map((c) => c()));

    for (const [i, s] of sims.entries()) {
      const row = (await w.admin.repos.members.get('M1', slaves[i]!))!;
      const want = { status: row.enabled ? 2 : 0, lot_multiplier: row.slaveSettings.lotMultiplier };
      await expect
        .poll(
          () => {
            const c = s.configFor('M1');
            return c && { status: c.status, lot_multiplier: c.lot_multiplier };
          },
          { timeout: 10_000 },
        )
        .toEqual(want);
      expect(s.configFor('M1')?.config_version).toBe(row.slaveSettings.configVersion);
    }
  }, 90_000);
});
