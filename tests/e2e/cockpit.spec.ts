// The trader's cockpit end to end: the Trades page and latency dashboard fed by a simulated master and two
// slaves, the failed-change banner for a change the relay cannot apply, and screenshots of every page.
import { expect, type Page, test } from '@playwright/test';
import { createDb } from '@sankey/db/client';
import type { SimMaster, SimSlave } from '@sankey/ea-sim/index';
import { e2eEnv } from './env';
import { login, screenshot, simMaster, simSlave, trpc } from './helpers';

const MASTER = 'CP_Master_3001';
const COPIED = 'CP_Slave_A';
const FILTERED = 'CP_Slave_B';
const FIRST_TICKET = 9001;
const SIGNALS = 50;

test.use({ viewport: { width: 1440, height: 900 } });

let master: SimMaster;
let slaves: SimSlave[] = [];

test.beforeAll(async () => {
  master = await simMaster(MASTER);
  slaves = [await simSlave(COPIED), await simSlave(FILTERED)];
  await trpc('tradeGroups.create', {
    id: MASTER,
    masterSettings: { enabled: true },
    members: [
      { slaveAccount: COPIED, enabled: true },
      { slaveAccount: FILTERED, enabled: true, slaveSettings: { filters: { blockedSymbols: ['EURUSD'] } } },
    ],
  });
  // Both slaves hear that the link is live (status 2) before the master trades.
  await Promise.all(
    slaves.map((s) => s.waitForConfig((c) => c.master_account === MASTER && c.status === 2, 15_000)),
  );
});

test.afterAll(async () => {
  await trpc('tradeGroups.delete', { id: MASTER }).catch(() => {});
  await Promise.all([master, ...slaves].map((ea) => ea?.stop().catch(() => {})));
});

/** Every admin page, as the nav reaches it (the login page is shot before logging in). */
const PAGES = [
  'connections',
  'trades',
  'latency',
  'health',
  'deliveries',
  'activity',
  'history',
  'settings',
] as const;

async function shootAll(page: Page, suffix: string) {
  for (const name of PAGES) {
    await page.getByTestId(`nav-${name}`).click();
    await expect(page.locator('.page-title').first()).toBeVisible();
    await page.waitForTimeout(400);
    await screenshot(page, `cockpit-${name}-${suffix}`);
  }
}

test('a copied and a filtered slave on the Trades page, latency figures after 50 signals', async ({
  page,
}) => {
  await master.open({ ticket: FIRST_TICKET, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
  const copied = slaves[0] as SimSlave;
  await copied.waitForCommand((c) => c.ticket === FIRST_TICKET && c.kind === 'open');

  await login(page);
  await page.getByTestId('nav-trades').click();
  const row = page.locator(`[data-testid="trade-row"][data-ticket="${FIRST_TICKET}"]`);
  await expect(row).toContainText('1 copied · 1 filtered');
  await row.getByTestId('trade-expand').click();
  const outcomes = page.getByTestId('slave-outcome');
  await expect(outcomes.filter({ hasText: COPIED })).toHaveAttribute('data-outcome', 'copied');
  await expect(outcomes.filter({ hasText: COPIED })).toContainText('sent as EURUSD, 0.1 lots');
  await expect(outcomes.filter({ hasText: FILTERED })).toHaveAttribute('data-outcome', 'filtered');
  await expect(outcomes.filter({ hasText: FILTERED })).toContainText(
    'its symbol is in the link’s blocked symbols',
  );
  await screenshot(page, 'cockpit-trades-expanded-1440');
  await page.setViewportSize({ width: 375, height: 812 });
  await screenshot(page, 'cockpit-trades-expanded-375');
  await page.setViewportSize({ width: 1440, height: 900 });

  // 49 more opens make 50 signals; the last one reaching the copied slave means all were relayed.
  for (let i = 1; i < SIGNALS; i++) {
    await master.open({
      ticket: FIRST_TICKET + i,
      symbol: 'GBPUSD',
      orderType: 'Sell',
      lots: 0.1,
      openPrice: 1.3,
    });
  }
  await copied.waitForCommand((c) => c.ticket === FIRST_TICKET + SIGNALS - 1, 20_000);
  await page.getByTestId('nav-latency').click();
  await expect(page.getByTestId('latency-now-p50')).toHaveText(/\d+(\.\d+)? (µs|ms)/);
  await expect(page.getByTestId('latency-words')).toContainText(
    'Half of the copies in the last minute left the relay',
  );
  await expect(page.getByTestId('latency-chart')).toHaveCount(2);
});

test('the failed-change banner names a change the relay cannot apply until it is discarded', async ({
  page,
}) => {
  // A row the relay cannot parse (member.toggled without `enabled`), written behind the web app's checks as a
  // broken writer would: the relay reports it as failing at once (docs/api.md, "Failing changes").
  const db = await createDb({ url: `file:${e2eEnv().dataDir}/sankey.db` });
  let outboxId: number;
  try {
    const row = await db.outbox.create({
      data: { kind: 'member.toggled', tradeGroupId: MASTER, slaveAccount: COPIED, payload: {} },
    });
    outboxId = row.id;
    await db.changeHistory.create({
      data: {
        outboxId,
        kind: row.kind,
        tradeGroupId: MASTER,
        slaveAccount: COPIED,
        createdAt: row.createdAt,
      },
    });
  } finally {
    await db.$disconnect();
  }

  await login(page);
  const banner = page.getByTestId('failure-banner');
  const item = banner.locator(`[data-testid="failure-item"][data-outbox-id="${outboxId}"]`);
  await expect(item).toContainText(`“Link ${MASTER} → ${COPIED} switched on or off” has not reached the EAs`);
  await expect(item).toContainText('the row does not parse');
  await screenshot(page, 'cockpit-failure-banner-1440');
  await page.setViewportSize({ width: 375, height: 812 });
  await screenshot(page, 'cockpit-failure-banner-375');
  await page.setViewportSize({ width: 1440, height: 900 });

  // Its history link opens this link's history, where the change is listed, not yet applied (pending while
  // the relay retries, failed past the retry bound).
  await item.getByRole('link', { name: 'History' }).click();
  await expect(page).toHaveURL(new RegExp(`/history\\?group=${MASTER}&slave=${COPIED}`));
  const entry = page.locator(`[data-testid="history-row"][data-outbox-id="${outboxId}"]`);
  await expect(entry).toContainText(`Link ${MASTER} → ${COPIED} switched on or off`);
  await expect(entry).toHaveAttribute('data-state', /^(pending|failed)$/);

  await item.getByTestId('failure-discard').click();
  await expect(page.getByTestId('confirm-dialog')).toContainText(
    `Link ${MASTER} → ${COPIED} switched on or off`,
  );
  await page.getByTestId('confirm-button').click();
  await expect(banner).toBeHidden();
  await expect(entry).toHaveAttribute('data-state', 'discarded');
  await expect(entry).toContainText('Discarded');
});

test('screenshots of every page at 1440 px and 375 px, light and dark', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/login');
  await screenshot(page, 'cockpit-login-1440');
  await page.setViewportSize({ width: 375, height: 812 });
  await screenshot(page, 'cockpit-login-375');
  await page.setViewportSize({ width: 1440, height: 900 });
  await login(page);
  await shootAll(page, '1440');
  // Settings ends the tour: the heartbeat timeout fixed by SANKEY_HEARTBEAT_TIMEOUT_S (global setup), read-only.
  await page.getByTestId('env-note-heartbeatTimeoutS').scrollIntoViewIfNeeded();
  await screenshot(page, 'cockpit-settings-env-1440');
  await page.setViewportSize({ width: 375, height: 812 });
  await shootAll(page, '375');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shootAll(page, '375-dark');
  await page.setViewportSize({ width: 1440, height: 900 });
  await shootAll(page, '1440-dark');
});
