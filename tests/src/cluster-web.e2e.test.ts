// The web app in cluster mode (docs/cluster.md, docs/api.md system.cluster): two relay processes in one cluster on
// the machine's nats-server and PostgreSQL, the built web app (`next start`) talking to relay B. Its system.cluster
// lists both live relays and every EA of the cluster with the relay it is on; in Chromium at 375 px, Settings →
// Cluster shows them without a horizontal scroll and each graph node names its relay. Runs when TEST_POSTGRES_URL is set
// and the web app is built.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { testPostgresUrl } from '@sankey/db/env';
import type { ClusterView } from '@sankey/shared/api/cluster-views';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { e2eBrowser } from '../e2e/browser';
import { API_TOKEN, type ClusterWorld, clusterWorld } from './cluster-world';
import { startWeb, type WebProcess, webBuilt } from './web-process';

const base = testPostgresUrl();
if (!base) process.stdout.write('cluster web e2e skipped: TEST_POSTGRES_URL is not set\n');
if (!webBuilt) process.stdout.write('cluster web e2e skipped: the web app is not built (npm run build)\n');

const SHOTS = resolve(import.meta.dirname, '../test-results/screenshots');

vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

let w: ClusterWorld | undefined;
let web: WebProcess | undefined;
const dirs: string[] = [];
afterAll(async () => {
  await web?.stop();
  await w?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

type Cluster = Extract<ClusterView, { mode: 'cluster' }>;

describe.skipIf(!base || !webBuilt)('web app in cluster mode', () => {
  it('system.cluster lists both relays and each EA’s relay; null once its relay is gone', async () => {
    w = await clusterWorld();
    const a = await w.relay('relay-a');
    const dataDir = mkdtempSync(join(tmpdir(), 'sankey-cluster-web-'));
    dirs.push(dataDir);
    const b = await w.relay('relay-b', { SANKEY_DATA_DIR: dataDir });
    await w.admin(a).createGroup('M1', {
      enabled: true,
      members: [{ slaveAccount: 'S1', enabled: true, slaveSettings: {} }],
    });
    await w.master(a, 'M1');
    await w.slave(b, 'S1');
    await w.slave(b, 'S2');
    web = await startWeb({ dataDir, url: w.url, apiToken: API_TOKEN, endpoints: b.endpoints });

    const view = async () => (await web!.call('system.cluster')).data as Cluster | null;
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
    const v = (await view()) as Cluster;
    expect(v).toMatchObject({ mode: 'cluster', cluster: w.cluster, relayId: 'relay-b', natsConnected: true });
    for (const r of v.relays) {
      expect(r.pid).toBeGreaterThan(0);
      expect(Number.isNaN(Date.parse(r.startedAt))).toBe(false);
      expect(Number.isNaN(Date.parse(r.seenAt))).toBe(false);
    }
    expect(v.relays.find((r) => r.relayId === 'relay-a')?.pid).toBe(a.child.pid);
    expect(v.relays.find((r) => r.relayId === 'relay-b')?.pid).toBe(b.child.pid);

    // What an operator sees on a phone (375 px): the relays and each EA's relay, nothing wider than the screen.
    const target = await e2eBrowser();
    const browser = await chromium.launch({
      executablePath: target.executablePath,
      args: target.args,
      ...(target.env && { env: target.env }),
    });
    try {
      const page = await browser.newPage({ viewport: { width: 375, height: 812 } });
      await page.goto(`${web.base}/login`);
      await page.getByTestId('login-password').fill('e2e-admin-password');
      await page.getByTestId('login-submit').click();
      await page.getByTestId('live-indicator').waitFor();
      const node = (id: string) => page.locator(`[data-testid="account-node"][data-account-id="${id}"]`);
      await node('S1').getByTestId('ea-relay').filter({ hasText: 'relay-b' }).waitFor({ timeout: 20_000 });
      await node('M1').getByTestId('ea-relay').filter({ hasText: 'relay-a' }).waitFor({ timeout: 20_000 });
      mkdirSync(SHOTS, { recursive: true });
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
    } finally {
      await browser.close();
    }

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
