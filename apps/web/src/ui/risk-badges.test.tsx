// @vitest-environment happy-dom
// The account card's risk state (docs/risk-controls.md): a tripped equity guard with why and until when, its Reset
// behind a confirmation, "Close-only" badges for a master and a slave, and the same in Japanese.
import type { AccountRiskView } from '@sankey/shared/api/risk-views';
import { defaultSlaveSettings } from '@sankey/shared/domain/settings';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiClient } from '../client/trpc';
import { ToastProvider } from './components/toast';
import type { Lang } from './i18n/dict';
import { I18nProvider } from './i18n/i18n';
import { LiveProvider } from './live/live-provider';
import { CloseOnlyBadge, GuardTripped } from './risk/risk-badges';
import { RiskProvider } from './risk/risk-context';
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
  const api = {
    tradeGroups: { list: { query: async () => [] } },
    connections: { list: { query: async () => [] } },
    risk: { list: { query: async () => rows }, resetGuard: { mutate: resetGuard } },
  } as unknown as ApiClient;
  render(
    <I18nProvider initial={lang}>
      <ToastProvider>
        <LiveProvider api={api} realtime={false}>
          <RiskProvider pollMs={60_000}>
            <div data-testid="slave-card">
              <CloseOnlyBadge accountId="S1" kind="slave" members={[member('M1', 'S1')]} />
              <GuardTripped accountId="S1" />
            </div>
            <div data-testid="master-card">
              <CloseOnlyBadge accountId="M1" kind="master" members={[]} />
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
          </RiskProvider>
        </LiveProvider>
      </ToastProvider>
    </I18nProvider>,
  );
  return resetGuard;
}

describe('risk state on the account cards', () => {
  it('shows a tripped guard and resets it only after the confirmation', async () => {
    const resetGuard = setup();
    const banner = await screen.findByTestId('guard-tripped');
    expect(banner.textContent).toContain('daily loss limit reached');
    expect(banner.textContent).toContain('Close-only until');
    for (const card of ['slave-card', 'master-card', 'other-card'])
      expect(screen.getByTestId(card).querySelector('[data-testid="close-only-badge"]')?.textContent).toBe(
        'Close-only',
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
