// The admin UI end to end: real web app + relay, simulated EAs over ZeroMQ, Chromium (see browser.ts).

import { expect, type Page, test } from '@playwright/test';
import type { SimMaster, SimSlave } from '@sankey/ea-sim/index';
import { cjkFont, login, screenshot, simMaster, simSlave, trpc } from './helpers';

const MASTER = 'E2E_Master_1001';
const SLAVE = 'E2E_Slave_2002';

let master: SimMaster;
let slave: SimSlave;

test.beforeAll(async () => {
  master = await simMaster(MASTER, {
    broker: 'Demo_Broker',
    accountNumber: 1001,
    balance: 12_345.67,
    leverage: 500,
    symbolContext: { detected_prefix: '', detected_suffix: '.m', available_special_symbols: [] },
  });
  slave = await simSlave(SLAVE, { broker: 'Other_Broker', accountNumber: 2002, equity: 20_000 });
});

test.afterAll(async () => {
  await Promise.all([master?.stop().catch(() => {}), slave?.stop().catch(() => {})]);
});

const node = (page: Page, kind: 'master' | 'slave', id: string) =>
  page.locator(`[data-testid="account-node"][data-kind="${kind}"][data-account-id="${id}"]`);
const edge = (page: Page) =>
  page.locator(`[data-testid="edge-label"][data-master="${MASTER}"][data-slave="${SLAVE}"]`);

test('login, create a link, copy a trade, edit, switch to Japanese, delete', async ({ page }) => {
  await test.step('login page rejects a wrong password, then logs in', async () => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/login/);
    await screenshot(page, '01-login');
    await page.getByTestId('login-password').fill('definitely-wrong');
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('login-error')).toContainText('Wrong password');
    await login(page);
    await expect(page.getByRole('heading', { name: 'Trading connections' })).toBeVisible();
    await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'connected');
  });

  await test.step('create the link with the wizard', async () => {
    await page.getByTestId('create-connection-button').click();
    const wizard = page.getByTestId('create-link-wizard');
    await expect(wizard).toBeVisible();
    // The simulated EAs appear in the pickers from the live connection list.
    await expect(wizard.getByTestId('master-selector').locator(`option[value="${MASTER}"]`)).toHaveCount(1);
    await wizard.getByTestId('master-selector').selectOption(MASTER);
    await wizard.getByTestId('slave-selector').selectOption(SLAVE);
    await expect(wizard.getByTestId('wizard-next')).toBeEnabled();
    await screenshot(page, '02-wizard-accounts');
    await wizard.getByTestId('wizard-next').click();
    // Step 2 offers the suffix detected on the master.
    await expect(wizard.getByTestId('detected-settings')).toContainText('.m');
    await wizard.getByRole('button', { name: 'Apply detected settings' }).click();
    await expect(wizard.locator('[name=masterSuffix]')).toHaveValue('.m');
    await wizard.getByTestId('wizard-next').click();
    // Step 3: inline validation with the shared schema, then a valid multiplier.
    await wizard.locator('[name=lotMultiplier]').fill('5000');
    await wizard.getByTestId('wizard-create').click();
    await expect(wizard.getByText('Must be at most 1000.')).toBeVisible();
    await wizard.locator('[name=lotMultiplier]').fill('2');
    await screenshot(page, '03-wizard-slave-settings');
    await wizard.getByTestId('wizard-create').click();
    await expect(wizard).toBeHidden();
    await expect(node(page, 'master', MASTER)).toBeVisible();
    await expect(node(page, 'slave', SLAVE)).toBeVisible();
    await expect(edge(page).getByTestId('edge-multiplier')).toHaveText('×2');
    await expect(node(page, 'master', MASTER).getByTestId('runtime-badge')).toHaveText('Manual OFF');
    await expect(node(page, 'slave', SLAVE).getByTestId('runtime-badge')).toHaveText('Manual OFF');
    await expect(node(page, 'slave', SLAVE).getByTestId('node-warning').first()).toBeVisible();
  });

  await test.step('switch both on and watch the member turn Receiving', async () => {
    await node(page, 'master', MASTER).getByTestId('account-toggle-switch').click();
    await expect(node(page, 'master', MASTER).getByTestId('runtime-badge')).toHaveText('Streaming');
    await node(page, 'slave', SLAVE).getByTestId('account-toggle-switch').click();
    await expect(node(page, 'slave', SLAVE).getByTestId('runtime-badge')).toHaveText('Receiving');
    await expect(edge(page)).toHaveAttribute('data-badge', 'receiving');
    await expect(node(page, 'slave', SLAVE).getByTestId('node-warning')).toHaveCount(0);
    await slave.waitForConfig((c) => c.master_account === MASTER && c.status === 2, 10_000);
    await node(page, 'master', MASTER).getByTestId('node-expand').click();
    await expect(node(page, 'master', MASTER).getByTestId('detail-balance')).toContainText('12,345.67');
    await screenshot(page, '04-connections-receiving');
  });

  await test.step('a trade from the master reaches the slave and the activity feed', async () => {
    await master.open({ ticket: 7001, symbol: 'EURUSD.m', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
    const cmd = await slave.waitForCommand(
      (c) => c.ticket === 7001 && c.topic === `trade/${MASTER}/${SLAVE}`,
    );
    expect(cmd).toMatchObject({ kind: 'open', symbol: 'EURUSD', orderType: 'Buy', lots: 0.2 });
    await page.getByTestId('nav-activity').click();
    const items = page.getByTestId('activity-item');
    await expect(items.filter({ hasText: `sent Open #7001` })).toHaveCount(1);
    await expect(items.filter({ hasText: `Copied Open #7001` })).toContainText(`${MASTER} to ${SLAVE}`);
    await page.getByTestId('activity-filter').selectOption(SLAVE);
    await expect(items.filter({ hasText: 'sent Open #7001' })).toHaveCount(0);
    await expect(items.filter({ hasText: 'Copied Open #7001' })).toHaveCount(1);
    await screenshot(page, '05-activity');
    // The signal journal outlives the page: after a reload the live feed is empty but the history has it.
    await page.reload();
    const history = page.getByTestId('history-item');
    await expect(history.filter({ hasText: `#7001 Open EURUSD from ${MASTER}: copied to 1` })).toHaveCount(1);
    await screenshot(page, '05b-activity-history');
  });

  await test.step('editing a setting sends the slave a new config', async () => {
    await page.getByTestId('nav-connections').click();
    await edge(page).getByTestId('edge-edit').click();
    const drawer = page.getByTestId('member-drawer');
    await expect(drawer.locator('[name=lotMultiplier]')).toHaveValue('2');
    await drawer.locator('[name=lotMultiplier]').fill('3');
    await drawer.locator('[name=reverseTrade]').check();
    await drawer.getByTestId('add-mapping').click();
    await drawer.locator('[name=mapping-source-0]').fill('xauusd');
    await drawer.locator('[name=mapping-target-0]').fill('GOLD');
    await screenshot(page, '06-edit-link');
    await drawer.getByTestId('member-save').click();
    await expect(drawer).toBeHidden();
    const config = await slave.waitForConfig(
      (c) => c.master_account === MASTER && c.lot_multiplier === 3 && c.reverse_trade,
      10_000,
    );
    expect(config.symbol_mappings).toEqual([{ source_symbol: 'XAUUSD', target_symbol: 'GOLD' }]);
    await expect(edge(page).getByTestId('edge-multiplier')).toHaveText('×3');
    await expect(edge(page).getByTestId('edge-reverse')).toBeVisible();
  });

  await test.step('switch to Japanese (persisted)', async () => {
    await page.getByTestId('language-switch').click();
    await expect(page.getByRole('heading', { name: '取引接続' })).toBeVisible();
    await expect(node(page, 'slave', SLAVE).getByTestId('runtime-badge')).toHaveText('受信中');
    await page.reload();
    await expect(page.getByRole('heading', { name: '取引接続' })).toBeVisible();
    await expect(node(page, 'slave', SLAVE).getByTestId('runtime-badge')).toHaveText('受信中');
    await expect(node(page, 'master', MASTER).getByTestId('runtime-badge')).toHaveText('配信中');
    // The Japanese is drawn with the app's own Noto Sans JP, fetched for it, not with a font of the machine.
    await expect
      .poll(() => cjkFont(page, '取引接続'))
      .toEqual({
        family: expect.stringMatching(/\S/),
        loadedWeights: expect.arrayContaining(['400']),
        drawsText: true,
      });
    await screenshot(page, '07-connections-ja');
  });

  await test.step('delete the link with confirmation', async () => {
    await edge(page).getByTestId('edge-delete').click();
    await expect(page.getByTestId('confirm-dialog')).toContainText(`${MASTER} → ${SLAVE}`);
    await page.getByTestId('confirm-button').click();
    await expect(page.getByTestId('connections-empty')).toContainText('リンクはまだありません');
    await slave.waitForConfig((c) => c.master_account === MASTER && c.status === -1, 10_000);
  });
});

test('settings, logs and phone width', async ({ page }) => {
  await login(page);
  await page.getByTestId('nav-settings').click();
  await expect(page.getByTestId('relay-reachable')).toHaveText('Reachable');
  const form = page.getByTestId('settings-form');
  // The global setup starts the relay with SANKEY_HEARTBEAT_TIMEOUT_S=5: shown read-only, naming the variable.
  await expect(form.locator('[name=heartbeatTimeoutS]')).toBeDisabled();
  await expect(form.locator('[name=heartbeatTimeoutS]')).toHaveValue('5');
  await expect(form.getByTestId('env-note-heartbeatTimeoutS')).toContainText('SANKEY_HEARTBEAT_TIMEOUT_S');
  await expect(page.getByTestId('env-note-adminPassword')).toContainText('SANKEY_ADMIN_PASSWORD');
  await form.locator('[name=batchSize]').fill('0');
  await page.getByTestId('settings-save').click();
  await expect(form.getByText('Must be at least 1.')).toBeVisible();
  await form.locator('[name=batchSize]').fill('200');
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('toast-success')).toBeVisible();
  const ini = await page.request.get('/api/ea/sankey_copier.ini');
  expect(await ini.text()).toContain('[ZeroMQ]');
  await page.evaluate('window.scrollTo(0, 0)');
  await screenshot(page, '08-settings');

  await page.getByTestId('logs-button').click();
  await expect(page.getByTestId('log-list').locator('li').first()).toBeVisible();
  await screenshot(page, '09-logs');
  await page.keyboard.press('Escape');

  // A second link for the phone screenshot, created through the API.
  await trpc('tradeGroups.create', {
    id: MASTER,
    masterSettings: { enabled: true },
    members: [
      { slaveAccount: SLAVE, enabled: true, slaveSettings: { lotMultiplier: 1.5, reverseTrade: true } },
    ],
  });
  await page.setViewportSize({ width: 375, height: 812 });
  await page.getByTestId('nav-connections').click();
  await expect(node(page, 'slave', SLAVE).getByTestId('runtime-badge')).toHaveText('Receiving');
  await screenshot(page, '10-connections-phone');
  await page.getByTestId('theme-toggle').click();
  await screenshot(page, '11-connections-phone-dark');
  await trpc('tradeGroups.delete', { id: MASTER });
});
