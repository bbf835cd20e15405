'use client';
// The slave account's equity guard, edited in the member drawer (docs/risk-controls.md): minimum equity, daily loss
// (amount or percent of the day-start equity), the day start hour and zone, closeAll. Validated with the shared zod
// schema before it goes; saved at once (apart from the link's settings: the guard belongs to the account).
import { type EquityGuard, equityGuardSchema } from '@sankey/shared/domain/risk';
import { useEffect, useState } from 'react';
import { Checkbox, Field } from '../components/ui';
import { useI18n } from '../i18n/i18n';
import { useAccountRisk, useRiskActions } from './risk-context';

interface GuardForm {
  minEquity: string;
  dailyLoss: string;
  dailyKind: 'amount' | 'percent';
  dayStartHour: string;
  timeZone: string;
  closeAll: boolean;
}

const formOf = (g: EquityGuard | null | undefined): GuardForm => ({
  minEquity: g?.minEquity == null ? '' : String(g.minEquity),
  dailyLoss: g?.dailyLoss ? String(g.dailyLoss.value) : '',
  dailyKind: g?.dailyLoss?.kind ?? 'percent',
  dayStartHour: String(g?.dayStartHour ?? 0),
  timeZone: g?.timeZone ?? 'UTC',
  closeAll: g?.closeAll ?? false,
});

const numberOrNull = (s: string) => (s.trim() === '' ? null : Number(s.trim().replace(',', '.')));

export function GuardEditor(props: { accountId: string }) {
  const { t } = useI18n();
  const risk = useAccountRisk(props.accountId);
  const actions = useRiskActions();
  const [form, setForm] = useState<GuardForm>(() => formOf(risk?.equityGuard));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const stored = JSON.stringify(risk?.equityGuard ?? null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-initialised when the stored guard changes
  useEffect(() => setForm(formOf(risk?.equityGuard)), [stored]);
  if (!actions) return null;

  const set = <K extends keyof GuardForm>(k: K, v: GuardForm[K]) => setForm({ ...form, [k]: v });
  const save = async (remove: boolean) => {
    let guard: EquityGuard | null = null;
    if (!remove) {
      const daily = numberOrNull(form.dailyLoss);
      const parsed = equityGuardSchema.safeParse({
        minEquity: numberOrNull(form.minEquity),
        dailyLoss: daily === null ? null : { kind: form.dailyKind, value: daily },
        dayStartHour: Number(form.dayStartHour),
        timeZone: form.timeZone.trim() || 'UTC',
        closeAll: form.closeAll,
      });
      if (!parsed.success) {
        const i = parsed.error.issues[0];
        setError(`${i?.path.join('.') || t('risk.guard')}: ${i?.message ?? ''}`);
        return;
      }
      guard = parsed.data;
    }
    setBusy(true);
    setError(await actions.saveGuard(props.accountId, guard));
    setBusy(false);
  };

  const text = (k: 'minEquity' | 'dailyLoss' | 'dayStartHour' | 'timeZone', label: string) => (
    <Field label={label}>
      {(a) => (
        <input
          {...a}
          className="input"
          name={`guard-${k}`}
          autoComplete="off"
          value={form[k]}
          onChange={(e) => set(k, e.target.value)}
        />
      )}
    </Field>
  );

  return (
    <fieldset className="form-section" data-testid="guard-editor">
      <legend>{t('risk.guardTitle', { id: props.accountId })}</legend>
      <p className="field-message muted">{t('risk.guardHelp')}</p>
      <div className="form-grid">
        {text('minEquity', t('risk.minEquity'))}
        {text('dailyLoss', t('risk.dailyLoss'))}
        <Field label={t('risk.dailyKind')}>
          {(a) => (
            <select
              {...a}
              className="input"
              name="guard-dailyKind"
              value={form.dailyKind}
              onChange={(e) => set('dailyKind', e.target.value as GuardForm['dailyKind'])}
            >
              <option value="percent">{t('risk.kind.percent')}</option>
              <option value="amount">{t('risk.kind.amount')}</option>
            </select>
          )}
        </Field>
        {text('dayStartHour', t('risk.dayStartHour'))}
        {text('timeZone', t('form.tradingTimeZone'))}
        <Checkbox
          name="guard-closeAll"
          checked={form.closeAll}
          onChange={(v) => set('closeAll', v)}
          label={t('risk.closeAllOnTrip')}
        />
      </div>
      {error ? (
        <p className="alert alert-error small" role="alert" data-testid="guard-error">
          {error}
        </p>
      ) : null}
      <div className="row">
        <button
          type="button"
          className="btn btn-outline btn-sm"
          data-testid="guard-save"
          disabled={busy}
          onClick={() => void save(false)}
        >
          {t('risk.saveGuard')}
        </button>
        {risk?.equityGuard ? (
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            data-testid="guard-remove"
            disabled={busy}
            onClick={() => void save(true)}
          >
            {t('risk.removeGuard')}
          </button>
        ) : null}
      </div>
    </fieldset>
  );
}
