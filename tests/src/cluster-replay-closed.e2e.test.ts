// A relay killed after it handed a slave an Open and its Close but before it wrote the slave's sequence number
// (docs/cluster.md, A relay is killed and restarted): replayed after the restart, the Open is not sent again (the
// slave's EA would open the position anew, and the replayed Close would close it a second time). Two relay
// processes, the machine's nats-server, PostgreSQL; the write of the numbers is held back by a lock on the table.
//
// Two races made the test pass now and then without the check (2 runs of 3 caught its absence): the killed relay's
// write, still waiting for the lock in its PostgreSQL backend, committed once the lock was released (PostgreSQL does
// not notice the client is gone), so the restarted relay refused the replayed Open as a duplicate; and the restarted
// relay could replay before SB's SUB socket was back, so the Open was parked and cancelled by the replayed Close (or
// lost). The test now ends that backend before releasing the lock, and holds SB's messages back (a TCP proxy on its
// PUSH socket) until relay B reports SB listening: relay B replays only once SB has spoken (its reconnect grace).
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { testPostgresUrl } from '@sankey/db/env';
import { parsePostgresUrl } from '@sankey/db/urls';
import { clusterNames } from '@sankey/shared/cluster/names';
import type { TradeSignal } from '@sankey/shared/protocol/messages';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ClusterWorld, clusterWorld, fixedRelayPorts, NATS_URL, relayMetric } from './cluster-world';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

const base = testPostgresUrl();
if (!base) process.stdout.write('cluster replay e2e skipped: TEST_POSTGRES_URL is not set\n');

vi.setConfig({ testTimeout: 120_000 });

let w: ClusterWorld | undefined;
let proxy: TcpProxy | undefined;
afterEach(async () => {
  await w?.close();
  await proxy?.close();
  w = undefined;
  proxy = undefined;
});

/** The stream position up to which relay `relayId`'s durable consumer of `master` has acked every signal. */
async function ackFloor(cluster: string, relayId: string, master: string): Promise<number> {
  const names = clusterNames(cluster);
  const nc = await connect({ servers: NATS_URL, timeout: 2000 });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.consumers.info(names.signalStream, names.masterDurable(relayId, master));
    return info.num_ack_pending === 0 ? info.ack_floor.stream_seq : 0;
  } finally {
    await nc.close();
  }
}

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
    // SB's messages to relay B go through a proxy, cut while relay B restarts (its SUB socket connects directly).
    proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(ports.SANKEY_ZMQ_RECEIVER_PORT) });
    const sb = await w.slave(b, 'SB', { receiverEndpoint: `tcp://127.0.0.1:${proxy.port}` });
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
    await expect
      .poll(() => ackFloor(w!.cluster, 'relay-b', 'M1'), { timeout: 5000 })
      .toBeGreaterThanOrEqual(1);
    const writtenBefore = await written();

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
      // The killed relay's write of the numbers, when it had sent one, still waits for the lock in its PostgreSQL
      // backend, which does not notice the client is gone: released, the lock would let it commit after the kill.
      await lock.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid)) AND query LIKE '%INSERT INTO "delivery_seq"%'`,
      );
    } finally {
      await lock.query('ROLLBACK').catch(() => {});
      await lock.end();
    }
    expect(await written(), 'nothing of tickets 2 and 3 was written').toBe(writtenBefore);

    // Relay B restarts with SB silent: it waits for SB to speak before it replays. Once it reports SB listening for
    // M1 again (the config it sends then), SB may speak: the replay finds SB copying M1 and listening.
    await proxy.cut();
    const beforeRestart = sb.mark();
    b = await w.relay('relay-b', ports);
    const listening = () =>
      relayMetric(b.endpoints.http, 'sankey_config_messages_sent_total{kind="slave",trigger="listening"}');
    await expect.poll(listening, { timeout: 5000 }).toBeGreaterThanOrEqual(1);
    await proxy.restore();
    await sb.waitForConfig((cfg) => cfg.master_account === 'M1' && cfg.status === 2, 20_000, {
      since: beforeRestart,
    });
    // A new signal after the replay: once SB has it, the replay is through.
    await m1.open({ ticket: 4, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
    await sb.waitForCommand((cmd) => cmd.kind === 'open' && cmd.ticket === 4, 20_000);

    // The relay replayed the three signals (nothing of them was written before the kill) to SB, copying and
    // listening. The Open of ticket 2, whose Close it had been delivered before the kill, reaches SB once; the Close
    // and the Open of ticket 3 are sent again, and the EA's ticket mapping ignores both.
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
    // The relay refused that Open for this reason (not as a duplicate: SB's number for it was never written).
    expect(
      await relayMetric(b.endpoints.http, 'sankey_cluster_replay_copies_total{outcome="closed_before_stop"}'),
    ).toBe(1);
  });
});
