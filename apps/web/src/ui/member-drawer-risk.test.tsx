// @vitest-environment happy-dom
// The member drawer keeps and edits the link's risk controls (docs/risk-controls.md): saving other settings must
// not reset them (an update replaces the whole settings), and close-only, the cap and trading hours are editable.
import type { MemberView } from '@sankey/shared/api/views';
import { defaultSlaveSettings } from '@sankey/shared/domain/settings';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiClient } from '../client/trpc';
import { ToastProvider } from './components/toast';
import { MemberDrawer } from './connections/member-drawer';
import type { Lang } from './i18n/dict';
import { I18nProvider } from './i18n/i18n';
import { LiveProvider } from './live/live-provider';
import { member } from './test-fixtures';

afterEach(cleanup);

const withRisk = (): MemberView =>
  member('M1', 'S1', {
    slaveSettings: {
      ...defaultSlaveSettings(),
      risk: {
        closeOnly: true,
        maxOpenPositions: 3,
        tradingHours: { timeZone: 'Europe/London', windows: [{ day: 1, from: '08:00', to: '22:00' }] },
      },
    },
  });

function renderDrawer(m: MemberView, lang: Lang = 'en') {
  const update = vi.fn(async (input: { slaveSettings: unknown }) => ({
    ...m,
    slaveSettings: input.slaveSettings,
  }));
  const api = {
    tradeGroups: { list: { query: async () => [] } },
    connections: { list: { query: async () => [] } },
    members: { list: { query: async () => [] }, update: { mutate: update } },
  } as unknown as ApiClient;
  render(
    <I18nProvider initial={lang}>
      <ToastProvider>
        <LiveProvider api={api} realtime={false}>
          <MemberDrawer member={m} onClose={() => {}} />
        </LiveProvider>
      </ToastProvider>
    </I18nProvider>,
  );
  return update;
}

describe('member drawer risk controls', () => {
  it('saving another setting keeps close-only, the cap and the trading hours', async () => {
    const update = renderDrawer(withRisk());
    fireEvent.change(screen.getByRole('textbox', { name: /Maximum retries/ }), { target: { value: '5' } });
    fireEvent.click(screen.getByTestId('member-save'));
    await waitFor(() => expect(update).toHaveBeenCalledTimes(1));
    const sent = update.mock.calls[0]![0].slaveSettings as { maxRetries: number; risk: unknown };
    expect(sent.maxRetries).toBe(5);
    expect(sent.risk).toEqual({
      closeOnly: true,
      maxOpenPositions: 3,
      tradingHours: { timeZone: 'Europe/London', windows: [{ day: 1, from: '08:00', to: '22:00' }] },
    });
  });

  it('edits the controls, and refuses a bad window and time zone with messages before saving', async () => {
    const update = renderDrawer(member('M1', 'S1'));
    expect((screen.getByRole('checkbox', { name: /Close-only/ }) as HTMLInputElement).checked).toBe(false);
    fireEvent.click(screen.getByRole('checkbox', { name: /Close-only/ }));
    fireEvent.change(screen.getByRole('textbox', { name: /Maximum open copies/ }), {
      target: { value: '2' },
    });
    fireEvent.click(screen.getByTestId('add-window'));
    fireEvent.change(screen.getByRole('textbox', { name: 'To (HH:MM)' }), { target: { value: '25:00' } });
    fireEvent.change(screen.getByRole('textbox', { name: /Time zone/ }), { target: { value: 'Mars/Base' } });
    fireEvent.click(screen.getByTestId('member-save'));
    expect(await screen.findByText(/to must be HH:MM/)).toBeTruthy();
    expect(screen.getByText(/not an IANA time zone/)).toBeTruthy();
    expect(update).not.toHaveBeenCalled();

    fireEvent.change(screen.getByRole('textbox', { name: 'To (HH:MM)' }), { target: { value: '17:30' } });
    fireEvent.change(screen.getByRole('textbox', { name: /Time zone/ }), { target: { value: 'Asia/Tokyo' } });
    fireEvent.click(screen.getByTestId('member-save'));
    await waitFor(() => expect(update).toHaveBeenCalledTimes(1));
    expect((update.mock.calls[0]![0].slaveSettings as { risk: unknown }).risk).toEqual({
      closeOnly: true,
      maxOpenPositions: 2,
      tradingHours: { timeZone: 'Asia/Tokyo', windows: [{ day: 1, from: '08:00', to: '17:30' }] },
    });
  });

  it('shows the section in Japanese', () => {
    renderDrawer(withRisk(), 'ja');
    expect(screen.getByText('リスク管理')).toBeTruthy();
    expect((screen.getByRole('textbox', { name: /コピーの最大保有数/ }) as HTMLInputElement).value).toBe('3');
  });
});
