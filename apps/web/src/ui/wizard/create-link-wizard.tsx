'use client';
// Create-link wizard (docs/architecture.md, Create-link wizard): 1 accounts, 2 master settings, 3 slave settings. One
// `links.create` call writes the group when the master has none yet (else its changed affixes) and the member.
import type { EaConnection } from '@sankey/shared/api/views';
import { masterSettingsInputSchema } from '@sankey/shared/domain/settings';
import { clsx } from 'clsx';
import { useEffect, useState } from 'react';
import { errorCode, errorMessage, redirectIfUnauthorized } from '../../client/trpc';
import { useToast } from '../components/toast';
import { Drawer, Field } from '../components/ui';
import { fieldErrors } from '../forms/issues';
import { MasterAffixFields } from '../forms/master-affix-fields';
import {
  defaultSlaveForm,
  type SlaveFormState,
  serverFieldErrors,
  slaveFormToInput,
} from '../forms/slave-form';
import { SlaveSettingsForm } from '../forms/slave-settings-form';
import { useI18n } from '../i18n/i18n';
import { connectionOf } from '../live/derive';
import { useLiveActions, useLiveState } from '../live/live-provider';
import { checkAccounts, type Message } from './validate';

const OTHER = '__other__';
const STATUS_ORDER = { Online: 0, Timeout: 1, Registered: 2, Offline: 3 } as const;

function AccountPicker(props: {
  label: string;
  testId: string;
  connections: EaConnection[];
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
}) {
  const { t } = useI18n();
  const known = props.connections.some((c) => c.accountId === props.value);
  const [typing, setTyping] = useState(false);
  const sorted = [...props.connections].sort(
    (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.accountId.localeCompare(b.accountId),
  );
  const selectValue = typing || (props.value !== '' && !known) ? OTHER : props.value;
  return (
    <Field label={props.label} error={props.error}>
      {(a) => (
        <div className="stack-sm">
          <select
            {...a}
            className="input"
            data-testid={props.testId}
            value={selectValue}
            onChange={(e) => {
              if (e.target.value === OTHER) {
                setTyping(true);
                props.onChange('');
              } else {
                setTyping(false);
                props.onChange(e.target.value);
              }
            }}
          >
            <option value="">{t('wizard.pick')}</option>
            {sorted.map((c) => (
              <option key={c.accountId} value={c.accountId}>
                {`${c.accountId} · ${c.broker} #${c.accountNumber} · ${t(`conn.${c.status}`)}`}
              </option>
            ))}
            <option value={OTHER}>{t('wizard.typeId')}</option>
          </select>
          {selectValue === OTHER ? (
            <input
              className="input"
              data-testid={`${props.testId}-input`}
              aria-label={`${props.label} — ${t('wizard.typedId')}`}
              placeholder={t('wizard.typedIdPlaceholder')}
              value={props.value}
              onChange={(e) => props.onChange(e.target.value)}
            />
          ) : null}
        </div>
      )}
    </Field>
  );
}

export function CreateLinkWizard(props: {
  open: boolean;
  onClose: () => void;
  initialMaster?: string | null;
}) {
  const { t } = useI18n();
  const toast = useToast();
  const state = useLiveState();
  const { api, store } = useLiveActions();
  const [step, setStep] = useState(1);
  const [master, setMaster] = useState('');
  const [slave, setSlave] = useState('');
  const [prefix, setPrefix] = useState('');
  const [suffix, setSuffix] = useState('');
  const [masterErrors, setMasterErrors] = useState<Record<string, string>>({});
  const [form, setForm] = useState<SlaveFormState>(defaultSlaveForm);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (!props.open) return;
    setStep(1);
    setMaster(props.initialMaster ?? '');
    setSlave('');
    setForm(defaultSlaveForm());
    setErrors({});
    setMasterErrors({});
  }, [props.open, props.initialMaster]);

  const group = state.tradeGroups.find((g) => g.id === master.trim());
  const groupMembers = state.members.filter((m) => m.tradeGroupId === master.trim());
  const check = checkAccounts({ master, slave, connections: state.connections, members: state.members });
  const msg = (m: Message | undefined) => (m ? t(m.key, m.params) : undefined);
  const masterConn = connectionOf(state.connections, master.trim(), 'Master');
  const slaveConn = connectionOf(state.connections, slave.trim(), 'Slave');
  const detected = masterConn?.symbolContext;
  const slaveDetected = slaveConn?.symbolContext;

  const goToStep2 = () => {
    if (check.errors.master || check.errors.slave) return;
    setPrefix(group?.masterSettings.symbolPrefix ?? '');
    setSuffix(group?.masterSettings.symbolSuffix ?? '');
    setStep(2);
  };

  const goToStep3 = () => {
    const parsed = masterSettingsInputSchema.safeParse({
      symbolPrefix: prefix.trim() || null,
      symbolSuffix: suffix.trim() || null,
    });
    if (!parsed.success) {
      setMasterErrors(fieldErrors(parsed.error.issues, t, (p) => String(p[0])));
      return;
    }
    setMasterErrors({});
    setStep(3);
  };

  const create = async () => {
    const r = slaveFormToInput(form, t);
    if (!r.ok) {
      setErrors(r.errors);
      return;
    }
    setErrors({});
    setSaving(true);
    const m = master.trim();
    const s = slave.trim();
    const symbolPrefix = prefix.trim() || null;
    const symbolSuffix = suffix.trim() || null;
    try {
      const link = await api.links.create.mutate({
        masterAccount: m,
        slaveAccount: s,
        masterSettings: { enabled: false, symbolPrefix, symbolSuffix },
        slaveSettings: r.value,
        enabled: false,
      });
      store.upsertGroup(link.group);
      store.upsertMember(link.member);
      toast.show('success', t('wizard.created', { master: m, slave: s }));
      props.onClose();
    } catch (err) {
      if (redirectIfUnauthorized(err)) return;
      if (errorCode(err) === 'BAD_REQUEST') setErrors(serverFieldErrors(errorMessage(err)));
      toast.show('error', t('wizard.failed', { message: errorMessage(err) }));
    } finally {
      setSaving(false);
    }
  };

  const steps = [
    [t('wizard.step1'), t('wizard.step1Sub')],
    [t('wizard.step2'), t('wizard.step2Sub')],
    [t('wizard.step3'), t('wizard.step3Sub')],
  ] as const;

  const blocked = Boolean(check.errors.master || check.errors.slave);

  return (
    <Drawer
      open={props.open}
      onClose={props.onClose}
      title={t('wizard.title')}
      testId="create-link-wizard"
      footer={
        <>
          <button
            type="button"
            className="btn btn-outline"
            onClick={step === 1 ? props.onClose : () => setStep(step - 1)}
          >
            {step === 1 ? t('common.cancel') : t('common.back')}
          </button>
          {step < 3 ? (
            <button
              type="button"
              className="btn btn-primary"
              data-testid="wizard-next"
              disabled={step === 1 && blocked}
              onClick={step === 1 ? goToStep2 : goToStep3}
            >
              {t('common.next')}
            </button>
          ) : (
            <button
              type="button"
              className="btn btn-primary"
              data-testid="wizard-create"
              disabled={saving}
              onClick={create}
            >
              {saving ? t('common.saving') : t('wizard.create')}
            </button>
          )}
        </>
      }
    >
      <ol className="stepper">
        {steps.map(([title, sub], i) => (
          <li
            key={title}
            className={clsx('step', i + 1 === step && 'step-current', i + 1 < step && 'step-done')}
          >
            <span className="step-number">{i + 1}</span>
            <span>
              <strong>{title}</strong>
              <span className="muted small block">{sub}</span>
            </span>
          </li>
        ))}
      </ol>

      {step === 1 ? (
        <div className="stack">
          <AccountPicker
            label={t('wizard.master')}
            testId="master-selector"
            connections={state.connections.filter((c) => c.eaType === 'Master')}
            value={master}
            onChange={setMaster}
            error={master || slave ? msg(check.errors.master) : undefined}
          />
          <AccountPicker
            label={t('wizard.slave')}
            testId="slave-selector"
            connections={state.connections.filter((c) => c.eaType === 'Slave')}
            value={slave}
            onChange={setSlave}
            error={slave ? msg(check.errors.slave) : undefined}
          />
          {check.warnings.map((w) => (
            <p
              key={`${w.key}${JSON.stringify(w.params)}`}
              className="alert alert-warning"
              data-testid="wizard-warning"
            >
              {t(w.key, w.params)}
            </p>
          ))}
          <p className="muted small">{t('wizard.startDisabled')}</p>
        </div>
      ) : null}

      {step === 2 ? (
        <div className="stack">
          <p className={clsx('alert', group ? 'alert-warning' : 'alert-info')}>
            {group ? t('wizard.existingGroup', { count: groupMembers.length }) : t('wizard.newGroup')}
          </p>
          <MasterAffixFields
            detected={detected}
            prefix={prefix}
            suffix={suffix}
            setPrefix={setPrefix}
            setSuffix={setSuffix}
            errors={masterErrors}
            hideDetectedWhenApplied
          />
        </div>
      ) : null}

      {step === 3 ? (
        <div className="stack">
          <p className="muted">
            <span className="mono">{master.trim()}</span> → <span className="mono">{slave.trim()}</span>
          </p>
          {slaveDetected && (slaveDetected.detectedPrefix || slaveDetected.detectedSuffix) ? (
            <div className="alert alert-info">
              <span>
                {t('wizard.detectedSlave', {
                  prefix: slaveDetected.detectedPrefix,
                  suffix: slaveDetected.detectedSuffix,
                })}
              </span>
              <button
                type="button"
                className="btn btn-outline btn-sm"
                onClick={() =>
                  setForm({
                    ...form,
                    symbolPrefix: slaveDetected.detectedPrefix,
                    symbolSuffix: slaveDetected.detectedSuffix,
                  })
                }
              >
                {t('wizard.applyDetected')}
              </button>
            </div>
          ) : null}
          <SlaveSettingsForm
            value={form}
            onChange={(next) => {
              setForm(next);
              // Once errors are shown, re-check on every edit so they clear as soon as the value is valid.
              if (Object.keys(errors).length > 0) {
                const r = slaveFormToInput(next, t);
                setErrors(r.ok ? {} : r.errors);
              }
            }}
            errors={errors}
          />
        </div>
      ) : null}
    </Drawer>
  );
}
