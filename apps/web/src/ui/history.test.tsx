// @vitest-environment happy-dom
// The failed-change banner, the History page's states and the environment-fixed heartbeat field as a user sees
// them, in English and Japanese.
import type { ChangeHistoryView, OutboxFailureView } from '@sankey/shared/api/views';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ToastProvider } from './components/toast';
import { FailureBanner } from './history/failure-banner';
import { HistoryBody } from './history/history-view';
import type { Lang } from './i18n/dict';
import { I18nProvider } from './i18n/i18n';
import { HeartbeatField } from './settings/env-note';
import { ApiTokenCard, ChangePasswordCard } from './settings/security-cards';

afterEach(cleanup);

const within = (lang: Lang, ui: React.ReactNode) => render(<I18nProvider initial={lang}>{ui}</I18nProvider>);

const failure: OutboxFailureView = {
  id: 42,
  kind: 'member.updated',
  tradeGroupId: 'M1',
  slaveAccount: 'S1',
  attempts: 5,
  error: 'database is locked',
  state: 'failed',
  firstFailedAt: 1_780_000_000_000,
  nextAttemptAt: 1_780_000_030_000,
  waiting: 2,
};

describe('failed-change banner', () => {
  it('is absent while every change applies', () => {
    within('en', <FailureBanner failures={[]} onDiscard={() => {}} />);
    expect(screen.queryByTestId('failure-banner')).toBeNull();
  });

  it('names the change in words with the reason, links the history and discards only after confirming', () => {
    const onDiscard = vi.fn();
    within('en', <FailureBanner failures={[failure]} onDiscard={onDiscard} />);
    const banner = screen.getByRole('alert', { name: 'Changes the relay cannot apply' });
    expect(banner.textContent).toContain(
      '“Settings of link M1 → S1 changed” has not reached the EAs: the relay could not apply it (5 attempts) and keeps trying.',
    );
    expect(banner.textContent).toContain('Reason: database is locked.');
    expect(banner.textContent).toContain('2 later change(s) of this master wait behind it.');
    expect(screen.getByRole('link', { name: 'History' }).getAttribute('href')).toBe(
      '/history?group=M1&slave=S1',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Discard' }));
    expect(onDiscard).not.toHaveBeenCalled();
    expect(screen.getByTestId('confirm-dialog').textContent).toContain('The relay stops trying');
    fireEvent.click(screen.getByTestId('confirm-button'));
    expect(onDiscard).toHaveBeenCalledWith(42);
  });

  it('says a change is still being retried, in Japanese', () => {
    within(
      'ja',
      <FailureBanner failures={[{ ...failure, state: 'retrying', attempts: 2 }]} onDiscard={() => {}} />,
    );
    expect(screen.getByTestId('failure-item').textContent).toContain(
      '「リンク M1 → S1 の設定を変更」はまだ EA に届いていません。リレーが再試行中です (2 回目)。',
    );
  });
});

const entry = (over: Partial<ChangeHistoryView>): ChangeHistoryView => ({
  id: 1,
  outboxId: 1,
  kind: 'member.added',
  tradeGroupId: 'M1',
  slaveAccount: 'S1',
  createdAt: '2026-06-01T12:00:00.000Z',
  state: 'applied',
  attempts: 1,
  error: null,
  settledAt: '2026-06-01T12:00:00.100Z',
  ...over,
});

describe('history page', () => {
  it('lists each change in words with its state, attempts and error', () => {
    within(
      'en',
      <HistoryBody
        state={{
          kind: 'ready',
          filtered: false,
          entries: [
            entry({
              id: 3,
              outboxId: 3,
              kind: 'group.deleted',
              slaveAccount: null,
              state: 'discarded',
              attempts: 4,
            }),
            entry({ id: 2, outboxId: 2, kind: 'settings.updated', tradeGroupId: null, slaveAccount: null }),
            entry({ id: 1, state: 'failed', attempts: 5, error: 'database is locked' }),
          ],
        }}
      />,
    );
    const rows = screen.getAllByTestId('history-row');
    expect(rows.map((r) => r.dataset.state)).toEqual(['discarded', 'applied', 'failed']);
    expect(rows[0]?.textContent).toContain('Master M1 and its links deleted');
    expect(rows[0]?.textContent).toContain('Discarded');
    expect(rows[1]?.textContent).toContain('Global settings changed');
    expect(rows[2]?.textContent).toContain('Link M1 → S1 added');
    expect(rows[2]?.textContent).toContain('database is locked');
  });

  it('says what to do when there is nothing yet, nothing for a filter, or the list cannot load', () => {
    const { rerender } = within(
      'en',
      <HistoryBody state={{ kind: 'ready', entries: [], filtered: false }} />,
    );
    expect(screen.getByTestId('history-empty').textContent).toContain(
      'Create a link on the Connections page',
    );
    rerender(
      <I18nProvider initial="en">
        <HistoryBody state={{ kind: 'ready', entries: [], filtered: true }} />
      </I18nProvider>,
    );
    expect(screen.getByTestId('history-empty').textContent).toContain('Choose “All masters”');
    rerender(
      <I18nProvider initial="en">
        <HistoryBody state={{ kind: 'error', message: 'fetch failed' }} />
      </I18nProvider>,
    );
    expect(screen.getByRole('alert').textContent).toBe(
      'Could not load the history: fetch failed. Check that the web app is running, then reload the page.',
    );
  });

  it('speaks Japanese', () => {
    within(
      'ja',
      <HistoryBody state={{ kind: 'ready', filtered: false, entries: [entry({ state: 'pending' })] }} />,
    );
    expect(screen.getByTestId('history-row').textContent).toContain('リンク M1 → S1 を追加');
    expect(screen.getByText('保留中')).toBeTruthy();
  });
});

describe('heartbeat timeout on the Settings page', () => {
  it('is read-only with the environment’s value and names the variable when the environment sets it', () => {
    within(
      'en',
      <HeartbeatField
        value="30"
        error={undefined}
        onChange={() => {}}
        override={{ setting: 'heartbeatTimeoutS', variable: 'SANKEY_HEARTBEAT_TIMEOUT_S', value: 5 }}
      />,
    );
    const input = screen.getByLabelText('EA heartbeat timeout (seconds)') as HTMLInputElement;
    expect(input.disabled).toBe(true);
    expect(input.value).toBe('5');
    expect(screen.getByTestId('env-note-heartbeatTimeoutS').textContent).toContain(
      'Set by the environment variable SANKEY_HEARTBEAT_TIMEOUT_S',
    );
  });

  it('is editable when the environment leaves it alone', () => {
    const onChange = vi.fn();
    within('ja', <HeartbeatField value="30" error={undefined} onChange={onChange} override={undefined} />);
    const input = screen.getByLabelText('EA ハートビートのタイムアウト (秒)') as HTMLInputElement;
    expect(input.disabled).toBe(false);
    fireEvent.change(input, { target: { value: '45' } });
    expect(onChange).toHaveBeenCalledWith('45');
    expect(screen.queryByTestId('env-note-heartbeatTimeoutS')).toBeNull();
  });
});

describe('password and API token fixed by the environment', () => {
  it('cannot be changed here and name their variables', () => {
    within(
      'en',
      <ToastProvider>
        <ChangePasswordCard
          changePassword={vi.fn()}
          fixedBy={{ setting: 'adminPassword', variable: 'SANKEY_ADMIN_PASSWORD', value: null }}
        />
        <ApiTokenCard
          rotate={vi.fn()}
          fixedBy={{ setting: 'apiToken', variable: 'SANKEY_API_TOKEN', value: null }}
        />
      </ToastProvider>,
    );
    expect((screen.getByTestId('pw-submit') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId('token-rotate') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('env-note-adminPassword').textContent).toContain('SANKEY_ADMIN_PASSWORD');
    expect(screen.getByTestId('env-note-apiToken').textContent).toContain('SANKEY_API_TOKEN');
  });
});
