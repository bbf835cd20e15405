// Admin changes reach the EAs exactly once and in commit order on PostgreSQL (docs/protocol.md, "Admin changes"):
// an outbox id taken by a transaction that commits late must not be skipped by the relay. Runs when
// TEST_POSTGRES_URL is set.
import { randomBytes } from 'node:crypto';
import { testPostgresUrl } from '@sankey/db/env';
import { withRepositoriesTransaction } from '@sankey/db/repositories/index';
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

const nudge = (w: World) =>
  fetch(`${w.t.endpoints.http}/internal/v1/outbox/nudge`, {
    method: 'POST',
    headers: { authorization: `Bearer ${w.t.apiToken}` },
  });

describe.skipIf(!base)('outbox order on PostgreSQL', () => {
  it('applies a change whose transaction took the lower id but committed after a later one was applied', async () => {
    w = await world({}, { databaseUrl: withPostgresSchema(base!, schema) });
    await w.admin.createGroup('M1', {
      enabled: true,
      members: [
        { slaveAccount: 'S1', enabled: true },
        { slaveAccount: 'S2', enabled: true },
      ],
    });
    const s1 = await w.slave('S1');
    const s2 = await w.slave('S2');
    await w.master('M1');
    await s1.waitForConfig((c) => c.status === 2);
    await s2.waitForConfig((c) => c.status === 2);
    const mark1 = s1.mark();
    const mark2 = s2.mark();

    // T1 disables S1 and appends its outbox row, then stays open.
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let t1Appended!: () => void;
    const t1HasRow = new Promise<void>((r) => {
      t1Appended = r;
    });
    const t1 = withRepositoriesTransaction(
      w.t.db,
      async (tx) => {
        await tx.members.setEnabled('M1', 'S1', false);
        const row = await tx.outbox.append({
          kind: 'member.toggled',
          tradeGroupId: 'M1',
          slaveAccount: 'S1',
          payload: { enabled: false },
        });
        t1Appended();
        await held;
        return row.id;
      },
      { timeout: 30_000 },
    );
    await t1HasRow;

    // T2 disables S2 and commits (or, where ids follow commit order, waits for T1).
    const t2 = withRepositoriesTransaction(w.t.db, async (tx) => {
      await tx.members.setEnabled('M1', 'S2', false);
      return (
        await tx.outbox.append({
          kind: 'member.toggled',
          tradeGroupId: 'M1',
          slaveAccount: 'S2',
          payload: { enabled: false },
        })
      ).id;
    }).then(async (id) => {
      await nudge(w!);
      return id;
    });
    // Hold T1 until T2 reached S2, or long enough to show T2 cannot pass T1.
    const t2Seen = await s2
      .waitForConfig((c) => c.status === 0, 2000, { since: mark2 })
      .then(() => true)
      .catch(() => false);
    release();
    const t1Id = await t1;
    await nudge(w);
    const t2Id = await t2;

    // Both changes reach their slave; in commit order each id is above every id applied before it.
    await s1.waitForConfig((c) => c.status === 0, 5000, { since: mark1 });
    await s2.waitForConfig((c) => c.status === 0, 5000, { since: mark2 });
    expect(t2Seen).toBe(false);
    expect(t1Id).toBeLessThan(t2Id);
  });
});
