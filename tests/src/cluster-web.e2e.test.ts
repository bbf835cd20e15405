// The web app in cluster mode (docs/cluster.md, docs/api.md system.cluster): two relay processes in one cluster on
// the machine's nats-server and PostgreSQL, the built web app (`next start`) talking to relay B. Its system.cluster
// lists both live relays and every EA of the cluster with the relay it is on; in Chromium at 375 px, Settings →
// Cluster shows them without a horizontal scroll and each graph node names its relay. Runs when TEST_POSTGRES_URL is set
// and the web app is built.
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type ClusterAnswer, type ClusterWorld, clusterWebRuns, clusterWorld, SHOTS } from './cluster-world';

const runs = clusterWebRuns('cluster web e2e');

vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

let w: ClusterWorld | undefined;
afterAll(() => w?.close());

describe.skipIf(!runs)('web app in cluster mode', () => {
  it('system.cluster lists both relays and each EA’s relay; null once its relay is gone', async () => {
    w = await clusterWorld();
    const a = await w.relay('relay-a');
    const b = await w.relay('relay-b');
    await w.link(a, 'M1', 'S1');
    await w.master(a, 'M1');
    await w.slave(b, 'S1');
    await w.slave(b, 'S2');
    const web = await w.web(b);

    const view = async () => (await web.call('system.cluster')).data as ClusterAnswer | null;
    // Relay B learns of A's master from the KV bucket, and of the relays' EA counts at their next refresh.
    await expect
      .poll(
        async () => {
          const v = await view();
          if (v?.mode !== 'cluster') return v;
          return {
            relays: v.relays.map((r) => `${r.relayId}:${r.eas}`),
            eas: v.eas.map((e) => `${e.eaType}:${e.accountId}@${e.relayId}`).sort(),
          };
        },
        { timeout: 30_000, interval: 250 },
      )
      .toEqual({
        relays: ['relay-a:1', 'relay-b:2'],
        eas: ['Master:M1@relay-a', 'Slave:S1@relay-b', 'Slave:S2@relay-b'],
      });
    const v = (await view()) as ClusterAnswer;
    expect(v).toMatchObject({ mode: 'cluster', cluster: w.cluster, relayId: 'relay-b', natsConnected: true });
    for (const r of v.relays) {
      expect(r.pid).toBeGreaterThan(0);
      expect(Number.isNaN(Date.parse(r.startedAt))).toBe(false);
      expect(Number.isNaN(Date.parse(r.seenAt))).toBe(false);
    }
    expect(v.relays.find((r) => r.relayId === 'relay-a')?.pid).toBe(a.child.pid);
    expect(v.relays.find((r) => r.relayId === 'relay-b')?.pid).toBe(b.child.pid);

    // What an operator sees on a phone (375 px): the relays and each EA's relay, nothing wider than the screen.
    const page = await w.page(web, { width: 375, height: 812 });
    const node = (id: string) => page.locator(`[data-testid="account-node"][data-account-id="${id}"]`);
    await node('S1').getByTestId('ea-relay').filter({ hasText: 'relay-b' }).waitFor({ timeout: 20_000 });
    await node('M1').getByTestId('ea-relay').filter({ hasText: 'relay-a' }).waitFor({ timeout: 20_000 });
    await node('S1').screenshot({ path: join(SHOTS, 'cluster-node-phone.png') });
    await page.goto(`${web.base}/settings`);
    const card = page.getByTestId('cluster-card');
    await card.getByTestId('cluster-relay').nth(1).waitFor({ timeout: 20_000 });
    expect(await card.getByTestId('cluster-name').textContent()).toBe(w.cluster);
    expect(
      await card.getByTestId('cluster-relay').evaluateAll((rows) => rows.map((r) => r.dataset.relayId)),
    ).toEqual(['relay-a', 'relay-b']);
    expect(
      await card
        .getByTestId('cluster-ea')
        .evaluateAll((rows) => rows.map((r) => `${r.dataset.accountId}@${r.dataset.relayId}`)),
    ).toEqual(['M1@relay-a', 'S1@relay-b', 'S2@relay-b']);
    await card.scrollIntoViewIfNeeded();
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      card: (document.querySelector('[data-testid="cluster-card"]') as HTMLElement).getBoundingClientRect()
        .right,
    }));
    expect(widths.page).toBeLessThanOrEqual(375);
    expect(widths.card).toBeLessThanOrEqual(375);
    await card.screenshot({ path: join(SHOTS, 'cluster-settings-phone.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1440);
    await card.screenshot({ path: join(SHOTS, 'cluster-settings-1440.png') });

    // Relay A stops: it leaves the list of live relays.
    await a.stop();
    await expect
      .poll(async () => (await view())?.mode === 'cluster' && (await view())!.relays.map((r) => r.relayId), {
        timeout: 30_000,
        interval: 250,
      })
      .toEqual(['relay-b']);

    // The web's own relay stops: the procedure answers null (unreachable), not a guess.
    await b.stop();
    expect((await web.call('system.cluster')).data).toBeNull();
  });
});
