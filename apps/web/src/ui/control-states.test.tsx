// @vitest-environment happy-dom
// Each risk control's state with until when (docs/risk-controls.md, "Until when") on the slave's card, in the
// member drawer and in the account's details, in English and Japanese: trading hours closed until the next window
// (viewer's time plus the member's zone), a tripped guard with equity vs limit, the cap's n/max, close-only.
import type { MemberControlsView } from '@sankey/shared/api/risk-views';
import { cleanup, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { dictionaries, format, type Lang } from './i18n/dict';
import type { Translate } from './i18n/i18n';
import { CardControls, ControlDetails, formatUntil, MemberControls } from './risk/control-states';
import { renderRisk, riskApi, trippedGuard } from './risk-test-fixtures';

afterEach(cleanup);

const controls: MemberControlsView[] = [
  {
    tradeGroupId: 'M1',
    slaveAccount: 'S1',
    controls: [
      { control: 'max_positions', closeOnly: true, open: 3, max: 3 },
      // Monday 22:00 in London (BST) = 21:00Z = Tuesday 06:00 in Tokyo.
      {
        control: 'trading_hours',
        closeOnly: false,
        until: '2026-03-30T21:00:00.000Z',
        timeZone: 'Europe/London',
      },
    ],
  },
  {
    tradeGroupId: 'M2',
    slaveAccount: 'S1',
    controls: [
      { control: 'master_close_only', closeOnly: true },
      trippedGuard({ reason: 'min_equity', equity: 900, limit: 1000 }),
    ],
  },
];

function setup(lang: Lang) {
  renderRisk(
    lang,
    riskApi({ controls }),
    <>
      <div data-testid="card">
        <CardControls slaveAccount="S1" />
      </div>
      <div data-testid="drawer">
        <MemberControls tradeGroupId="M1" slaveAccount="S1" />
      </div>
      <dl data-testid="details">
        <ControlDetails slaveAccount="S1" />
      </dl>
    </>,
  );
}

const lines = (testId: string) =>
  [...screen.getByTestId(testId).querySelectorAll('[data-testid="control-state"]')].map(
    (li) => li.textContent,
  );

describe('until when of each control', () => {
  it('formats an instant in the viewer zone plus the control zone', () => {
    const t: Translate = (key, p) => format(dictionaries.en[key], p);
    expect(formatUntil('2026-03-30T21:00:00.000Z', 'Europe/London', 'en', t, 'Asia/Tokyo')).toBe(
      'Tue 31 Mar, 06:00 your time (Mon 22:00 Europe/London)',
    );
    const tj: Translate = (key, p) => format(dictionaries.ja[key], p);
    expect(formatUntil('2026-03-30T21:00:00.000Z', 'Europe/London', 'ja', tj, 'Asia/Tokyo')).toBe(
      'あなたの時刻 3月31日(火) 06:00（Europe/London 22:00 (月)）',
    );
  });

  it('shows on the card what holds each link close-only, and everything in the drawer and details (English)', async () => {
    setup('en');
    await waitFor(() => expect(lines('card')).toHaveLength(2));
    expect(lines('card')).toEqual([
      'M1: Position cap: 3/3 open, close-only until a Close brings it under 3',
      'M2: Master close-only: until switched off',
    ]);
    const drawer = lines('drawer');
    expect(drawer[0]).toBe('Position cap: 3/3 open, close-only until a Close brings it under 3');
    expect(drawer[1]).toMatch(/^Trading hours: open until .+ your time \(Mon 22:00 Europe\/London\)$/);
    expect(screen.getByTestId('details').querySelector('dt')?.textContent).toBe('Risk controls');
    expect(lines('details')).toContain(
      'M2: Equity guard: tripped (equity below the minimum: equity 900.00 vs limit 1,000.00) until reset',
    );
  });

  it('says on the card when another relay (the slave’s, cluster mode) computed them', async () => {
    setup('en');
    await waitFor(() => expect(lines('card')).toHaveLength(2));
    expect(screen.getByTestId('card-controls').getAttribute('title')).toBeNull();
    cleanup();
    renderRisk(
      'en',
      riskApi({ controls: controls.map((m) => ({ ...m, relayId: 'relay-b' })) }),
      <CardControls slaveAccount="S1" />,
    );
    await waitFor(() => expect(screen.getByTestId('card-controls').dataset.relayId).toBe('relay-b'));
    expect(screen.getByTestId('card-controls').getAttribute('title')).toBe(
      'As relay relay-b (the slave’s) computes them',
    );
  });

  it('speaks Japanese', async () => {
    setup('ja');
    await waitFor(() => expect(lines('card')).toHaveLength(2));
    expect(lines('card')).toEqual([
      'M1: ポジション上限: 3/3 保有、決済で 3 未満になるまで決済のみ',
      'M2: マスターの決済のみ: オフにするまで',
    ]);
    expect(lines('drawer')[1]).toMatch(
      /^取引時間: あなたの時刻 .+（Europe\/London 22:00 \(月\)） まで取引可$/,
    );
    expect(lines('details')).toContain(
      'M2: 資産ガード: 作動中（有効証拠金が最低額を下回った: 有効証拠金 900.00 / 上限 1,000.00）リセットまで',
    );
  });
});
