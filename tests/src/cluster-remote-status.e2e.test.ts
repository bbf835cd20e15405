// Member status across relays (docs/cluster.md): the web app served with relay A (the master's relay) shows a link
// whose slave is on relay B as that slave's relay evaluates it — copying, not "slave EA is not connected" — and
// follows it live when the slave stops on B, and when relay B is killed (timed out on A's clock, as its KV entry is
// no longer refreshed). Copying is unchanged: B alone copies to its slave, once. Two relay
// processes in one cluster on the machine's nats-server and PostgreSQL, the built web app (`next start`) talking to
// relay A only, Chromium. Runs when TEST_POSTGRES_URL is set and the web app is built.
import { join } from 'node:path';
import type { MemberView } from '@sankey/shared/api/views';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { API_TOKEN, type ClusterWorld, clusterWebRuns, clusterWorld, SHOTS } from './cluster-world';

const runs = clusterWebRuns('cluster remote status e2e');

const HEARTBEAT_TIMEOUT_S = 8;

vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

let w: ClusterWorld | undefined;
afterAll(() => w?.close());

describe.skipIf(!runs)('a link whose slave is on another relay, seen from the master’s relay', () => {
  it('shows the slave’s real status and warnings, live; copying stays with the slave’s relay', async () => {
    w = await clusterWorld();
    const a = await w.relay('relay-a');
    const b = await w.relay('relay-b');
    // A short heartbeat timeout (above the KV refresh of 5 s), so a relay that dies is noticed within the test.
    await w.admin(a).updateSettings({ heartbeatTimeoutS: HEARTBEAT_TIMEOUT_S });
    await w.link(a, 'M1', 'S1');
    const m1 = await w.master(a, 'M1');
    const s1 = await w.slave(b, 'S1');
    await s1.waitForConfig((c) => c.master_account === 'M1' && c.status === 2, 20_000);
    const web = await w.web(a);

    // The tRPC views relay A's web app builds from relay A's evaluations.
    const member = async () =>
      ((await web.call('members.list', { tradeGroupId: 'M1' })).data as MemberView[] | null)?.find(
        (m) => m.slaveAccount === 'S1',
      );
    await expect
      .poll(
        async () => {
          const m = await member();
          return m && { status: m.status, warningCodes: m.warningCodes };
        },
        { timeout: 20_000, interval: 250 },
      )
      .toEqual({ status: 2, warningCodes: [] });

    const page = await w.page(web);

    // The link is copying (socket.io snapshot of relay A), and S1's node carries no "not connected" warning.
    const edge = page.locator('[data-testid="edge-label"][data-master="M1"][data-slave="S1"]');
    await edge.waitFor({ timeout: 20_000 });
    await expect.poll(() => edge.getAttribute('data-badge'), { timeout: 10_000 }).toBe('receiving');
    const s1Node = page.locator('[data-testid="account-node"][data-account-id="S1"]');
    const offlineWarning = s1Node.locator('[data-testid="node-warning"][data-code="slave_offline"]');
    expect(await offlineWarning.count()).toBe(0);
    await page
      .getByTestId('connections-graph')
      .screenshot({ path: join(SHOTS, 'cluster-remote-slave-copying.png') });

    // Copying is unchanged: relay B copies to S1, once; relay A neither copies nor parks for it.
    const mark = s1.mark();
    await m1.open({ ticket: 1, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
    expect(await s1.waitForCommand((c) => c.ticket === 1, 10_000)).toMatchObject({ kind: 'open' });
    await new Promise((r) => setTimeout(r, 1000));
    expect(s1.commandsSince(mark).filter((c) => c.ticket === 1)).toHaveLength(1);
    const auth = { headers: { authorization: `Bearer ${API_TOKEN}` } };
    const statusA = (await fetch(`${a.endpoints.http}/internal/v1/status`, auth).then((r) => r.json())) as {
      counters: { signalsCopied: number };
    };
    expect(statusA.counters.signalsCopied).toBe(0);
    const metricsA = await fetch(`${a.endpoints.http}/metrics`, auth).then((r) => r.text());
    expect(metricsA).toMatch(/^sankey_parked_frames 0$/m);

    // S1 stops on relay B (its EA unregisters): relay A's page follows within seconds, without a reload.
    const stoppedAt = Date.now();
    await s1.stop();
    await expect
      .poll(() => edge.getAttribute('data-badge'), { timeout: 10_000, interval: 100 })
      .toBe('standby');
    await offlineWarning.waitFor({ timeout: 5_000 });
    const followedMs = Date.now() - stoppedAt;
    process.stdout.write(`relay A's page showed S1 not connected ${followedMs} ms after it stopped on B\n`);
    expect(followedMs).toBeLessThan(5_000);
    const after = await member();
    expect(after).toMatchObject({ status: 0, warningCodes: ['slave_offline'] });
    await page
      .getByTestId('connections-graph')
      .screenshot({ path: join(SHOTS, 'cluster-remote-slave-stopped.png') });

    // S1 back on relay B: copying again. Then relay B dies (SIGKILL): nothing tells the bucket, so relay A
    // times S1 out on its own clock when its entry is no longer refreshed.
    await w.slave(b, 'S1');
    await expect
      .poll(() => edge.getAttribute('data-badge'), { timeout: 15_000, interval: 100 })
      .toBe('receiving');
    expect(await offlineWarning.count()).toBe(0);
    const killedAt = Date.now();
    await b.stop('SIGKILL');
    await expect
      .poll(() => edge.getAttribute('data-badge'), {
        timeout: (HEARTBEAT_TIMEOUT_S + 10) * 1000,
        interval: 250,
      })
      .toBe('standby');
    const timedOutMs = Date.now() - killedAt;
    process.stdout.write(`relay A's page showed S1 timed out ${timedOutMs} ms after relay B was killed\n`);
    expect(timedOutMs).toBeLessThan((HEARTBEAT_TIMEOUT_S + 7) * 1000);
    await offlineWarning.waitFor({ timeout: 5_000 });
    expect(await member()).toMatchObject({ status: 0, warningCodes: ['slave_offline'] });
  });
});
