// The web services over a real database and a real relay (docs/api.md, history.list and changes.*): every change
// lands in the history with its outcome; on PostgreSQL two concurrent deletes of a group's last two members leave
// no empty group and the master gets its -1 config. The PostgreSQL part runs when TEST_POSTGRES_URL is set.
import { randomBytes } from 'node:crypto';
import { testPostgresUrl } from '@sankey/db/env';
import { createRepositories } from '@sankey/db/repositories/index';
import { withPostgresSchema } from '@sankey/db/urls';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createServices } from '../../apps/web/src/server/app';
import { silentLogger, systemClock } from '../../apps/web/src/server/logger';
import { createHttpRelayClient } from '../../apps/web/src/server/relay-client';
import { createPrismaStore } from '../../apps/web/src/server/store';
import { type World, world } from './world';

const base = testPostgresUrl();
const schema = `e2e_${randomBytes(4).toString('hex')}`;
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

function services(w: World) {
  return createServices({
    store: createPrismaStore(w.t.db),
    history: createRepositories(w.t.db),
    relay: createHttpRelayClient({ baseUrl: w.t.endpoints.http, apiToken: w.t.apiToken, log: silentLogger }),
    clock: systemClock,
    log: silentLogger,
    apiToken: w.t.apiToken,
    webPort: 3000,
    dataDir: w.t.dataDir,
  });
}

it('history.list shows every admin change, newest first, with the relay’s outcome', async () => {
  w = await world();
  const s = services(w);
  await w.admin.createGroup('M1', { members: [{ slaveAccount: 'S1' }] });
  await s.members.toggle({ tradeGroupId: 'M1', slaveAccount: 'S1', enabled: true });
  await expect
    .poll(async () => (await s.changes.history()).map((h) => [h.kind, h.state]))
    .toEqual([
      ['member.toggled', 'applied'],
      ['group.created', 'applied'],
    ]);
  expect(await s.changes.failures()).toEqual([]);
});

describe.skipIf(!base)('on PostgreSQL', () => {
  it('two concurrent deletes of the last two members delete the group and send the master -1', async () => {
    w = await world({}, { databaseUrl: withPostgresSchema(base!, schema) });
    const s = services(w);
    await w.admin.createGroup('M1', {
      enabled: true,
      members: [
        { slaveAccount: 'S1', enabled: true },
        { slaveAccount: 'S2', enabled: true },
      ],
    });
    const m1 = await w.master('M1');
    await m1.waitForMessage('MasterConfig', (c) => c.status >= 0);
    const mark = m1.mark();
    await Promise.all([
      s.members.delete({ tradeGroupId: 'M1', slaveAccount: 'S1' }),
      s.members.delete({ tradeGroupId: 'M1', slaveAccount: 'S2' }),
    ]);
    expect(await w.admin.repos.tradeGroups.get('M1')).toBeNull();
    await m1.waitForMessage('MasterConfig', (c) => c.status === -1, 5000, { since: mark });
  });
});
