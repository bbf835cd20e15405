'use client';
// Master settings drawer: symbol prefix/suffix and delivery mode (tradeGroups.update), the linked slaves (each
// opens its link editor, and shows its delivery switch while it runs) and deleting the whole group.
import { DELIVERY_MODES, type DeliveryMode } from '@sankey/shared/domain/delivery';
import { masterSettingsInputSchema } from '@sankey/shared/domain/settings';
import { History, Settings2 } from 'lucide-react';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { errorMessage, redirectIfUnauthorized } from '../../client/trpc';
import { useToast } from '../components/toast';
import { Badge, ConfirmDialog, Drawer, Field } from '../components/ui';
import { fieldErrors } from '../forms/issues';
import { MasterAffixFields } from '../forms/master-affix-fields';
import { historyHref } from '../history/labels';
import { useI18n } from '../i18n/i18n';
import { badgeTone, connectionOf, memberBadge } from '../live/derive';
import { useLiveActions, useLiveState } from '../live/live-provider';
import { routeKey } from '../live/store';
import { MasterCloseOnlyField } from '../risk/risk-badges';
import { badgeLabel } from './labels';

export function MasterDrawer(props: {
  masterId: string | null;
  onClose: () => void;
  onEditMember: (tradeGroupId: string, slaveAccount: string) => void;
}) {
  const { t } = useI18n();
  const toast = useToast();
  const state = useLiveState();
  const actions = useLiveActions();
  const group = state.tradeGroups.find((g) => g.id === props.masterId);
  const members = state.members.filter((m) => m.tradeGroupId === props.masterId);
  // The stored settings from the first render on (the effect below only re-initialises when another master opens):
  // with the defaults first, an isolated group's drawer showed "shared" until the effect ran.
  const [prefix, setPrefix] = useState(() => group?.masterSettings.symbolPrefix ?? '');
  const [suffix, setSuffix] = useState(() => group?.masterSettings.symbolSuffix ?? '');
  const [delivery, setDelivery] = useState<DeliveryMode>(() => group?.masterSettings.delivery ?? 'shared');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const [confirm, setConfirm] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: initialise when another master is opened only
  useEffect(() => {
    setPrefix(group?.masterSettings.symbolPrefix ?? '');
    setSuffix(group?.masterSettings.symbolSuffix ?? '');
    setDelivery(group?.masterSettings.delivery ?? 'shared');
    setErrors({});
  }, [props.masterId]);

  if (!props.masterId) return null;
  const id = props.masterId;
  const detected = connectionOf(state.connections, id, 'Master')?.symbolContext;

  const save = async () => {
    const masterSettings = {
      symbolPrefix: prefix.trim() || null,
      symbolSuffix: suffix.trim() || null,
      delivery,
    };
    const parsed = masterSettingsInputSchema.safeParse(masterSettings);
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error.issues, t, (p) => String(p[0])));
      return;
    }
    setSaving(true);
    try {
      actions.store.upsertGroup(await actions.api.tradeGroups.update.mutate({ id, masterSettings }));
      toast.show('success', t('master.saved'));
      props.onClose();
    } catch (err) {
      if (!redirectIfUnauthorized(err)) {
        setErrors({ form: errorMessage(err) });
        toast.show('error', t('member.failed', { message: errorMessage(err) }));
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <Drawer
      open
      onClose={props.onClose}
      title={t('master.title')}
      description={
        group ? `${id} · ${t('master.configVersion', { version: group.masterSettings.configVersion })}` : id
      }
      testId="master-drawer"
      footer={
        group ? (
          <>
            <button type="button" className="btn btn-destructive-outline" onClick={() => setConfirm(true)}>
              {t('master.deleteGroup')}
            </button>
            <span className="spacer" />
            <button type="button" className="btn btn-outline" onClick={props.onClose}>
              {t('common.cancel')}
            </button>
            <button
              type="button"
              className="btn btn-primary"
              data-testid="master-save"
              disabled={saving}
              onClick={save}
            >
              {saving ? t('common.saving') : t('common.save')}
            </button>
          </>
        ) : undefined
      }
    >
      {!group ? (
        <p className="muted">{t('master.noGroup')}</p>
      ) : (
        <>
          {errors['form'] ? <p className="alert alert-error">{errors['form']}</p> : null}
          <fieldset className="form-section">
            <legend>{t('master.symbolRules')}</legend>
            <MasterAffixFields
              detected={detected}
              prefix={prefix}
              suffix={suffix}
              setPrefix={setPrefix}
              setSuffix={setSuffix}
              errors={errors}
            />
          </fieldset>
          <p>
            <Link className="link small" href={historyHref(id)} data-testid="master-history-link">
              <History size={14} aria-hidden="true" /> {t('history.linkGroup')}
            </Link>
          </p>
          <fieldset className="form-section">
            <legend>{t('master.delivery')}</legend>
            <Field label={t('master.delivery')} help={t('master.deliveryHelp')} error={errors['delivery']}>
              {(a) => (
                <select
                  {...a}
                  className="input"
                  name="delivery"
                  data-testid="master-delivery"
                  value={delivery}
                  onChange={(e) => setDelivery(e.target.value as DeliveryMode)}
                >
                  {DELIVERY_MODES.map((m) => (
                    <option key={m} value={m}>
                      {t(`master.delivery.${m}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </fieldset>
          <MasterCloseOnlyField accountId={id} />
          <fieldset className="form-section">
            <legend>{t('master.slaves')}</legend>
            <ul className="plain-list">
              {members.map((m) => {
                const badge = memberBadge(m.enabled, m.status);
                const route = state.deliveryRoutes[routeKey(m.tradeGroupId, m.slaveAccount)];
                return (
                  <li key={m.id} className="row-between">
                    <span className="mono">{m.slaveAccount}</span>
                    <span className="row">
                      {route && route.phase !== 'shared' ? (
                        <span className="muted mono" data-testid="member-route" title={route.alias}>
                          {t(`master.route.${route.phase}`, { alias: route.alias })}
                        </span>
                      ) : null}
                      <Badge tone={badgeTone[badge]}>{badgeLabel(badge, t)}</Badge>
                      <button
                        type="button"
                        className="btn btn-ghost btn-icon"
                        aria-label={t('edge.edit')}
                        onClick={() => props.onEditMember(m.tradeGroupId, m.slaveAccount)}
                      >
                        <Settings2 size={16} />
                      </button>
                    </span>
                  </li>
                );
              })}
            </ul>
          </fieldset>
        </>
      )}
      <ConfirmDialog
        open={confirm}
        title={t('delete.groupTitle')}
        body={t('delete.groupBody', { master: id, count: members.length })}
        confirmLabel={t('common.delete')}
        onCancel={() => setConfirm(false)}
        onConfirm={async () => {
          setConfirm(false);
          if (await actions.deleteGroup(id)) props.onClose();
        }}
      />
    </Drawer>
  );
}
