// The web app of relay A shows the whole cluster (docs/cluster.md, Live events; the Relays panel's lag; EAs of other
// relays as nodes): two relay processes in one cluster on the machine's nats-server and PostgreSQL, the built web
// app (`next start`) talking to relay A only, Chromium. A master on A copies to a slave on B: the Activity page of
// the browser (one socket.io connection, to relay A) shows B's trade_copied once, tagged relay-b; an EA connected
// only to relay B is a node of A's graph with its relay, and a row of A's Health page with its relay; Settings →
// Cluster shows a lag for each relay. Runs when
// TEST_POSTGRES_URL is set and the web app is built.
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type ClusterAnswer, type ClusterWorld, clusterWebRuns, clusterWorld, SHOTS } from './cluster-world';

const runs = clusterWebRuns('cluster web live e2e');

vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

let w: ClusterWorld | undefined;
afterAll(() => w?.close());

describe.skipIf(!runs)('web app of relay A in a cluster', () => {
  it('shows relay B’s copies live, relay B’s EAs as nodes, and each relay’s lag', async () => {
    w = await clusterWorld();
    const a = await w.relay('relay-a');
    const b = await w.relay('relay-b');
    await w.link(a, 'M1', 'S1');
    const s1 = await w.slave(b, 'S1');
    await w.slave(b, 'S2');
    const m1 = await w.master(a, 'M1');
    await s1.waitForConfig((c) => c.master_account === 'M1' && c.status === 2, 20_000);
    const web = await w.web(a);
    const page = await w.page(web);

    // S2 is connected to relay B only and in no group: a node of relay A's graph, with its relay and status.
    const s2 = page.locator('[data-testid="account-node"][data-account-id="S2"]');
    await s2.waitFor({ timeout: 20_000 });
    expect(await s2.getAttribute('data-kind')).toBe('unlinked');
    expect(await s2.getByTestId('ea-relay').textContent()).toContain('relay-b');
    expect(await s2.getByTestId('connection-status').textContent()).toBe('Online');
    const s1Node = page.locator('[data-testid="account-node"][data-account-id="S1"]');
    expect(await s1Node.getAttribute('data-kind')).toBe('slave');
    // Linked, on relay B: its live status comes from the cluster, not from relay A's own table.
    await expect
      .poll(async () => s1Node.getByTestId('connection-status').textContent(), { timeout: 20_000 })
      .toBe('Online');
    await page
      .getByTestId('connections-graph')
      .screenshot({ path: join(SHOTS, 'cluster-graph-remote-ea.png') });

    // The Health page lists the same EAs, each with the relay it is on: S1 and S2 are relay B's, seen through
    // the KV bucket (status, and when relay A last heard of them), M1 is relay A's own.
    await page.goto(`${web.base}/health`);
    const healthRow = (id: string) => page.locator(`[data-testid="health-row"][data-account="${id}"]`);
    await healthRow('S2').waitFor({ timeout: 20_000 });
    for (const id of ['S1', 'S2']) {
      await expect
        .poll(async () => healthRow(id).evaluate((r) => ({ ...(r as HTMLElement).dataset })), {
          timeout: 15_000,
        })
        .toMatchObject({ relays: 'relay-b', remote: 'true', status: 'Online' });
      expect(await healthRow(id).getByTestId('health-relay').textContent()).toBe('relay-b');
      // Relay B refreshes its EAs' entries every 5 s: relay A heard of them within the last few seconds.
      const seen = await healthRow(id).locator('time').getAttribute('datetime');
      expect(Math.abs(Date.now() - Date.parse(seen!))).toBeLessThan(15_000);
    }
    expect(await healthRow('M1').getAttribute('data-relays')).toBe('relay-a');
    expect(await healthRow('M1').getAttribute('data-remote')).toBe('false');
    await page.getByTestId('health-table').screenshot({ path: join(SHOTS, 'cluster-health-remote.png') });
    await page.locator('[data-testid="live-indicator"][data-state="connected"]').waitFor({ timeout: 20_000 });

    // A trade copied on relay B reaches the browser connected to relay A.
    await page
      .getByRole('link', { name: /Activity/ })
      .first()
      .click();
    await page.waitForURL(/\/activity/);
    await m1.open({ ticket: 1, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
    expect(await s1.waitForCommand((c) => c.ticket === 1, 10_000)).toMatchObject({ kind: 'open' });
    const copied = page.locator('[data-testid="activity-item"][data-kind="trade_copied"]');
    await copied.first().waitFor({ timeout: 10_000 });
    const received = page.locator('[data-testid="activity-item"][data-kind="trade_received"]');
    await received.first().waitFor({ timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 1000));
    // Once each: no loop, no duplicate from the other relay.
    expect(await copied.count()).toBe(1);
    expect(await received.count()).toBe(1);
    // Relay A holds the master, not S1: what became of S1's copy is relay B's to say.
    expect(await page.locator('[data-testid="activity-item"][data-kind="trade_filtered"]').count()).toBe(0);
    expect(await copied.getAttribute('data-relay-id')).toBe('relay-b');
    expect(await copied.getByTestId('activity-relay').textContent()).toContain('relay-b');
    expect(await copied.textContent()).toContain('S1');
    expect(await received.getAttribute('data-relay-id')).toBe('relay-a');
    await page.getByTestId('activity-list').screenshot({ path: join(SHOTS, 'cluster-activity-remote.png') });

    // Relay A's system.cluster reports every relay's lag: B copied one signal, A none; both sampled pending.
    const lagOf = async (id: string) =>
      ((await web.call('system.cluster')).data as ClusterAnswer).relays.find((r) => r.relayId === id)?.lag;
    await expect
      .poll(async () => (await lagOf('relay-b'))?.samples ?? 0, { timeout: 15_000, interval: 250 })
      .toBe(1);
    await expect
      .poll(async () => (await lagOf('relay-a'))?.pending ?? null, { timeout: 15_000, interval: 250 })
      .not.toBeNull();
    // Each relay samples its consumer's pending count on its own timer: wait for B's too.
    await expect
      .poll(async () => (await lagOf('relay-b'))?.pending ?? null, { timeout: 15_000, interval: 250 })
      .not.toBeNull();
    const lagB = (await lagOf('relay-b'))!;
    expect(lagB.p50Ms).toBeGreaterThanOrEqual(0);
    expect(lagB.p50Ms).toBeLessThan(5_000);
    expect(lagB.lastCopyAt).not.toBeNull();
    expect((await lagOf('relay-a'))!.samples).toBe(0);

    // The Relays panel shows it with units.
    await page.goto(`${web.base}/settings`);
    const card = page.getByTestId('cluster-card');
    const row = (id: string) => card.locator(`[data-testid="cluster-relay"][data-relay-id="${id}"]`);
    await row('relay-b').getByTestId('cluster-relay-lag-p50').waitFor({ timeout: 20_000 });
    expect(await row('relay-b').getByTestId('cluster-relay-lag-p50').textContent()).toMatch(
      /^p50 [\d.]+ ms · p99 [\d.]+ ms$/,
    );
    await expect
      .poll(async () => row('relay-a').getByTestId('cluster-relay-lag').textContent(), { timeout: 20_000 })
      .toMatch(/^No cross-relay copy yet\d+ pending$/);
    await expect
      .poll(async () => row('relay-b').getByTestId('cluster-relay-pending').textContent(), {
        timeout: 20_000,
      })
      .toMatch(/^\d+ pending · last copy \d+ s before last seen$/);
    await card.getByTestId('cluster-relays').screenshot({ path: join(SHOTS, 'cluster-relays-lag.png') });
  });
});
