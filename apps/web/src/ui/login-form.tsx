'use client';
// The login card. Works without JavaScript too (plain form post, the server redirects); with it, a JSON post
// shows errors in place.
import { type FormEvent, useState } from 'react';
import { useI18n } from './i18n/i18n';
import { LanguageSwitch } from './language-switch';
import { ThemeToggle } from './theme';

/** `initialError` comes from the form-post redirect: a wrong password, or the wait the login limits impose. */
export function LoginForm(props: { next: string; initialError: boolean; limitedForS?: number | undefined }) {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(
    props.limitedForS !== undefined
      ? t('login.limited', { seconds: props.limitedForS })
      : props.initialError
        ? t('login.wrong')
        : null,
  );
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await fetch('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify({ password }),
      });
      if (res.ok) {
        window.location.assign(props.next);
        return;
      }
      const body = (await res.json().catch(() => null)) as { message?: string } | null;
      setError(
        res.status === 401
          ? t('login.wrong')
          : res.status === 429
            ? t('login.limited', { seconds: res.headers.get('retry-after') ?? '?' })
            : t('login.failed', { message: body?.message ?? res.statusText }),
      );
    } catch (err) {
      setError(t('login.failed', { message: err instanceof Error ? err.message : String(err) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login-page">
      <div className="login-tools">
        <LanguageSwitch />
        <ThemeToggle />
      </div>
      <form className="card login-card" method="post" action="/api/auth/login" onSubmit={submit}>
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true">
            ⇶
          </span>
          <span>{t('app.name')}</span>
        </div>
        <h1 className="page-title">{t('login.title')}</h1>
        <p className="muted small">{t('login.subtitle')}</p>
        <input type="hidden" name="next" value={props.next} />
        <label className="field">
          <span className="field-label">{t('login.password')}</span>
          <input
            className="input"
            type="password"
            name="password"
            data-testid="login-password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error ? (
          <p className="alert alert-error" role="alert" data-testid="login-error">
            {error}
          </p>
        ) : null}
        <button
          type="submit"
          className="btn btn-primary btn-block"
          data-testid="login-submit"
          disabled={busy}
        >
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
        <p className="muted small">{t('login.hint')}</p>
      </form>
    </main>
  );
}
