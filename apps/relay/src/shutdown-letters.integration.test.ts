// The shutdown deadline with real sockets: copies still waiting in the send queue when the deadline passes are not
// lost silently — each becomes a dead letter `shutdown_deadline` (D20) that an operator can retry. Every copy the
// relay made either reached the subscriber or is such a letter.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { createDb } from '@sankey/db/client';
import { migrate } from '@sankey/db/migrate';
import { withRepositoriesTransaction } from '@sankey/db/repositories/index';
import { encodeInbound } from '@sankey/shared/protocol/codec';
import { afterAll, describe, expect, it } from 'vitest';
import { Push, Subscriber } from 'zeromq';
import { heartbeat, openNow } from './testing/core-harness';
import { startTestRelay } from './testing/start-relay';

const dir = mkdtempSync(join(tmpdir(), 'sankey-shutdown-letters-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SLAVES = 400;
const OPENS = 50;

describe('shutdown deadline with copies still queued', () => {
  it('writes every queued copy as a dead letter shutdown_deadline; sent + dead-lettered = copies made', async () => {
    const url = `file:${join(dir, 'sankey.db')}`;
    await migrate({ url });
    const db = await createDb({ url });
    const slaves = Array.from({ length: SLAVES }, (_, i) => `S${String(i).padStart(3, '0')}`);
    await withRepositoriesTransaction(db, (tx) =>
      tx.tradeGroups.create({
        id: 'M1',
        enabled: true,
        members: slaves.map((s) => ({ slaveAccount: s, enabled: true })),
      }),
    );
    const t = await startTestRelay({
      dataDir: dir,
      // Frames already handed to ZeroMQ get 10 s to reach the subscriber (in this process) after the close, not the
      // default 2 s: on a loaded 2-core machine 2 s was not enough, and what is dropped there is not a copy left
      // in the send queue, which is what this test is about.
      config: { shutdownDeadlineMs: 1, sendQueueCapacity: 100_000, zmqLingerMs: 10_000 },
    });
    const push = new Push({ linger: 0 });
    push.connect(t.endpoints.receiver);
    const sub = new Subscriber({ linger: 0, receiveHighWaterMark: 0 });
    sub.connect(t.endpoints.publisher);
    for (const s of slaves) sub.subscribe(`trade/M1/${s}`); // each slave listening for M1 (D19)
    let received = 0;
    void (async () => {
      for await (const _ of sub) received++;
    })().catch(() => {});
    for (const s of slaves) await push.send(encodeInbound(heartbeat(s, 'Slave')));
    await push.send(encodeInbound(heartbeat('M1', 'Master')));
    await push.send(encodeInbound(openNow('M1', { ticket: 1 })));
    await expect.poll(() => received, { timeout: 10_000 }).toBe(SLAVES); // all members copying

    const copiesBefore = t.relay.metrics.totals.signalsCopied;
    for (let i = 2; i <= OPENS + 1; i++) await push.send(encodeInbound(openNow('M1', { ticket: i })));
    const total = OPENS * SLAVES;
    const until = Date.now() + 20_000;
    while (t.relay.metrics.totals.signalsCopied - copiesBefore < total && Date.now() < until) await tick();
    expect(t.relay.metrics.totals.signalsCopied - copiesBefore).toBe(total);
    await t.relay.close(); // deadline 1 ms: the send queue still holds most of the burst

    // What the database did not take within the letters' 5 s (a loaded machine) was spilled to a file in the
    // data directory; the next start imports it. So: restart, then count.
    const kept = await t.relay.metrics.registry.getSingleMetricAsString('sankey_dead_letters_total');
    await t.stop();
    const again = await startTestRelay({ dataDir: dir });
    await again.stop();
    const letters = await db.deadLetter.findMany({ where: { reason: 'shutdown_deadline' } });
    const spilled = existsSync(join(dir, 'dead-letter-spill'))
      ? readdirSync(join(dir, 'dead-letter-spill')).length
      : 0;
    expect(letters.length).toBeGreaterThan(0);
    // What did leave the socket reaches the subscriber within the linger (it may still be arriving now).
    await expect.poll(() => received - SLAVES + letters.length, { timeout: 15_000 }).toBe(total);
    console.info(`copies received ${received - SLAVES}, dead letters ${letters.length} (of ${total})`);
    expect(spilled).toBe(0); // imported and deleted
    expect(kept).toContain(`sankey_dead_letters_total{reason="shutdown_deadline"} ${letters.length}`);
    const one = letters[0];
    expect(one?.topic).toMatch(/^trade\/M1\/S\d{3}$/);
    expect(one?.masterAccount).toBe('M1');
    expect(one?.action).toBe('Open');
    push.close();
    sub.close();
    await db.$disconnect();
  }, 90_000);
});
