// A relay killed after it handed a slave an Open and its Close but before it wrote the slave's sequence number
// (docs/cluster.md, A relay is killed and restarted): replayed after the restart, the Open is not sent again (the
// slave's EA would open the position anew, and the replayed Close would close it a second time). Two relay
// processes, the machine's nats-server, PostgreSQL; the write of the numbers is held back by a lock on the table.
import { testPostgresUrl } from '@sankey/db/env';
import { parsePostgresUrl } from '@sankey/db/urls';
import type { TradeSignal } from '@sankey/shared/protocol/messages';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ClusterWorld, clusterWorld, fixedRelayPorts, relayMetric } from './cluster-world';

const base = testPostgresUrl();
if (!base) process.stdout.write('cluster replay e2e skipped: TEST_POSTGRES_URL is not set\n');

vi.setConfig({ testTimeout: 120_000 });

let w: ClusterWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

describe.skipIf(!base)('cluster mode: a replayed Open of a ticket closed before the kill', () => {
  it('is not sent again: the slave’s EA opens and closes the ticket once', async () => {
    w = await clusterWorld();
    const a = await w.relay('relay-a');
    const ports = await fixedRelayPorts();
    let b = await w.relay('relay-b', ports);
    await w.admin(a).createGroup('M1', {
      enabled: true,
      members: [{ slaveAccount: 'SB', enabled: true, slaveSettings: { maxSignalDelayMs: 60_000 } }],
    });
    const sb = await w.slave(b, 'SB');
    const m1 = await w.master(a, 'M1');
    await sb.waitForConfig((cfg) => cfg.master_account === 'M1' && cfg.status === 2, 20_000);
    await m1.open({ ticket: 1, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
    await sb.waitForCommand((cmd) => cmd.kind === 'open' && cmd.ticket === 1, 10_000);
    // SB's number for the Open of ticket 1 is written (and the signal acked): the replay starts after it.
    const written = async () => {
      const rows = await w!.db.$queryRawUnsafe<{ seq: bigint }[]>(
        `SELECT seq FROM delivery_seq WHERE "masterAccount" = 'M1' AND "slaveAccount" = 'SB'`,
      );
      return Number(rows[0]?.seq ?? 0);
    };
    await expect.poll(written, { timeout: 5000 }).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 500));

    // From now on relay B's writes of the numbers wait for this lock: it hands copies over, writes and acks none.
    const { connectionString, schema } = parsePostgresUrl(w.url);
    const lock = new pg.Client({ connectionString });
    await lock.connect();
    try {
      await lock.query('BEGIN');
      await lock.query(`LOCK TABLE "${schema}".delivery_seq IN EXCLUSIVE MODE`);
      await m1.open({ ticket: 2, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
      await m1.close(2);
      await m1.open({ ticket: 3, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
      await sb.waitForCommand((cmd) => cmd.kind === 'open' && cmd.ticket === 3, 10_000);
      expect(
        sb
          .commands()
          .filter((c) => c.ticket === 2)
          .map((c) => c.kind),
      ).toEqual(['open', 'close']);
      b.child.kill('SIGKILL');
      await b.stop();
    } finally {
      await lock.query('ROLLBACK').catch(() => {});
      await lock.end();
    }

    const beforeRestart = sb.mark();
    b = await w.relay('relay-b', ports);
    await sb.waitForConfig((cfg) => cfg.master_account === 'M1' && cfg.status === 2, 20_000, {
      since: beforeRestart,
    });
    // A new signal after the replay: once SB has it, the replay is through.
    await m1.open({ ticket: 4, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
    await sb.waitForCommand((cmd) => cmd.kind === 'open' && cmd.ticket === 4, 20_000);

    // The relay replayed the three signals (nothing of them was written before the kill). The Open of ticket 2,
    // whose Close it had been delivered before the kill, reaches SB once. When the restarted relay already counted
    // SB as copying M1 as the replay ran (most runs), it refused that Open for this reason (the metric says 1; the
    // EA-level checks below failed without the check in 2 of 3 runs); otherwise the replay found SB not yet
    // copying (0) and the Open went nowhere anyway. (The Close and the Open of ticket 3 sent again reach SB only
    // if its socket was back in time; the EA's ticket mapping ignores both.)
    const refused =
      (await relayMetric(
        b.endpoints.http,
        'sankey_cluster_replay_copies_total{outcome="closed_before_stop"}',
      )) || 0;
    console.log(`replayed Open of a closed ticket refused at the relay: ${refused}`);
    expect(refused).toBeLessThanOrEqual(1);
    const opens2 = sb
      .received()
      .filter((f) => f.topic === 'trade/M1/SB' && f.message !== null)
      .map((f) => f.message!.message as TradeSignal)
      .filter((x) => x.action === 'Open' && Number(x.ticket) === 2);
    expect(opens2.length, 'the Open of ticket 2 was sent once').toBe(1);
    // SB's EA opened and closed ticket 2 once, and holds the three open tickets.
    expect(sb.commands().map((c) => `${c.kind}:${c.ticket}`)).toEqual([
      'open:1',
      'open:2',
      'close:2',
      'open:3',
      'open:4',
    ]);
    expect(
      sb
        .positions()
        .map((p) => Number(p.masterTicket))
        .sort(),
    ).toEqual([1, 3, 4]);
  });
});
