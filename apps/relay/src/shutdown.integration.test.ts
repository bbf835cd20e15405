// The shutdown deadline with real parts: the database is locked by another connection (as the web app might
// hold it), so the journal and the ledger cannot be written; at the deadline the relay still closes, and what
// it could not finish is logged, counted and handed to the dead-letter hook.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb } from '@sankey/db/client';
import { migrate } from '@sankey/db/migrate';
import { withRepositoriesTransaction } from '@sankey/db/repositories/index';
import { encodeInbound } from '@sankey/shared/protocol/codec';
import { afterAll, describe, expect, it } from 'vitest';
import { Push, Subscriber } from 'zeromq';
import type { LeftAtDeadline } from './shutdown-deadline';
import { heartbeat, openNow } from './testing/core-harness';
import { startTestRelay } from './testing/start-relay';

const dir = mkdtempSync(join(tmpdir(), 'sankey-shutdown-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('shutdown deadline', () => {
  it('closes at the deadline and reports the journal and ledger entries it could not write', async () => {
    const url = `file:${join(dir, 'sankey.db')}`;
    await migrate({ url });
    const other = await createDb({ url });
    await withRepositoriesTransaction(other, (tx) =>
      tx.tradeGroups.create({ id: 'M1', enabled: true, members: [{ slaveAccount: 'S1', enabled: true }] }),
    );
    const left: LeftAtDeadline[] = [];
    const t = await startTestRelay({
      dataDir: dir,
      config: { shutdownDeadlineMs: 300 },
      onShutdownDeadline: (l) => left.push(l),
    });
    const push = new Push({ linger: 0 });
    push.connect(t.endpoints.receiver);
    const sub = new Subscriber({ linger: 0 });
    sub.connect(t.endpoints.publisher);
    sub.subscribe('trade/');
    sub.subscribe('trade/M1/S1'); // S1 listening for M1 (D19)
    let copies = 0;
    void (async () => {
      for await (const _ of sub) copies++;
    })().catch(() => {});
    await push.send(encodeInbound(heartbeat('S1', 'Slave')));
    await push.send(encodeInbound(heartbeat('M1', 'Master')));
    await new Promise((r) => setTimeout(r, 300));

    let release!: () => void;
    let locked!: () => void;
    const lockedNow = new Promise<void>((r) => {
      locked = r;
    });
    const holding = other.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe('DELETE FROM outbox WHERE id = -1');
        locked();
        await new Promise<void>((r) => {
          release = r;
        });
      },
      { timeout: 20_000 },
    );
    await lockedNow;
    for (let i = 1; i <= 3; i++) await push.send(encodeInbound(openNow('M1', { ticket: i })));
    await expect.poll(() => copies, { timeout: 3000 }).toBe(3);

    const t0 = Date.now();
    const closing = t.relay.close();
    await expect.poll(() => left.length, { timeout: 3000 }).toBe(1);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(left[0]).toEqual({ frames: 0, journal: 3, ledger: 3 });
    expect(t.relay.logs.list({ level: 'warn' }).entries.map((e) => e.msg)).toContain(
      'shutdown deadline reached; closing with work pending',
    );
    const metric = await t.relay.metrics.registry.getSingleMetricAsString(
      'sankey_shutdown_left_behind_total',
    );
    expect(metric).toContain('sankey_shutdown_left_behind_total{kind="journal"} 3');
    expect(metric).toContain('sankey_shutdown_left_behind_total{kind="ledger"} 3');

    release();
    await holding;
    await closing;
    push.close();
    sub.close();
    await other.$disconnect();
    await t.stop();
  });
});
