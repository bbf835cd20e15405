// A master's relay stopped while NATS is down (docs/cluster.md, Failures, NATS down): the signals it had journaled but
// not yet published waited in its in-memory buffer and were lost with it, so the slaves on the other relays never
// got them — a Close among them left their positions open for good (found by hand: 5 Closes journaled at relay A,
// A stopped with SIGTERM during the outage, NATS and A started again: the slave on B got none). Now a relay starting
// publishes, before it listens, the journal's signals of its masters that are beyond the stream's last one.
// Runs when TEST_POSTGRES_URL is set.
import { testPostgresUrl } from '@sankey/db/env';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ClusterWorld, clusterWorld, fixedRelayPorts, privateNats, relayMetric } from './cluster-world';

const base = testPostgresUrl();
if (!base) process.stdout.write('cluster unsent e2e skipped: TEST_POSTGRES_URL is not set\n');

vi.setConfig({ testTimeout: 120_000 });

let w: ClusterWorld | undefined;
let nats: Awaited<ReturnType<typeof privateNats>> | undefined;
afterEach(async () => {
  await w?.close();
  await nats?.close();
  w = undefined;
  nats = undefined;
});

describe.skipIf(!base)('a master relay stopped while NATS is down', () => {
  it('publishes the signals it could not publish when it starts again: the slave on B gets each Close once', async () => {
    nats = await privateNats();
    w = await clusterWorld({ natsUrl: nats.url });
    const ports = await fixedRelayPorts();
    let a = await w.relay('relay-a', ports);
    const b = await w.relay('relay-b');
    await w.admin(a).createGroup('M1', {
      enabled: true,
      members: [
        { slaveAccount: 'SA', enabled: true, slaveSettings: { maxSignalDelayMs: 120_000 } },
        { slaveAccount: 'SB', enabled: true, slaveSettings: { maxSignalDelayMs: 120_000 } },
      ],
    });
    const sa = await w.slave(a, 'SA');
    const sb = await w.slave(b, 'SB');
    const m1 = await w.master(a, 'M1');
    for (const s of [sa, sb])
      await s.waitForConfig((c) => c.master_account === 'M1' && c.status === 2, 20_000);
    for (let t = 1; t <= 3; t++) await m1.open({ ticket: t, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
    await sb.waitForCommand((c) => c.kind === 'open' && c.ticket === 3, 10_000);

    await nats.stop();
    for (let t = 1; t <= 3; t++) await m1.close(t);
    await sa.waitForCommand((c) => c.kind === 'close' && c.ticket === 3, 10_000);
    await expect
      .poll(() => relayMetric(a.endpoints.http, 'sankey_cluster_buffer_depth'), { timeout: 5000 })
      .toBe(3);
    // A stops (as a service manager stops it) before NATS is back: its buffer goes with it.
    await a.stop('SIGTERM');
    await nats.start();
    a = await w.relay('relay-a', ports);

    for (let t = 1; t <= 3; t++) await sb.waitForCommand((c) => c.kind === 'close' && c.ticket === t, 30_000);
    await new Promise((r) => setTimeout(r, 1000));
    const closes = sb
      .commands()
      .filter((c) => c.kind === 'close' && c.topic === 'trade/M1/SB')
      .map((c) => Number(c.ticket));
    expect(closes).toEqual([1, 2, 3]);
    // Copying across goes on afterwards, in order after the republished signals.
    await m1.open({ ticket: 4, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
    await sb.waitForCommand((c) => c.kind === 'open' && c.ticket === 4, 20_000);
  });
});
