// Keyboard only: on every admin page the primary actions are reached with Tab and worked with Enter, Space and
// Escape, and the element that has focus shows a focus ring. Dialogs take focus, keep Tab inside and give focus
// back to the button that opened them.
import { expect, type Page, test } from '@playwright/test';
import type { SimMaster, SimSlave } from '@sankey/ea-sim/index';
import { e2eEnv } from './env';
import { relayListening, simMaster, simSlave, trpc } from './helpers';

const MASTER = 'KB_Master_4001';
const SLAVE = 'KB_Slave_A';
const TICKET = 4101;
const STALE = 4102;

test.use({ viewport: { width: 1440, height: 900 } });

let master: SimMaster;
let slave: SimSlave;

test.beforeAll(async () => {
  master = await simMaster(MASTER);
  slave = await simSlave(SLAVE);
  await trpc('tradeGroups.create', {
    id: MASTER,
    masterSettings: { enabled: true },
    members: [{ slaveAccount: SLAVE, enabled: true }],
  });
  await slave.waitForConfig((c) => c.master_account === MASTER && c.status === 2, 20_000);
  await master.open({ ticket: TICKET, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
  await slave.waitForCommand((c) => c.ticket === TICKET && c.kind === 'open', 20_000);
  // Away without unregistering: an Open past the default 5 s max signal delay becomes a dead letter.
  await slave.stop({ unregister: false });
  await expect.poll(() => relayListening(SLAVE), { timeout: 20_000 }).toBe(false);
  await master.open({ ticket: STALE, symbol: 'USDJPY', orderType: 'Sell', lots: 0.2, openPrice: 150 });
});

test.afterAll(async () => {
  await trpc('tradeGroups.delete', { id: MASTER }).catch(() => {});
  await Promise.all([master, slave].map((ea) => ea?.stop().catch(() => {})));
});

const focused = (page: Page, selector: string) =>
  page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector);

/** Presses Tab (Shift+Tab with `back`) until the element matching `selector` has focus. */
async function tabTo(page: Page, selector: string, { max = 150, back = false } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    if (await focused(page, selector)) return;
  }
  const at = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200));
  throw new Error(`${selector} not reached with ${max} Tabs (focus is on ${at})`);
}

/** The focused element matches :focus-visible and draws an outline of some width. */
async function expectFocusRing(page: Page) {
  const ring = await page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const cs = getComputedStyle(el);
    return {
      visible: el.matches(':focus-visible'),
      style: cs.outlineStyle,
      width: Number.parseFloat(cs.outlineWidth),
    };
  });
  expect(ring.visible, 'focus-visible').toBe(true);
  expect(ring.style, 'outline style').not.toBe('none');
  expect(ring.width, 'outline width').toBeGreaterThan(0);
}

/** From anywhere, Tab back up to a nav link and follow it with Enter. */
async function navigate(page: Page, name: string, path: string) {
  await tabTo(page, `[data-testid="nav-${name}"]`, { back: true });
  await expectFocusRing(page);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`${path}$`));
}

test('every page is worked from the keyboard, with a visible focus ring', async ({ page }) => {
  // Login: the password field, then Enter submits.
  await page.goto('/login');
  await tabTo(page, '[data-testid="login-password"]');
  await expectFocusRing(page);
  await page.keyboard.type(e2eEnv().adminPassword);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('live-indicator')).toBeVisible();

  // Graph: the master node's settings open a drawer that takes focus; Escape closes it and focus returns.
  const settings = `[data-testid="node-settings"][aria-label$=" ${MASTER}"]`;
  await expect(page.locator(settings)).toBeVisible();
  await tabTo(page, settings);
  await expectFocusRing(page);
  await page.keyboard.press('Enter');
  const drawer = page.locator('.drawer[role="dialog"]');
  await expect(drawer).toBeVisible();
  expect(await page.evaluate(() => Boolean(document.activeElement?.closest('.drawer')))).toBe(true);
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();
  expect(await focused(page, settings)).toBe(true);
  // The slave node's trades link opens its trades.
  await tabTo(page, `[data-testid="node-trades"][aria-label$=" ${SLAVE}"]`);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/trades\\?account=${SLAVE}$`));

  // Trades: a row opens with Enter on its expand button and closes with Space.
  await navigate(page, 'trades', '/trades');
  const expand = `[data-testid="trade-row"][data-ticket="${TICKET}"] [data-testid="trade-expand"]`;
  await expect(page.locator(expand)).toBeVisible();
  await tabTo(page, expand);
  await expectFocusRing(page);
  await page.keyboard.press('Enter');
  await expect(page.locator(expand)).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByTestId('slave-outcome').filter({ hasText: SLAVE })).toHaveAttribute(
    'data-outcome',
    'copied',
  );
  await page.keyboard.press('Space');
  await expect(page.locator(expand)).toHaveAttribute('aria-expanded', 'false');

  // Latency: reached from the nav; its figures need no pointer.
  await navigate(page, 'latency', '/latency');
  await expect(page.getByTestId('latency-words')).toBeVisible();

  // EA health: a column sorts with Enter; Block asks first, Tab stays in the dialog, Escape cancels.
  await navigate(page, 'health', '/health');
  const row = page.locator(`[data-testid="health-row"][data-account="${SLAVE}"]`);
  await expect(row).toBeVisible();
  const sortAccount = page.locator('th').filter({ has: page.getByTestId('health-sort-accountId') });
  await tabTo(page, '[data-testid="health-sort-accountId"]');
  await expectFocusRing(page);
  await page.keyboard.press('Enter');
  await expect(sortAccount).toHaveAttribute('aria-sort', 'ascending');
  await page.keyboard.press('Enter');
  await expect(sortAccount).toHaveAttribute('aria-sort', 'descending');
  const block = `[data-testid="health-row"][data-account="${SLAVE}"] [data-testid="health-block"]`;
  await tabTo(page, block);
  await expectFocusRing(page);
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('confirm-dialog');
  await expect(dialog).toBeVisible();
  expect(await focused(page, '[data-testid="block-reason"]')).toBe(true);
  await expectFocusRing(page);
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('Tab');
    expect(
      await page.evaluate(() => Boolean(document.activeElement?.closest('[data-testid="confirm-dialog"]'))),
    ).toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  expect(await focused(page, block)).toBe(true);
  await expect(row).toHaveAttribute('data-blocked', 'false');

  // Deliveries: the dead letter is listed; Purge asks how old, Escape cancels and focus returns.
  await navigate(page, 'deliveries', '/deliveries');
  // (While the parked copy expires, the page can show it for a moment beside its dead letter: wait for the letter.)
  await expect(
    page.locator(`[data-testid="delivery-row"][data-ticket="${STALE}"][data-state="dead_lettered"]`),
  ).toBeVisible({ timeout: 30_000 });
  await tabTo(page, '[data-testid="delivery-retry"]');
  await expectFocusRing(page);
  await tabTo(page, '[data-testid="deliveries-purge"]', { back: true });
  await expectFocusRing(page);
  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  expect(await focused(page, '[data-testid="purge-days"]')).toBe(true);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  expect(await focused(page, '[data-testid="deliveries-purge"]')).toBe(true);

  // History: the group filter is a select worked with the arrow keys.
  await navigate(page, 'history', '/history');
  await expect(page.getByTestId('history-row').first()).toBeVisible();
  await tabTo(page, '[data-testid="history-filter-group"]');
  await expectFocusRing(page);
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('history-filter-group')).not.toHaveValue('');

  // Settings: Save is reached and works with Enter.
  await navigate(page, 'settings', '/settings');
  await tabTo(page, '[data-testid="settings-save"]');
  await expectFocusRing(page);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('toast-success')).toBeVisible();
});
