// A member row whose settings were broken by hand (docs/api.md, Errors): the relay leaves it out with an error
// log, and its group's changes still reach the other members over real sockets; deleting it sends its removal.
import { afterEach, expect, it } from 'vitest';
import { type World, world } from './world';

let w: World;
afterEach(async () => {
  await w?.close();
});

it('toggling a group with an unreadable member still configures the others, and the member can be deleted', async () => {
  w = await world();
  await w.admin.createGroup('M1', {
    enabled: false,
    members: [
      { slaveAccount: 'S1', enabled: true },
      { slaveAccount: 'S2', enabled: true },
    ],
  });
  await w.master('M1');
  const s1 = await w.slave('S1');
  const s2 = await w.slave('S2');
  await s1.waitForConfig((c) => c.master_account === 'M1');
  await w.t.db.$executeRawUnsafe(
    `UPDATE trade_group_members SET slaveSettings = '{"lotMultiplier":"lots"}' WHERE slaveAccount = 'S2'`,
  );

  const mark = s1.mark();
  await w.admin.toggleGroup('M1', true);
  const cfg = await s1.waitForConfig((c) => c.master_account === 'M1' && c.status === 2, 5000, {
    since: mark,
  });
  expect(cfg).toMatchObject({ allow_new_orders: true, warning_codes: [] });
  const skipped = w.relay.logs
    .list({ level: 'error' })
    .entries.filter((e) => e.msg === 'member with unreadable settings skipped');
  expect(skipped[0]?.fields).toMatchObject({
    tradeGroupId: 'M1',
    slaveAccount: 'S2',
    error: expect.stringContaining('lotMultiplier'),
  });

  const s2mark = s2.mark();
  await w.admin.deleteMember('M1', 'S2');
  await s2.waitForConfig((c) => c.master_account === 'M1' && c.status === -1, 5000, { since: s2mark });
  expect(await w.admin.repos.members.listByGroup('M1')).toHaveLength(1);
});
