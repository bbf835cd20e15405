// @vitest-environment happy-dom
// The account card's risk state (docs/risk-controls.md): a tripped equity guard with why and until when, its Reset
// behind a confirmation, "Close-only" badges for a master and a slave, and the same in Japanese.
import type { AccountRiskView } from '@sankey/shared/api/risk-views';
import { defaultSlaveSettings } from '@sankey/shared/domain/settings';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Lang } from './i18n/dict';
import { GuardEditor } from './risk/guard-editor';
import { CloseOnlyBadge, GuardDetails, GuardTripped, MemberRiskNow } from './risk/risk-badges';
import { renderRisk, riskApi, trippedGuard } from './risk-test-fixtures';
import { member } from './test-fixtures';

afterEach(cleanup);

const tripped: AccountRiskView = {
  accountId: 'S1',
  equityGuard: {
    minEquity: null,
    dailyLoss: { kind: 'percent', value: 5 },
    dayStartHour: 0,
    timeZone: 'UTC',
    closeAll: false,
  },
  day: '2026-01-01',
  dayStartEquity: 10_000,
  tripped: { reason: 'daily_loss', at: '2026-01-01T10:00:00Z', equity: 9_490, until: '2026-01-02T00:00:00Z' },
  masterCloseOnly: false,
};
const master: AccountRiskView = {
  ...tripped,
  accountId: 'M1',
  equityGuard: null,
  tripped: null,
  masterCloseOnly: true,
};

function setup(lang: Lang = 'en') {
  let rows = [tripped, master];
  const resetGuard = vi.fn(async ({ accountId }: { accountId: string }) => {
    rows = rows.map((r) => (r.accountId === accountId ? { ...r, tripped: null } : r));
    return rows.find((r) => r.accountId === accountId)!;
  });
  const api = riskApi({
    list: () => rows,
    members: [
      {
        tradeGroupId: 'M2',
        slaveAccount: 'S3',
        reasons: ['max_positions', 'outside_trading_hours'],
        openCopies: 3,
      },
    ],
    controls: [
      {
        tradeGroupId: 'M1',
        slaveAccount: 'S1',
        controls: [
          trippedGuard({ reason: 'daily_loss', until: '2026-01-02T00:00:00Z', equity: 9_490, limit: 9_500 }),
        ],
      },
    ],
    mutate: { resetGuard },
  });
  renderRisk(
    lang,
    api,
    <>
      <div data-testid="slave-card">
        <CloseOnlyBadge accountId="S1" kind="slave" members={[member('M1', 'S1')]} />
        <GuardTripped accountId="S1" />
        <dl>
          <GuardDetails accountId="S1" />
        </dl>
      </div>
      <div data-testid="master-card">
        <CloseOnlyBadge accountId="M1" kind="master" members={[]} />
      </div>
      <div data-testid="capped-card">
        <CloseOnlyBadge accountId="S3" kind="slave" members={[]} />
        <MemberRiskNow tradeGroupId="M2" slaveAccount="S3" />
      </div>
      <div data-testid="other-card">
        <CloseOnlyBadge
          accountId="S2"
          kind="slave"
          members={[
            member('M1', 'S2', {
              slaveSettings: {
                ...defaultSlaveSettings(),
                risk: { closeOnly: true, maxOpenPositions: null, tradingHours: null },
              },
            }),
          ]}
        />
      </div>
    </>,
  );
  return resetGuard;
}

describe('risk state on the account cards', () => {
  it('shows a tripped guard and resets it only after the confirmation', async () => {
    const resetGuard = setup();
    const banner = await screen.findByTestId('guard-tripped');
    expect(banner.textContent).toContain('daily loss limit reached');
    expect(banner.textContent).toContain('Close-only until');
    await waitFor(() => expect(banner.textContent).toContain('(equity 9,490.00 vs limit 9,500.00)'));
    expect(screen.getByTestId('detail-guard').textContent).toBe('daily loss 5 % · day-start equity 10000');
    for (const card of ['slave-card', 'master-card', 'other-card'])
      expect(screen.getByTestId(card).querySelector('[data-testid="close-only-badge"]')?.textContent).toBe(
        'Close-only',
      );

    const capped = screen.getByTestId('capped-card');
    expect(capped.querySelector('[data-testid="close-only-badge"]')?.getAttribute('title')).toBe(
      'M2: the link already holds its maximum number of copied positions; outside the link’s trading hours',
    );
    expect(capped.querySelector('[data-testid="member-risk-now"]')?.textContent).toContain(
      'This link copies no new positions now',
    );

    fireEvent.click(screen.getByTestId('guard-reset'));
    expect(screen.getByTestId('confirm-dialog').textContent).toContain('Reset the equity guard of S1?');
    fireEvent.click(within(screen.getByTestId('confirm-dialog')).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByTestId('confirm-dialog')).toBeNull();
    expect(resetGuard).not.toHaveBeenCalled();

    fireEvent.click(screen.getByTestId('guard-reset'));
    fireEvent.click(screen.getByTestId('confirm-button'));
    await waitFor(() => expect(screen.queryByTestId('guard-tripped')).toBeNull());
    expect(resetGuard).toHaveBeenCalledWith({ accountId: 'S1' });
    expect(screen.getByTestId('slave-card').querySelector('[data-testid="close-only-badge"]')).toBeNull();
  });

  it('speaks Japanese', async () => {
    setup('ja');
    const banner = await screen.findByTestId('guard-tripped');
    expect(banner.textContent).toContain('1日の損失上限に到達');
    expect(screen.getByTestId('master-card').textContent).toContain('決済のみ');
    expect(screen.getByTestId('guard-reset').textContent).toBe('ガードをリセット');
  });
});

describe('equity guard editor', () => {
  function setupEditor() {
    const setGuard = vi.fn(async (input: { accountId: string; guard: unknown }) => {
      if ((input.guard as { closeAll: boolean }).closeAll)
        throw new Error('closeAll needs isolated delivery: S1 receives M1 in shared delivery');
      return { ...tripped, tripped: null, equityGuard: input.guard };
    });
    renderRisk('en', riskApi({ mutate: { setGuard } }), <GuardEditor accountId="S1" />);
    return setGuard;
  }
  const type = (name: string, value: string) =>
    fireEvent.change(screen.getByRole('textbox', { name }), { target: { value } });

  it('validates before saving, saves the guard, and shows the relay refusing closeAll in words', async () => {
    const setGuard = setupEditor();
    type('Daily loss limit (empty = none)', '150');
    fireEvent.click(screen.getByTestId('guard-save'));
    expect(screen.getByTestId('guard-error').textContent).toContain('a percent is at most 100');
    expect(setGuard).not.toHaveBeenCalled();

    type('Daily loss limit (empty = none)', '5');
    type('Minimum equity (empty = none)', '900');
    fireEvent.click(screen.getByTestId('guard-save'));
    await waitFor(() => expect(setGuard).toHaveBeenCalledTimes(1));
    expect(setGuard.mock.calls[0]![0]).toEqual({
      accountId: 'S1',
      guard: {
        minEquity: 900,
        dailyLoss: { kind: 'percent', value: 5 },
        dayStartHour: 0,
        timeZone: 'UTC',
        closeAll: false,
      },
    });

    fireEvent.click(screen.getByRole('checkbox', { name: /close every copy/ }));
    fireEvent.click(screen.getByTestId('guard-save'));
    expect((await screen.findByTestId('guard-error')).textContent).toContain('isolated delivery');
  });
});
