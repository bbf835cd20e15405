// The relay's outbox consumer against a real SQLite file, real ZeroMQ and simulated EAs (docs/protocol.md, "Admin
// changes"): a failing row is retried with backoff and applied once, in order; a switch-off does not wait behind a
// failing change; the start-up backlog publishes nothing before the EAs' heartbeats; environment overrides hold
// across settings updates. Failures are injected at the storage edge.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb } from '@sankey/db/client';
import { migrate } from '@sankey/db/migrate';
import { createRepositories, withRepositoriesTransaction } from '@sankey/db/repositories/index';
import { SimSlave } from '@sankey/ea-sim/index';
import { afterEach, describe, expect, it } from 'vitest';
import { Subscriber } from 'zeromq';
import type { RelayStorage } from './outbox/storage';
import { startTestRelay, type TestRelay } from './testing/start-relay';

const fastRetry = { baseMs: 20, maxMs: 200, maxAttempts: 4, jitter: 0.2 };
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** A transient storage failure, as the database driver reports one (docs/protocol.md D20). */
const busy = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });

/**
 * Wraps storage so that `loadMember` of `slave` fails while `failing()` says so; a load that does not fail first
 * waits for `ready` (the test's own writes that this load must see).
 */
function failingLoadMember(
  slave: string,
  failing: () => boolean,
  ready: Promise<unknown> = Promise.resolve(),
) {
  return (inner: RelayStorage): RelayStorage =>
    new Proxy(inner, {
      get(target, prop, receiver) {
        if (prop === 'loadMember') {
          return async (group: string, account: string) => {
            if (account === slave && failing()) throw busy();
            if (account === slave) await ready;
            return target.loadMember(group, account);
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    });
}

async function relayWith(opts: Parameters<typeof startTestRelay>[0]): Promise<TestRelay> {
  const t = await startTestRelay({ ...opts, config: { outboxRetry: fastRetry, ...opts?.config } });
  cleanup.push(() => t.stop());
  return t;
}

async function slave(t: TestRelay, id: string): Promise<SimSlave> {
  const s = new SimSlave({
    accountId: id,
    receiverEndpoint: t.endpoints.receiver,
    publisherEndpoint: t.endpoints.publisher,
    heartbeatIntervalMs: 200,
  });
  await s.start();
  cleanup.push(() => s.stop({ unregister: false }));
  return s;
}

const nudge = (t: TestRelay) =>
  fetch(`${t.endpoints.http}/internal/v1/outbox/nudge`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.apiToken}` },
  });

describe('outbox retries', () => {
  it('applies a change that fails twice then succeeds exactly once, and the change behind it after it', async () => {
    let loads = 0;
    // The third load (the one that succeeds) waits until the update below is committed: the relay's retries
    // (20 and 40 ms backoff, 50 ms polls) could otherwise come before that commit on a loaded machine, and the
    // slave's first config would rightly be version 1.
    let updateCommitted!: () => void;
    const committed = new Promise<void>((r) => {
      updateCommitted = r;
    });
    const t = await relayWith({ wrapStorage: failingLoadMember('S1', () => ++loads <= 2, committed) });
    const repos = createRepositories(t.db);
    const s1 = await slave(t, 'S1');
    await withRepositoriesTransaction(t.db, async (tx) => {
      await tx.tradeGroups.create({ id: 'M1', enabled: true });
      await tx.outbox.append({ kind: 'group.created', tradeGroupId: 'M1', payload: {} });
    });
    // The group is applied before S1 joins it: applied later, it would load S1 as stored then (before the update)
    // and send S1 that config first.
    await expect.poll(() => t.relay.core.group('M1'), { timeout: 5000 }).toBeDefined();
    const added = await withRepositoriesTransaction(t.db, async (tx) => {
      await tx.members.add('M1', { slaveAccount: 'S1', enabled: true });
      return tx.outbox.append({ kind: 'member.added', tradeGroupId: 'M1', slaveAccount: 'S1', payload: {} });
    });
    const updated = await withRepositoriesTransaction(t.db, async (tx) => {
      await tx.members.updateSettings('M1', 'S1', { lotMultiplier: 2 });
      return tx.outbox.append({
        kind: 'member.updated',
        tradeGroupId: 'M1',
        slaveAccount: 'S1',
        payload: {},
      });
    });
    updateCommitted();
    // Nudges do not hurry a retry: the backoff decides.
    for (let i = 0; i < 5; i++) await nudge(t);

    // Generous bounds: on a loaded 2-core machine (CI, other jobs) the default 1 s poll once ran out.
    await s1.waitForConfig((c) => c.config_version === 2, 15_000);
    await expect
      .poll(async () => (await repos.changeHistory.getByOutboxId(updated.id))?.state, { timeout: 10_000 })
      .toBe('applied');
    const first = await repos.changeHistory.getByOutboxId(added.id);
    const second = await repos.changeHistory.getByOutboxId(updated.id);
    // Once each (the first after two failures), and the change behind it only after it.
    expect(first).toMatchObject({ state: 'applied', attempts: 3 });
    expect(second).toMatchObject({ state: 'applied', attempts: 1 });
    expect(first!.settledAt!.getTime()).toBeLessThanOrEqual(second!.settledAt!.getTime());
    const applied = (kind: string, outcome: string) =>
      t.relay.metrics.outboxApplied
        .get()
        .then(
          (m) => m.values.find((v) => v.labels.kind === kind && v.labels.outcome === outcome)?.value ?? 0,
        );
    // The relay counts a row once the database has confirmed its settlement, so the count can trail the stored
    // state by a moment: wait for it.
    await expect.poll(() => applied('member.updated', 'applied'), { timeout: 5000 }).toBe(1);
    expect(await applied('member.added', 'retry')).toBe(2);
    expect(await applied('member.added', 'applied')).toBe(1);
    // The retry reloads the member as stored now, so the slave's first config already carries the update.
    expect(s1.configs().find((c) => c.master_account === 'M1')?.config_version).toBe(2);
    expect(await repos.outbox.pending({ afterId: 0 })).toEqual([]);
  });

  it('switches a member off at once while an earlier change of its group keeps failing', async () => {
    let broken = false;
    const t = await relayWith({ wrapStorage: failingLoadMember('S1', () => broken) });
    const repos = createRepositories(t.db);
    const s2 = await slave(t, 'S2');
    await withRepositoriesTransaction(t.db, async (tx) => {
      await tx.tradeGroups.create({
        id: 'M1',
        enabled: true,
        members: [
          { slaveAccount: 'S1', enabled: true },
          { slaveAccount: 'S2', enabled: true },
        ],
      });
      await tx.outbox.append({ kind: 'group.created', tradeGroupId: 'M1', payload: {} });
    });
    await s2.waitForConfig((c) => c.master_account === 'M1' && c.status >= 0);
    broken = true;
    const stuck = await withRepositoriesTransaction(t.db, async (tx) => {
      await tx.members.updateSettings('M1', 'S1', { lotMultiplier: 2 });
      return tx.outbox.append({
        kind: 'member.updated',
        tradeGroupId: 'M1',
        slaveAccount: 'S1',
        payload: {},
      });
    });
    const mark = s2.mark();
    await withRepositoriesTransaction(t.db, async (tx) => {
      await tx.members.setEnabled('M1', 'S2', false);
      await tx.outbox.append({
        kind: 'member.toggled',
        tradeGroupId: 'M1',
        slaveAccount: 'S2',
        payload: { enabled: false },
      });
    });
    await nudge(t);
    // (S2 may also get a config when its trade subscription goes live, D19: wait for the switch-off itself.)
    await expect
      .poll(() => t.relay.core.membersOf('M1').find((m) => m.slaveAccount === 'S2')?.enabled, {
        timeout: 3000,
      })
      .toBe(false);
    await s2.waitForConfig((c) => c.master_account === 'M1' && c.status === 0, 3000, { since: mark });
    // The failing change is still waiting, reported and retried; once storage heals it applies.
    await expect
      .poll(async () => (await repos.outbox.pending({ afterId: 0 })).map((r) => r.id))
      .toEqual([stuck.id]);
    broken = false;
    await expect
      .poll(async () => (await repos.changeHistory.getByOutboxId(stuck.id))?.state, { timeout: 5000 })
      .toBe('applied');
  });
});

describe('start-up backlog', () => {
  it('loads changes committed while the relay was down and sends no config before an EA is heard from', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sankey-backlog-'));
    cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const url = `file:${join(dataDir, 'sankey.db')}`;
    await migrate({ url });
    const db = await createDb({ url });
    const row = await withRepositoriesTransaction(db, async (tx) => {
      await tx.tradeGroups.create({
        id: 'M1',
        enabled: true,
        members: [{ slaveAccount: 'S1', enabled: true }],
      });
      return tx.outbox.append({ kind: 'group.created', tradeGroupId: 'M1', payload: {} });
    });
    await db.$disconnect();

    const t = await relayWith({ dataDir });
    const sub = new Subscriber({ linger: 0 });
    cleanup.push(async () => sub.close());
    sub.connect(t.endpoints.publisher);
    sub.subscribe('');
    const topics: string[] = [];
    void (async () => {
      for await (const [frame] of sub) topics.push(frame!.subarray(0, frame!.indexOf(0x20)).toString());
    })().catch(() => {});
    await new Promise((r) => setTimeout(r, 800));
    expect(topics).toEqual([]);
    expect(t.relay.core.group('M1')).toBeDefined();
    const repos = createRepositories(t.db);
    expect(await repos.outbox.pending({ afterId: 0 })).toEqual([]);
    expect((await repos.changeHistory.getByOutboxId(row.id))?.state).toBe('applied');
    expect(t.relay.appliedOutboxId).toBe(row.id);

    // The normal flow: the slave registers and heartbeats, then gets its config.
    const s1 = await slave(t, 'S1');
    await s1.waitForConfig((c) => c.master_account === 'M1');
  });
});

describe('environment overrides', () => {
  it('keeps SANKEY_HEARTBEAT_TIMEOUT_S over the stored value after a settings update', async () => {
    const t = await relayWith({ config: { heartbeatTimeoutS: 7 } });
    expect(t.relay.core.settings.heartbeatTimeoutS).toBe(7);
    await withRepositoriesTransaction(t.db, async (tx) => {
      await tx.globalSettings.update({ heartbeatTimeoutS: 45, synonymGroups: [['GOLD', 'XAUUSD']] });
      await tx.outbox.append({ kind: 'settings.updated', payload: { changed: ['heartbeatTimeoutS'] } });
    });
    await t.relay.drainOutbox();
    expect(t.relay.core.settings.synonymGroups).toEqual([['GOLD', 'XAUUSD']]);
    expect(t.relay.core.settings.heartbeatTimeoutS).toBe(7);
    // The control API says so, for the Settings page (docs/api.md, system.status).
    const status = await fetch(`${t.endpoints.http}/internal/v1/status`, {
      headers: { authorization: `Bearer ${t.apiToken}` },
    });
    expect(((await status.json()) as { envOverrides: unknown }).envOverrides).toEqual([
      { setting: 'heartbeatTimeoutS', variable: 'SANKEY_HEARTBEAT_TIMEOUT_S', value: 7 },
    ]);
  });
});
