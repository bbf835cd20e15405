// An outbox row that does not parse against the shared change contract (written by something other than the web's
// repository, e.g. an older web build or a hand-edited database) is a clear, counted, logged error: its group's
// later rows wait behind it (order per group), every other group's rows go on being applied, and an operator can
// discard it. Real SQLite file, real relay, real ZeroMQ with a simulated slave.
import { createRepositories, withRepositoriesTransaction } from '@sankey/db/repositories/index';
import { SimSlave } from '@sankey/ea-sim/index';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTestRelay, type TestRelay } from './testing/start-relay';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('an unparsable outbox row', () => {
  it('is logged once, counted, recorded as failed, and later rows of other groups are still applied', async () => {
    const t: TestRelay = await startTestRelay({
      config: { outboxRetry: { baseMs: 20, maxMs: 100, maxAttempts: 3, jitter: 0.2 } },
    });
    cleanup.push(() => t.stop());
    const errors = vi.spyOn(t.relay.log, 'error');
    const repos = createRepositories(t.db);
    const s2 = new SimSlave({
      accountId: 'S2',
      receiverEndpoint: t.endpoints.receiver,
      publisherEndpoint: t.endpoints.publisher,
      heartbeatIntervalMs: 200,
    });
    await s2.start();
    cleanup.push(() => s2.stop({ unregister: false }));

    // The bad row, inserted past the repository's contract check: a member.updated without its slave account.
    const bad = await t.db.$transaction(async (tx) => {
      const row = await tx.outbox.create({
        data: { kind: 'member.updated', tradeGroupId: 'M1', slaveAccount: null, payload: { nonsense: true } },
      });
      await tx.changeHistory.create({
        data: { outboxId: row.id, kind: row.kind, tradeGroupId: row.tradeGroupId, createdAt: row.createdAt },
      });
      return row;
    });
    // A later change of the same group (it waits behind the bad row), then valid changes of another group.
    await withRepositoriesTransaction(t.db, async (tx) => {
      await tx.tradeGroups.create({ id: 'M1', enabled: true });
      await tx.outbox.append({ kind: 'group.created', tradeGroupId: 'M1', payload: {} });
    });
    await withRepositoriesTransaction(t.db, async (tx) => {
      await tx.tradeGroups.create({ id: 'M2', enabled: true });
      await tx.outbox.append({ kind: 'group.created', tradeGroupId: 'M2', payload: {} });
    });
    await withRepositoriesTransaction(t.db, async (tx) => {
      await tx.members.add('M2', { slaveAccount: 'S2', enabled: true });
      await tx.outbox.append({ kind: 'member.added', tradeGroupId: 'M2', slaveAccount: 'S2', payload: {} });
    });

    // The valid rows are applied: S2 gets its config for M2.
    await s2.waitForConfig((c) => c.master_account === 'M2', 10_000);
    expect(t.relay.core.group('M2')).toBeDefined();

    // The bad row: failed at once (a parse error is permanent), in the history, counted, logged once.
    await expect
      .poll(async () => (await repos.changeHistory.getByOutboxId(bad.id))?.state, { timeout: 10_000 })
      .toBe('failed');
    const history = await repos.changeHistory.getByOutboxId(bad.id);
    expect(history?.error).toMatch(/does not parse/);
    const counted = async (kind: string, outcome: string) =>
      (await t.relay.metrics.outboxApplied.get()).values.find(
        (v) => v.labels.kind === kind && v.labels.outcome === outcome,
      )?.value ?? 0;
    expect(await counted('member.updated', 'failed')).toBe(1);
    // (Settled in the database just after they were applied.)
    await expect.poll(() => counted('member.added', 'applied')).toBe(1);
    expect(await counted('group.created', 'applied')).toBe(1); // M2's; M1's waits
    expect(t.relay.core.group('M1')).toBeUndefined();
    // Retried with backoff meanwhile, but reported (logged at error level) only once.
    await new Promise((r) => setTimeout(r, 500));
    const failing = errors.mock.calls.filter(([, msg]) => msg === 'outbox row failing; its group waits');
    expect(failing).toHaveLength(1);
    expect(failing[0]![0]).toMatchObject({ id: bad.id, kind: 'member.updated' });

    // The operator sees it through the ops API and discards it; M1's change behind it is then applied.
    const ops = (path: string, init?: RequestInit) =>
      fetch(`${t.endpoints.http}/internal/v1/outbox/${path}`, {
        ...init,
        headers: { authorization: `Bearer ${t.apiToken}`, 'content-type': 'application/json' },
      }).then((r) => r.json() as Promise<Record<string, unknown>>);
    const { failures } = (await ops('failures')) as { failures: { id: number; error: string }[] };
    expect(failures.map((f) => f.id)).toEqual([bad.id]);
    expect(failures[0]!.error).toMatch(/does not parse/);
    expect(await ops('discard', { method: 'POST', body: JSON.stringify({ id: bad.id }) })).toEqual({
      ok: true,
    });
    await expect.poll(() => t.relay.core.group('M1'), { timeout: 10_000 }).toBeDefined();
    expect((await repos.changeHistory.getByOutboxId(bad.id))?.state).toBe('discarded');
  }, 30_000);
});
