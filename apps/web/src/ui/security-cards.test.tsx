// @vitest-environment happy-dom
// Component tests for the login limits message and the Settings security cards (password change, API-token
// rotation), against fake API calls.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { TRPCClientError } from '@trpc/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ToastProvider } from './components/toast';
import type { Lang } from './i18n/dict';
import { I18nProvider } from './i18n/i18n';
import { LoginForm } from './login-form';
import { ApiTokenCard, ChangePasswordCard } from './settings/security-cards';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const wrap = (ui: React.ReactNode, lang: Lang = 'en') =>
  render(
    <I18nProvider initial={lang}>
      <ToastProvider>{ui}</ToastProvider>
    </I18nProvider>,
  );

/** A failed tRPC call as the client reports it. */
const trpcError = (code: string, message: string) =>
  TRPCClientError.from({ error: { code: -32600, message, data: { code } } });

const type = (testId: string, value: string) =>
  fireEvent.change(screen.getByTestId(testId), { target: { value } });

describe('login form', () => {
  it('shows how long to wait when the login limits refuse (429 + Retry-After)', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(JSON.stringify({ error: 'TOO_MANY_REQUESTS', message: 'x' }), {
            status: 429,
            headers: { 'retry-after': '16' },
          }),
      ),
    );
    wrap(<LoginForm next="/" initialError={false} />);
    type('login-password', 'guess');
    fireEvent.click(screen.getByTestId('login-submit'));
    expect((await screen.findByTestId('login-error')).textContent).toBe(
      'Too many wrong passwords. Try again in 16 s.',
    );
  });

  it('shows the wait after a refused form post, in Japanese too', () => {
    wrap(<LoginForm next="/" initialError={true} limitedForS={8} />, 'ja');
    expect(screen.getByTestId('login-error').textContent).toBe(
      'パスワードの誤りが多すぎます。8 秒後にもう一度お試しください。',
    );
  });
});

describe('change password card', () => {
  it('checks the form before calling: length and the repeated password', async () => {
    const changePassword = vi.fn(async () => ({ sessionsEnded: 0 }));
    wrap(<ChangePasswordCard changePassword={changePassword} />);
    type('pw-currentPassword', 'old-password');
    type('pw-newPassword', 'short');
    fireEvent.click(screen.getByTestId('pw-submit'));
    expect(await screen.findByText('At least 8 characters.')).toBeTruthy();
    type('pw-newPassword', 'long-enough-password');
    type('pw-confirm', 'different-password');
    fireEvent.click(screen.getByTestId('pw-submit'));
    expect(await screen.findByText('The two new passwords differ.')).toBeTruthy();
    expect(changePassword).not.toHaveBeenCalled();
  });

  it('sends current and new password, clears the form and says how many sessions ended', async () => {
    const changePassword = vi.fn(async () => ({ sessionsEnded: 2 }));
    wrap(<ChangePasswordCard changePassword={changePassword} />);
    type('pw-currentPassword', 'old-password');
    type('pw-newPassword', 'long-enough-password');
    type('pw-confirm', 'long-enough-password');
    fireEvent.click(screen.getByTestId('pw-submit'));
    expect(await screen.findByText('Password changed; 2 other session(s) signed out')).toBeTruthy();
    expect(changePassword).toHaveBeenCalledWith({
      currentPassword: 'old-password',
      newPassword: 'long-enough-password',
    });
    expect((screen.getByTestId('pw-currentPassword') as HTMLInputElement).value).toBe('');
  });

  it('marks a wrong current password on its field and shows a rate-limit refusal', async () => {
    const changePassword = vi
      .fn()
      .mockRejectedValueOnce(trpcError('BAD_REQUEST', 'currentPassword: wrong password'))
      .mockRejectedValueOnce(trpcError('TOO_MANY_REQUESTS', 'too many wrong passwords; try again in 4 s'));
    wrap(<ChangePasswordCard changePassword={changePassword} />, 'ja');
    type('pw-currentPassword', 'nope');
    type('pw-newPassword', 'long-enough-password');
    type('pw-confirm', 'long-enough-password');
    fireEvent.click(screen.getByTestId('pw-submit'));
    expect(await screen.findByText('パスワードが違います。')).toBeTruthy();
    fireEvent.click(screen.getByTestId('pw-submit'));
    expect((await screen.findByTestId('pw-error')).textContent).toBe(
      'パスワードの誤りが多すぎます。too many wrong passwords; try again in 4 s',
    );
  });
});

describe('API token card', () => {
  it('rotates only after confirmation and shows the new token once', async () => {
    const rotate = vi.fn(async () => ({ apiToken: 'new-token-0123456789abcdef' }));
    wrap(<ApiTokenCard rotate={rotate} />);
    fireEvent.click(screen.getByTestId('token-rotate'));
    expect(rotate).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('token-rotate-confirm'));
    const shown = (await screen.findByTestId('token-value')) as HTMLInputElement;
    expect(shown.value).toBe('new-token-0123456789abcdef');
    expect(rotate).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByText('I have copied it'));
    expect(screen.queryByTestId('token-value')).toBeNull();
  });

  it('explains a refusal (token set by SANKEY_API_TOKEN)', async () => {
    const rotate = vi.fn(async () => {
      throw trpcError('CONFLICT', 'the API token is set by SANKEY_API_TOKEN; change it there');
    });
    wrap(<ApiTokenCard rotate={rotate} />);
    fireEvent.click(screen.getByTestId('token-rotate'));
    fireEvent.click(screen.getByTestId('token-rotate-confirm'));
    await waitFor(() => expect(screen.getByTestId('token-error').textContent).toMatch(/SANKEY_API_TOKEN/));
    expect(screen.queryByTestId('token-value')).toBeNull();
  });
});
