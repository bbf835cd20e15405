'use client';
// What an account card shows of the risk controls (docs/risk-controls.md): a "Close-only" badge (master close-only;
// for a slave, a link switched to close-only or its tripped equity guard) and, for a tripped guard, why, until when,
// and a Reset button (confirmed in RiskProvider's dialog).
import type { MemberView } from '@sankey/shared/api/views';
import type { EquityGuard } from '@sankey/shared/domain/risk';
import { ShieldAlert } from 'lucide-react';
import { Badge, Checkbox } from '../components/ui';
import type { Translate } from '../i18n/i18n';
import { useI18n } from '../i18n/i18n';
import { useAccountRisk, useRiskActions, useSlaveControls, useSlaveRiskStates } from './risk-context';

export function guardReason(reason: string, t: Translate): string {
  return reason === 'daily_loss' || reason === 'min_equity' ? t(`risk.reason.${reason}`) : reason;
}

function formatTime(iso: string, lang: string) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB');
}

const money = (v: number | null, lang: string) =>
  v === null ? '—' : v.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB', { minimumFractionDigits: 2 });

/** Why a member's Opens are refused now, in words. */
export function memberReasons(reasons: readonly string[], t: Translate): string {
  return reasons
    .map((r) =>
      r === 'master_close_only'
        ? t('risk.why.master_close_only')
        : r === 'manual_close_only'
          ? t('risk.why.manual_close_only')
          : t(`reason.${r}` as 'reason.equity_guard'),
    )
    .join('; ');
}

export function CloseOnlyBadge(props: {
  accountId: string;
  kind: 'master' | 'slave';
  members: readonly MemberView[];
}) {
  const { t } = useI18n();
  const risk = useAccountRisk(props.accountId);
  const states = useSlaveRiskStates(props.kind === 'slave' ? props.accountId : '');
  const why =
    props.kind === 'master'
      ? risk?.masterCloseOnly
        ? t('risk.closeOnlyMasterTip')
        : null
      : risk?.tripped
        ? t('risk.closeOnlyGuardTip')
        : states.length > 0
          ? states.map((s) => `${s.tradeGroupId}: ${memberReasons(s.reasons, t)}`).join(' · ')
          : props.members.some((m) => m.slaveSettings.risk.closeOnly)
            ? t('risk.closeOnlyLinkTip')
            : null;
  if (!why) return null;
  return (
    <Badge tone="amber" testId="close-only-badge" title={why}>
      {t('risk.closeOnly')}
    </Badge>
  );
}

/** The tripped guard of a slave account, with a Reset button; nothing when none is tripped. */
export function GuardTripped(props: { accountId: string }) {
  const { t, lang } = useI18n();
  const risk = useAccountRisk(props.accountId);
  const actions = useRiskActions();
  // The guard's figures (equity vs limit) as the relay computed them for any of the account's links.
  const guard = useSlaveControls(props.accountId)
    .flatMap((m) => m.controls)
    .find((c) => c.control === 'equity_guard');
  if (!risk?.tripped || !actions) return null;
  const reason = guardReason(risk.tripped.reason, t);
  return (
    <div className="alert alert-error small nodrag" role="status" data-testid="guard-tripped">
      <ShieldAlert size={14} aria-hidden="true" />{' '}
      {risk.tripped.reason === 'min_equity'
        ? t('risk.guardTrippedReset', { reason })
        : t('risk.guardTripped', { reason, until: formatTime(risk.tripped.until, lang) })}
      {guard?.control === 'equity_guard'
        ? ` (${t('control.figures', { equity: money(guard.equity, lang), limit: money(guard.limit, lang) })})`
        : ''}{' '}
      <button
        type="button"
        className="btn btn-outline btn-sm"
        data-testid="guard-reset"
        onClick={() => actions.askReset(props.accountId)}
      >
        {t('risk.reset')}
      </button>
    </div>
  );
}

/** Master close-only, applied at once (not with the drawer's Save): Opens refused for every link of the master. */
export function MasterCloseOnlyField(props: { accountId: string }) {
  const { t } = useI18n();
  const risk = useAccountRisk(props.accountId);
  const actions = useRiskActions();
  if (!actions) return null;
  return (
    <fieldset className="form-section" data-testid="master-close-only">
      <legend>{t('form.section.risk')}</legend>
      <Checkbox
        name="masterCloseOnly"
        checked={risk?.masterCloseOnly ?? false}
        onChange={(on) => void actions.setMasterCloseOnly(props.accountId, on)}
        label={t('risk.masterCloseOnly')}
      />
      <p className="field-message muted">{t('risk.masterCloseOnlyHelp')}</p>
    </fieldset>
  );
}

function guardLimits(g: EquityGuard, t: Translate): string {
  return [
    g.minEquity !== null ? t('risk.limitMin', { value: g.minEquity }) : null,
    g.dailyLoss
      ? t('risk.limitDaily', {
          value: g.dailyLoss.kind === 'percent' ? `${g.dailyLoss.value} %` : g.dailyLoss.value,
        })
      : null,
  ]
    .filter(Boolean)
    .join(', ');
}

/** Rows for the account card's details: the guard's limits and the day-start equity (nothing without a guard). */
export function GuardDetails(props: { accountId: string }) {
  const { t } = useI18n();
  const risk = useAccountRisk(props.accountId);
  const g = risk?.equityGuard;
  if (!g) return null;
  return (
    <>
      <dt>{t('risk.guard')}</dt>
      <dd data-testid="detail-guard">
        {guardLimits(g, t)}
        {risk.dayStartEquity !== null ? ` · ${t('risk.dayStartEquity', { value: risk.dayStartEquity })}` : ''}
      </dd>
    </>
  );
}

/** The slave account's equity guard in the member drawer: its limits, and a trip with Reset. */
export function GuardSummary(props: { accountId: string }) {
  const { t } = useI18n();
  const risk = useAccountRisk(props.accountId);
  const g = risk?.equityGuard;
  return (
    <div data-testid="guard-summary">
      <p className="small muted">
        {g ? t('risk.guardSet', { limits: guardLimits(g, t) }) : t('risk.guardNone')}
      </p>
      <GuardTripped accountId={props.accountId} />
    </div>
  );
}

/** In the member drawer: whether this link is close-only now, and why. */
export function MemberRiskNow(props: { tradeGroupId: string; slaveAccount: string }) {
  const { t } = useI18n();
  const state = useSlaveRiskStates(props.slaveAccount).find((s) => s.tradeGroupId === props.tradeGroupId);
  if (!state) return null;
  return (
    <p className="alert alert-warning small" role="status" data-testid="member-risk-now">
      {t('risk.memberNow', { reasons: memberReasons(state.reasons, t) })}
    </p>
  );
}
