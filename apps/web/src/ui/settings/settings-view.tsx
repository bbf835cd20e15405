'use client';
// Settings page: relay status and ports, the cluster (cluster-card.tsx), the EA ini download, log shipping, synonym groups, heartbeat timeout,
// and the admin password and API token (security-cards.tsx).
import { LOG_LEVELS } from '@sankey/shared/protocol/constants';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Download, RefreshCw } from 'lucide-react';
import { useEffect, useState } from 'react';
import { errorMessage, useTRPC } from '../../client/trpc';
import { ClusterCard } from '../cluster/cluster-card';
import { useToast } from '../components/toast';
import { Badge, Card, Checkbox, Field } from '../components/ui';
import { useI18n } from '../i18n/i18n';
import { useLiveState } from '../live/live-provider';
import { HeartbeatField, overrideOf } from './env-note';
import { ApiTokenCard, ChangePasswordCard } from './security-cards';
import { type SettingsFormState, settingsFormFrom, settingsFormToInput } from './settings-form';

function formatUptime(s: number): string {
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${d > 0 ? `${d}d ` : ''}${h}h ${m}m ${Math.floor(s % 60)}s`;
}

export function SettingsView() {
  const { t } = useI18n();
  const toast = useToast();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const live = useLiveState();
  const status = useQuery(trpc.system.status.queryOptions());
  const settings = useQuery(trpc.settings.get.queryOptions());
  const [form, setForm] = useState<SettingsFormState | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});

  useEffect(() => {
    if (settings.data) setForm(settingsFormFrom(settings.data));
  }, [settings.data]);

  // Another tab or API client changed the settings: reload them.
  useEffect(() => {
    if (live.settingsVersion > 0)
      void queryClient.invalidateQueries({ queryKey: trpc.settings.get.queryKey() });
  }, [live.settingsVersion, queryClient, trpc]);

  const update = useMutation(
    trpc.settings.update.mutationOptions({
      onSuccess: (data) => {
        queryClient.setQueryData(trpc.settings.get.queryKey(), data);
        toast.show('success', t('settings.saved'));
      },
      onError: (err) => {
        setErrors({ form: errorMessage(err) });
        toast.show('error', t('settings.failed', { message: errorMessage(err) }));
      },
    }),
  );

  const changePassword = useMutation(trpc.auth.changePassword.mutationOptions());
  const rotateToken = useMutation(trpc.system.rotateApiToken.mutationOptions());

  const save = () => {
    if (!form) return;
    const r = settingsFormToInput(form, t);
    if (!r.ok) {
      setErrors(r.errors);
      return;
    }
    setErrors({});
    update.mutate(r.value);
  };

  const set = <K extends keyof SettingsFormState>(k: K, v: SettingsFormState[K]) =>
    form && setForm({ ...form, [k]: v });
  const s = status.data;

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1 className="page-title">{t('settings.title')}</h1>
          <p className="muted small">{t('settings.subtitle')}</p>
        </div>
        <button type="button" className="btn btn-outline" onClick={() => void status.refetch()}>
          <RefreshCw size={16} /> {t('common.refresh')}
        </button>
      </div>
      <div className="cards">
        <Card
          title={t('settings.relay')}
          testId="relay-card"
          actions={
            s ? (
              <Badge tone={s.relayReachable ? 'green' : 'red'} testId="relay-reachable">
                {s.relayReachable ? t('settings.relayReachable') : t('settings.relayUnreachable')}
              </Badge>
            ) : null
          }
        >
          {s ? (
            <dl className="details">
              <dt>{t('settings.version')}</dt>
              <dd>{s.version ?? t('common.none')}</dd>
              <dt>{t('settings.uptime')}</dt>
              <dd>{s.uptimeS === null ? t('common.none') : formatUptime(s.uptimeS)}</dd>
              <dt>{t('settings.portReceiver')}</dt>
              <dd className="mono" data-testid="port-receiver">
                {s.ports.receiver}
              </dd>
              <dt>{t('settings.portPublisher')}</dt>
              <dd className="mono" data-testid="port-publisher">
                {s.ports.publisher}
              </dd>
              <dt>{t('settings.portRelayHttp')}</dt>
              <dd className="mono">{s.ports.relayHttp}</dd>
              <dt>{t('settings.portWeb')}</dt>
              <dd className="mono">{s.ports.web}</dd>
            </dl>
          ) : (
            <p className="muted">{t('common.loading')}</p>
          )}
          {s && Object.keys(s.counters).length > 0 ? (
            <details className="counters">
              <summary>{t('settings.counters')}</summary>
              <dl className="details mono small">
                {Object.entries(s.counters).map(([k, v]) => (
                  <div key={k} className="contents">
                    <dt>{k}</dt>
                    <dd>{v}</dd>
                  </div>
                ))}
              </dl>
            </details>
          ) : null}
        </Card>

        <Card title={t('settings.ini')}>
          <p className="muted small">{t('settings.iniHelp')}</p>
          <a className="btn btn-outline" href="/api/ea/sankey_copier.ini" download data-testid="ini-download">
            <Download size={16} /> {t('settings.iniDownload')}
          </a>
        </Card>

        <ClusterCard />

        {form ? (
          <Card title={t('settings.general')} testId="settings-form">
            {errors['form'] ? <p className="alert alert-error">{errors['form']}</p> : null}
            <fieldset className="form-section">
              <legend>{t('settings.logShipping')}</legend>
              <p className="muted small">{t('settings.logShippingHelp')}</p>
              <div className="form-grid">
                <Checkbox
                  checked={form.enabled}
                  onChange={(v) => set('enabled', v)}
                  label={t('settings.lsEnabled')}
                />
                <Field label={t('settings.lsHost')} error={errors['host']}>
                  {(a) => (
                    <input
                      {...a}
                      className="input"
                      name="host"
                      placeholder="http://victorialogs:9428"
                      value={form.host}
                      onChange={(e) => set('host', e.target.value)}
                    />
                  )}
                </Field>
                <Field label={t('settings.lsBatchSize')} error={errors['batchSize']}>
                  {(a) => (
                    <input
                      {...a}
                      className="input"
                      name="batchSize"
                      inputMode="numeric"
                      value={form.batchSize}
                      onChange={(e) => set('batchSize', e.target.value)}
                    />
                  )}
                </Field>
                <Field label={t('settings.lsFlush')} error={errors['flushIntervalSecs']}>
                  {(a) => (
                    <input
                      {...a}
                      className="input"
                      name="flushIntervalSecs"
                      inputMode="numeric"
                      value={form.flushIntervalSecs}
                      onChange={(e) => set('flushIntervalSecs', e.target.value)}
                    />
                  )}
                </Field>
                <Field label={t('settings.lsLevel')}>
                  {(a) => (
                    <select
                      {...a}
                      className="input"
                      name="logLevel"
                      value={form.logLevel}
                      onChange={(e) => set('logLevel', e.target.value as SettingsFormState['logLevel'])}
                    >
                      {LOG_LEVELS.map((l) => (
                        <option key={l} value={l}>
                          {l}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
              </div>
            </fieldset>
            <fieldset className="form-section">
              <legend>{t('settings.synonyms')}</legend>
              <Field
                label={t('settings.synonyms')}
                help={t('settings.synonymsHelp')}
                error={errors['synonymGroups']}
              >
                {(a) => (
                  <textarea
                    {...a}
                    className="input textarea mono"
                    name="synonymGroups"
                    rows={6}
                    value={form.synonymGroups}
                    onChange={(e) => set('synonymGroups', e.target.value)}
                  />
                )}
              </Field>
            </fieldset>
            <fieldset className="form-section">
              <legend>{t('settings.heartbeat')}</legend>
              <HeartbeatField
                value={form.heartbeatTimeoutS}
                override={overrideOf(s?.envOverrides, 'heartbeatTimeoutS')}
                error={errors['heartbeatTimeoutS']}
                onChange={(v) => set('heartbeatTimeoutS', v)}
              />
            </fieldset>
            <div className="row-end">
              <button
                type="button"
                className="btn btn-primary"
                data-testid="settings-save"
                disabled={update.isPending}
                onClick={save}
              >
                {update.isPending ? t('common.saving') : t('common.save')}
              </button>
            </div>
          </Card>
        ) : (
          <p className="muted">{t('common.loading')}</p>
        )}

        <ChangePasswordCard
          changePassword={changePassword.mutateAsync}
          fixedBy={overrideOf(s?.envOverrides, 'adminPassword')}
        />
        <ApiTokenCard
          rotate={() => rotateToken.mutateAsync()}
          fixedBy={overrideOf(s?.envOverrides, 'apiToken')}
        />
      </div>
    </div>
  );
}
