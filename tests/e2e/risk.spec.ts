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
  const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const res = await fetch(`${baseUrl}/api/trpc/${path}${qs}`, {
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

// Trading hours' until when (docs/risk-controls.md, "Until when"): a London window that opens tomorrow at 10:00;
// the slave's card says it is closed until then, in the viewer's time (the browser runs in Tokyo) plus London's.
test.describe('trading hours until when', () => {
  test.use({ viewport: { width: 375, height: 812 }, timezoneId: 'Asia/Tokyo' });
  const HM = 'RK_Master_4002';
  const HS = 'RK_Slave_H';
  let hm: SimMaster;
  let hs: SimSlave;

  test.beforeAll(async () => {
    hm = await simMaster(HM);
    hs = await simSlave(HS, { equity: 10_000 });
    const londonWeekday = new Date().toLocaleString('en-US', { timeZone: 'Europe/London', weekday: 'short' });
    const today = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(londonWeekday);
    await trpc('tradeGroups.create', {
      id: HM,
      masterSettings: { enabled: true },
      members: [
        {
          slaveAccount: HS,
          enabled: true,
          slaveSettings: {
            risk: {
              tradingHours: {
                timeZone: 'Europe/London',
                windows: [{ day: (today + 1) % 7, from: '10:00', to: '11:00' }],
              },
            },
          },
        },
      ],
    });
    await hs.waitForConfig((c) => c.master_account === HM && c.status === 2 && !c.allow_new_orders, 15_000);
  });

  test.afterAll(async () => {
    await trpc('tradeGroups.delete', { id: HM }).catch(() => {});
    await Promise.all([hm, hs].map((ea) => ea?.stop().catch(() => {})));
  });

  test('the slave card and its details say closed until the window opens, in English and Japanese', async ({
    page,
  }) => {
    const all = await query<
      { slaveAccount: string; controls: { control: string; until: string | null }[] }[]
    >('risk.controls', undefined);
    const member = all.find((m) => m.slaveAccount === HS);
    const until = new Date(member?.controls.find((c) => c.control === 'trading_hours')?.until ?? '');
    const opts = { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } as const;
    const tokyo = until.toLocaleString('en-GB', {
      ...opts,
      day: 'numeric',
      month: 'short',
      timeZone: 'Asia/Tokyo',
    });
    const london = until.toLocaleString('en-GB', { ...opts, timeZone: 'Europe/London' });
    expect(london).toMatch(/ 10:00$/);

    await login(page);
    await page.getByTestId('master-filter').selectOption(HM); // only this link's cards, inside the 375 px graph
    const card = page.locator(`[data-testid="account-node"][data-account-id="${HS}"]`);
    await expect(card.getByTestId('card-controls')).toHaveText(
      `${HM}: Trading hours: closed until ${tokyo} your time (${london} Europe/London)`,
    );
    await expect(card.getByTestId('close-only-badge')).toHaveText('Close-only');
    await card.getByTestId('node-expand').click();
    await expect(card.getByTestId('detail-controls')).toHaveText(
      `${HM}: Trading hours: closed until ${tokyo} your time (${london} Europe/London)`,
    );
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, 'risk-hours-until-375');

    await page.getByTestId('language-switch').click();
    const ja = until.toLocaleString('ja-JP', {
      ...opts,
      day: 'numeric',
      month: 'short',
      timeZone: 'Asia/Tokyo',
    });
    const jaLondon = until.toLocaleString('ja-JP', { ...opts, timeZone: 'Europe/London' });
    await expect(card.getByTestId('card-controls')).toHaveText(
      `${HM}: 取引時間: あなたの時刻 ${ja}（Europe/London ${jaLondon}） まで時間外（新規停止）`,
    );
    await screenshot(page, 'risk-hours-until-375-ja');
  });
});
