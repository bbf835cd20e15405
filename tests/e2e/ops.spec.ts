// The operator's pages end to end (real web, relay and simulated EAs in Chromium): a slave goes away, its copy
// waits on the Deliveries page and EA health says so; the slave comes back, gets the copy, and the row clears.
// Blocking an EA from EA health stops its copies (checked at the simulated slave); unblocking restores them.
import { expect, type Page, test } from '@playwright/test';
import type { SimMaster, SimSlave } from '@sankey/ea-sim/index';
import { login, relayListening, screenshot, simMaster, simSlave, trpc } from './helpers';

const MASTER = 'OPS_Master_5001';
const AWAY = 'OPS_Slave_Away';
const MASTER_2 = 'OPS_Master_5002';
const BLOCKED = 'OPS_Slave_Block';
const MASTER_3 = 'OPS_Master_5003';
const RETRIED = 'OPS_Slave_Retry';

test.use({ viewport: { width: 1440, height: 900 } });

let master: SimMaster;
let master2: SimMaster;
let away: SimSlave;
let blocked: SimSlave;
let master3: SimMaster;
let retried: SimSlave;
const started: (SimMaster | SimSlave)[] = [];

test.beforeAll(async () => {
  master = await simMaster(MASTER);
  master2 = await simMaster(MASTER_2);
  away = await simSlave(AWAY);
  blocked = await simSlave(BLOCKED);
  master3 = await simMaster(MASTER_3);
  retried = await simSlave(RETRIED);
  started.push(master, master2, away, blocked, master3, retried);
  // An Open may wait 2 minutes for the away slave (the member's max signal delay), so it is parked, not expired.
  await trpc('tradeGroups.create', {
    id: MASTER,
    masterSettings: { enabled: true },
    members: [{ slaveAccount: AWAY, enabled: true, slaveSettings: { maxSignalDelayMs: 120_000 } }],
  });
  await trpc('tradeGroups.create', {
    id: MASTER_2,
    masterSettings: { enabled: true },
    members: [{ slaveAccount: BLOCKED, enabled: true }],
  });
  // The default max signal delay (5 s): an Open for a slave away longer becomes a dead letter.
  await trpc('tradeGroups.create', {
    id: MASTER_3,
    masterSettings: { enabled: true },
    members: [{ slaveAccount: RETRIED, enabled: true }],
  });
  await retried.waitForConfig((c) => c.master_account === MASTER_3 && c.status === 2, 20_000);
  await away.waitForConfig((c) => c.master_account === MASTER && c.status === 2, 20_000);
  await blocked.waitForConfig((c) => c.master_account === MASTER_2 && c.status === 2, 20_000);
});

test.afterAll(async () => {
  await trpc('tradeGroups.delete', { id: MASTER }).catch(() => {});
  await trpc('tradeGroups.delete', { id: MASTER_2 }).catch(() => {});
  await trpc('tradeGroups.delete', { id: MASTER_3 }).catch(() => {});
  await Promise.all(started.map((ea) => ea.stop().catch(() => {})));
});

/** The relay's own view of an EA (control API): whether it is subscribed to anything. */
const healthRow = (page: Page, account: string) =>
  page.locator(`[data-testid="health-row"][data-account="${account}"]`);
const deliveryRow = (page: Page, ticket: number) =>
  page.locator(`[data-testid="delivery-row"][data-ticket="${ticket}"]`);

test('an away slave’s copy waits on Deliveries and EA health shows it; back, it gets the copy and the row clears', async ({
  page,
}) => {
  const TICKET = 7001;
  // Gone without Unregister, as a crashed terminal: the relay sees its subscriptions go at once, its heartbeat
  // timeout (5 s here) later.
  await away.stop({ unregister: false });
  await expect.poll(() => relayListening(AWAY), { timeout: 20_000 }).toBe(false);
  await master.open({ ticket: TICKET, symbol: 'EURUSD', orderType: 'Buy', lots: 0.2, openPrice: 1.1 });

  await login(page);
  await page.getByTestId('nav-deliveries').click();
  const row = deliveryRow(page, TICKET);
  await expect(row).toHaveAttribute('data-state', 'parked', { timeout: 30_000 });
  await expect(row).toContainText(AWAY);
  await expect(row).toContainText('EURUSD');
  await expect(row).toContainText('0.2');
  await expect(row).toContainText('Open');
  await expect(page.getByTestId('deliveries-waiting')).toContainText(`${AWAY}: 1 waiting since`);
  // Once the relay has timed the slave out, the reason says it is offline.
  await expect(row.getByTestId('delivery-why')).toHaveText(
    'the slave is offline; it is sent when the slave is back',
    { timeout: 30_000 },
  );
  await screenshot(page, 'ops-deliveries-parked-1440');
  await page.setViewportSize({ width: 375, height: 812 });
  await expect(row).toBeVisible();
  await screenshot(page, 'ops-deliveries-parked-375');
  await page.setViewportSize({ width: 1440, height: 900 });

  await page.getByTestId('nav-health').click();
  const health = healthRow(page, AWAY);
  await expect(health).toHaveAttribute('data-issues', /parked_offline/, { timeout: 30_000 });
  await expect(health.getByTestId('health-parked')).toHaveText('1');
  // EAs whose copies wait come first (other specs' EAs may share this relay).
  await expect(page.getByTestId('health-row').first()).toHaveAttribute('data-issues', /parked_offline/);
  await screenshot(page, 'ops-health-attention-1440');
  await page.setViewportSize({ width: 375, height: 812 });
  await screenshot(page, 'ops-health-attention-375');
  await page.setViewportSize({ width: 1440, height: 900 });

  // Back on the same terminal: the relay releases the parked Open to it.
  const back = await simSlave(AWAY);
  started.push(back);
  const got = await back.waitForCommand(
    (c) => String(c.ticket) === String(TICKET) && c.kind === 'open',
    30_000,
  );
  expect(got.symbol).toBe('EURUSD');
  await expect(health).toHaveAttribute('data-issues', '', { timeout: 30_000 });
  await page.getByTestId('nav-deliveries').click();
  await expect(page.getByTestId('deliveries-table').or(page.getByTestId('deliveries-empty'))).toBeVisible();
  await expect(deliveryRow(page, TICKET)).toHaveCount(0, { timeout: 30_000 });
});

test('blocking an EA from EA health stops its copies; unblocking restores them', async ({ page }) => {
  await login(page);
  await page.getByTestId('nav-health').click();
  const row = healthRow(page, BLOCKED);
  await expect(row).toHaveAttribute('data-status', 'Online', { timeout: 30_000 });
  await row.getByTestId('health-block').click();
  const dialog = page.getByTestId('confirm-dialog');
  await expect(dialog).toContainText(`Block ${BLOCKED}?`);
  await page.getByTestId('block-reason').fill('e2e: misbehaving terminal');
  await screenshot(page, 'ops-health-block-dialog-1440');
  await page.getByTestId('confirm-button').click();
  await expect(page.getByTestId('toast-success')).toContainText(`${BLOCKED} is blocked.`);
  await expect(row).toHaveAttribute('data-blocked', 'true', { timeout: 30_000 });
  await expect(row).toHaveAttribute('data-issues', /blocked/);

  await master2.open({ ticket: 7101, symbol: 'GBPUSD', orderType: 'Sell', lots: 0.1, openPrice: 1.3 });

  await row.getByTestId('health-unblock').click();
  await expect(dialog).toContainText(`Unblock ${BLOCKED}?`);
  await page.getByTestId('confirm-button').click();
  await expect(row).toHaveAttribute('data-blocked', 'false', { timeout: 30_000 });
  // Its heartbeats count again: online (and its links live) before the master trades again.
  await expect(row).toHaveAttribute('data-status', 'Online', { timeout: 30_000 });
  await screenshot(page, 'ops-health-unblocked-1440');

  await master2.open({ ticket: 7102, symbol: 'GBPUSD', orderType: 'Sell', lots: 0.1, openPrice: 1.3 });
  await blocked.waitForCommand((c) => String(c.ticket) === '7102', 30_000);
  // Copies of one master arrive in order: had 7101 gone out, the slave would hold it before 7102.
  expect(blocked.commands().map((c) => String(c.ticket))).not.toContain('7101');
});

test('a dead letter is retried from Deliveries: the stale Open asks for force, then reaches the slave', async ({
  page,
}) => {
  const TICKET = 7201;
  await retried.stop({ unregister: false });
  await expect.poll(() => relayListening(RETRIED), { timeout: 20_000 }).toBe(false);
  await master3.open({ ticket: TICKET, symbol: 'USDJPY', orderType: 'Sell', lots: 0.3, openPrice: 150 });

  await login(page);
  await page.getByTestId('nav-deliveries').click();
  const row = deliveryRow(page, TICKET);
  // Parked first; past the 5 s max signal delay it is a dead letter.
  await expect(row).toHaveAttribute('data-state', 'dead_lettered', { timeout: 30_000 });
  await expect(row).toContainText('waited longer than the link’s maximum signal delay');
  await expect(row).toContainText('USDJPY');

  const back = await simSlave(RETRIED);
  started.push(back);
  await back.waitForConfig((c) => c.master_account === MASTER_3 && c.status === 2, 30_000);
  await row.getByTestId('delivery-retry').click();
  const dialog = page.getByTestId('confirm-dialog');
  await expect(dialog).toContainText(`Open ticket #${TICKET} on ${RETRIED} anyway?`);
  await expect(dialog).toContainText("older than the member's max signal delay");
  await screenshot(page, 'ops-deliveries-force-1440');
  await page.getByTestId('confirm-button').click();
  await expect(page.getByTestId('toast-success')).toContainText(`Sent again to ${RETRIED}.`);
  const got = await back.waitForCommand(
    (c) => String(c.ticket) === String(TICKET) && c.kind === 'open',
    30_000,
  );
  expect(got.symbol).toBe('USDJPY');
  await expect(row).toHaveCount(0, { timeout: 30_000 });
});

test('screenshots of EA health and Deliveries at 1440 px and 375 px, light and dark, in Japanese too', async ({
  page,
}) => {
  await login(page);
  for (const [width, height] of [
    [1440, 900],
    [375, 812],
  ] as const) {
    await page.setViewportSize({ width, height });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const name of ['health', 'deliveries'] as const) {
        await page.getByTestId(`nav-${name}`).click();
        await expect(page.locator('.page-title').first()).toBeVisible();
        await expect(page.getByText('Loading…')).toHaveCount(0, { timeout: 30_000 });
        await screenshot(page, `ops-${name}-${width}${scheme === 'dark' ? '-dark' : ''}`);
      }
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByTestId('language-switch').click();
  await page.getByTestId('nav-health').click();
  await expect(page.locator('.page-title').first()).toHaveText('EA の状態');
  await screenshot(page, 'ops-health-1440-ja');
});
