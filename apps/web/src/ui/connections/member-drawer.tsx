'use client';
// Edit drawer of one link (member): the full slave settings form, validated locally, saved with members.update.
import type { MemberView } from '@sankey/shared/api/views';
import { History } from 'lucide-react';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { errorCode, errorMessage, redirectIfUnauthorized } from '../../client/trpc';
import { useToast } from '../components/toast';
import { Drawer } from '../components/ui';
import { type SlaveFormState, serverFieldErrors, slaveFormFrom, slaveFormToInput } from '../forms/slave-form';
import { SlaveSettingsForm } from '../forms/slave-settings-form';
import { historyHref } from '../history/labels';
import { useI18n } from '../i18n/i18n';
import { useLiveActions } from '../live/live-provider';
import { MemberControls } from '../risk/control-states';
import { GuardEditor } from '../risk/guard-editor';
import { GuardSummary, MemberRiskNow } from '../risk/risk-badges';

export function MemberDrawer(props: { member: MemberView | null; onClose: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const { api, store } = useLiveActions();
  const [form, setForm] = useState<SlaveFormState | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const member = props.member;

  // Re-initialise only when another link is opened (live updates must not overwrite what is being typed).
  const memberId = member?.id;
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the link's identity on purpose
  useEffect(() => {
    setForm(member ? slaveFormFrom(member.slaveSettings) : null);
    setErrors({});
  }, [memberId]);

  if (!member || !form) return null;

  const save = async () => {
    const r = slaveFormToInput(form, t);
    if (!r.ok) {
      setErrors(r.errors);
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      const view = await api.members.update.mutate({
        tradeGroupId: member.tradeGroupId,
        slaveAccount: member.slaveAccount,
        slaveSettings: r.value,
      });
      store.upsertMember(view);
      toast.show('success', t('member.saved', { master: member.tradeGroupId, slave: member.slaveAccount }));
      props.onClose();
    } catch (err) {
      if (redirectIfUnauthorized(err)) return;
      if (errorCode(err) === 'BAD_REQUEST') setErrors(serverFieldErrors(errorMessage(err)));
      toast.show('error', t('member.failed', { message: errorMessage(err) }));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Drawer
      open
      onClose={props.onClose}
      title={t('member.title')}
      description={`${member.tradeGroupId} → ${member.slaveAccount} · ${t('master.configVersion', { version: member.slaveSettings.configVersion })}`}
      testId="member-drawer"
      footer={
        <>
          {Object.keys(errors).length > 0 ? (
            <span className="error-text small">{t('member.fixErrors')}</span>
          ) : null}
          <button type="button" className="btn btn-outline" onClick={props.onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="btn btn-primary"
            data-testid="member-save"
            disabled={saving}
            onClick={save}
          >
            {saving ? t('common.saving') : t('common.save')}
          </button>
        </>
      }
    >
      <p>
        <Link
          className="link small"
          href={historyHref(member.tradeGroupId, member.slaveAccount)}
          data-testid="member-history-link"
        >
          <History size={14} aria-hidden="true" /> {t('history.linkMember')}
        </Link>
      </p>
      <MemberRiskNow tradeGroupId={member.tradeGroupId} slaveAccount={member.slaveAccount} />
      <MemberControls tradeGroupId={member.tradeGroupId} slaveAccount={member.slaveAccount} />
      <GuardSummary accountId={member.slaveAccount} />
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
      <GuardEditor accountId={member.slaveAccount} />
    </Drawer>
  );
}
