// The equity guard in the browser (docs/risk-controls.md): a simulated slave's equity falls 6 % under a 5 % daily
// limit; its card on the connections page shows the trip with a "Close-only" badge; Reset asks for confirmation,
// then the slave's EA gets allow_new_orders = true again and the card clears.
import { expect, test } from '@playwright/test';
import type { SimMaster, SimSlave } from '@sankey/ea-sim/index';
import { e2eEnv } from './env';
import { login, screenshot, simMaster, simSlave, trpc } from './helpers';

const MASTER = 'RK_Master_4001';
const SLAVE = 'RK_Slave_A';

test.use({ viewport: { width: 1440, height: 900 } });

let master: SimMaster;
let slave: SimSlave;

/** A tRPC query (GET with ?input=) with the bearer token. */
async function query<T>(path: string, input: unknown): Promise<T> {
  const { baseUrl, apiToken } = e2eEnv();
  const res = await fetch(`${baseUrl}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, {
    headers: { authorization: `Bearer ${apiToken}` },
  });
  const body = (await res.json()) as { result?: { data: T }; error?: { message: string } };
  if (!res.ok || !body.result) throw new Error(`${path}: ${body.error?.message ?? res.status}`);
  return body.result.data;
}

test.beforeAll(async () => {
  master = await simMaster(MASTER);
  slave = await simSlave(SLAVE, { equity: 10_000 });
  await trpc('tradeGroups.create', {
    id: MASTER,
    masterSettings: { enabled: true },
    members: [{ slaveAccount: SLAVE, enabled: true }],
  });
  await slave.waitForConfig((c) => c.master_account === MASTER && c.status === 2, 15_000);
  await trpc('risk.setGuard', { accountId: SLAVE, guard: { dailyLoss: { kind: 'percent', value: 5 } } });
  await expect
    .poll(
      async () =>
        (await query<{ dayStartEquity: number | null }[]>('risk.list', { accountId: SLAVE }))[0]
          ?.dayStartEquity,
      {
        timeout: 15_000,
      },
    )
    .toBe(10_000);
});

test.afterAll(async () => {
  await trpc('risk.removeGuard', { accountId: SLAVE }).catch(() => {});
  await trpc('tradeGroups.delete', { id: MASTER }).catch(() => {});
  await Promise.all([master, slave].map((ea) => ea?.stop().catch(() => {})));
});

test('a tripped equity guard shows on the slave card and is reset after confirmation', async ({ page }) => {
  const mark = slave.mark();
  slave.setEquity(9_400);
  await slave.waitForConfig((c) => c.master_account === MASTER && !c.allow_new_orders, 15_000, {
    since: mark,
  });

  await login(page);
  const card = page.locator(`[data-testid="account-node"][data-account-id="${SLAVE}"]`);
  await expect(card.getByTestId('guard-tripped')).toContainText('daily loss limit reached');
  await expect(card.getByTestId('close-only-badge')).toHaveText('Close-only');
  await screenshot(page, 'risk-guard-tripped-1440');

  await card.getByTestId('guard-reset').click();
  const dialog = page.getByTestId('confirm-dialog');
  await expect(dialog).toContainText(`Reset the equity guard of ${SLAVE}?`);
  const beforeReset = slave.mark();
  await dialog.getByTestId('confirm-button').click();
  await expect(card.getByTestId('guard-tripped')).toHaveCount(0);
  await expect(card.getByTestId('close-only-badge')).toHaveCount(0);
  await slave.waitForConfig((c) => c.master_account === MASTER && c.allow_new_orders, 15_000, {
    since: beforeReset,
  });
  const [after] = await query<{ tripped: unknown; dayStartEquity: number }[]>('risk.list', {
    accountId: SLAVE,
  });
  expect(after).toMatchObject({ tripped: null, dayStartEquity: 9_400 });
});
