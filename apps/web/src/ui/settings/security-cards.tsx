'use client';
// Settings → Security: change the admin password (the other sessions are signed out) and rotate the API token
// (shown once). The cards take the API calls as props so the component tests can run them without a server.
import { type ChangePasswordInput, changePasswordInputSchema } from '@sankey/shared/api/inputs';
import type { EnvOverride } from '@sankey/shared/api/views';
import { KeyRound, RotateCw } from 'lucide-react';
import { useState } from 'react';
import { errorCode, errorMessage } from '../../client/trpc';
import { useToast } from '../components/toast';
import { Card, Field } from '../components/ui';
import { useI18n } from '../i18n/i18n';
import { EnvNote } from './env-note';

type Errors = Partial<Record<'currentPassword' | 'newPassword' | 'confirm' | 'form', string>>;

export function ChangePasswordCard(props: {
  fixedBy?: EnvOverride | undefined;
  changePassword: (input: ChangePasswordInput) => Promise<{ sessionsEnded: number }>;
}) {
  const { t } = useI18n();
  const toast = useToast();
  const [form, setForm] = useState({ currentPassword: '', newPassword: '', confirm: '' });
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const next: Errors = {};
    if (form.currentPassword === '') next.currentPassword = t('form.err.empty');
    const parsed = changePasswordInputSchema.shape.newPassword.safeParse(form.newPassword);
    if (!parsed.success) next.newPassword = t('security.tooShort');
    else if (form.confirm !== form.newPassword) next.confirm = t('security.mismatch');
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    setBusy(true);
    try {
      const r = await props.changePassword({
        currentPassword: form.currentPassword,
        newPassword: form.newPassword,
      });
      setForm({ currentPassword: '', newPassword: '', confirm: '' });
      toast.show('success', t('security.changed', { count: r.sessionsEnded }));
    } catch (err) {
      const message = errorMessage(err);
      if (errorCode(err) === 'BAD_REQUEST' && message.startsWith('currentPassword')) {
        setErrors({ currentPassword: t('security.wrongCurrent') });
      } else if (errorCode(err) === 'TOO_MANY_REQUESTS') {
        setErrors({ form: t('security.limited', { message }) });
      } else {
        setErrors({ form: message });
      }
    } finally {
      setBusy(false);
    }
  };

  const input = (name: keyof typeof form, autoComplete: string) => (a: { id: string }) => (
    <input
      {...a}
      className="input"
      type="password"
      name={name}
      data-testid={`pw-${name}`}
      autoComplete={autoComplete}
      value={form[name]}
      onChange={(e) => setForm({ ...form, [name]: e.target.value })}
    />
  );

  return (
    <Card title={t('security.password')} testId="password-card">
      <p className="muted small">{t('security.passwordHelp')}</p>
      {props.fixedBy ? <EnvNote override={props.fixedBy} /> : null}
      {errors.form ? (
        <p className="alert alert-error" role="alert" data-testid="pw-error">
          {errors.form}
        </p>
      ) : null}
      <div className="form-grid">
        <Field label={t('security.current')} error={errors.currentPassword}>
          {input('currentPassword', 'current-password')}
        </Field>
        <Field label={t('security.new')} error={errors.newPassword}>
          {input('newPassword', 'new-password')}
        </Field>
        <Field label={t('security.confirm')} error={errors.confirm}>
          {input('confirm', 'new-password')}
        </Field>
      </div>
      <div className="row-end">
        <button
          type="button"
          className="btn btn-primary"
          data-testid="pw-submit"
          disabled={busy || props.fixedBy !== undefined}
          onClick={() => void submit()}
        >
          <KeyRound size={16} /> {busy ? t('common.saving') : t('security.change')}
        </button>
      </div>
    </Card>
  );
}

export function ApiTokenCard(props: {
  rotate: () => Promise<{ apiToken: string }>;
  fixedBy?: EnvOverride | undefined;
}) {
  const { t } = useI18n();
  const [step, setStep] = useState<'idle' | 'confirm' | 'busy'>('idle');
  const [token, setToken] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const rotate = async () => {
    setStep('busy');
    setError(null);
    try {
      setToken((await props.rotate()).apiToken);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setStep('idle');
    }
  };

  return (
    <Card title={t('security.token')} testId="token-card">
      <p className="muted small">{t('security.tokenHelp')}</p>
      {props.fixedBy ? <EnvNote override={props.fixedBy} /> : null}
      {error ? (
        <p className="alert alert-error" role="alert" data-testid="token-error">
          {error}
        </p>
      ) : null}
      {token ? (
        <div className="field">
          <p className="alert" role="status">
            {t('security.tokenOnce')}
          </p>
          <input
            className="input mono"
            readOnly
            aria-label={t('security.token')}
            data-testid="token-value"
            value={token}
            onFocus={(e) => e.currentTarget.select()}
          />
          <div className="row-end">
            <button type="button" className="btn btn-outline" onClick={() => setToken(null)}>
              {t('security.tokenHide')}
            </button>
          </div>
        </div>
      ) : null}
      {step === 'confirm' ? (
        <div className="row-end">
          <span className="small">{t('security.rotateConfirm')}</span>
          <button type="button" className="btn btn-outline" onClick={() => setStep('idle')}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="btn btn-destructive"
            data-testid="token-rotate-confirm"
            onClick={() => void rotate()}
          >
            {t('security.rotateYes')}
          </button>
        </div>
      ) : (
        <div className="row-end">
          <button
            type="button"
            className="btn btn-outline"
            data-testid="token-rotate"
            disabled={step === 'busy' || props.fixedBy !== undefined}
            onClick={() => setStep('confirm')}
          >
            <RotateCw size={16} /> {t('security.rotate')}
          </button>
        </div>
      )}
    </Card>
  );
}
