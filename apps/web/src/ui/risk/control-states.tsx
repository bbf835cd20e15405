'use client';
// Each risk control of a member with its state and until when (docs/risk-controls.md, "Until when"): trading hours
// closed/open until the next transition (the viewer's local time plus the member's zone), a tripped equity guard
// with its figures until the next day start or a reset, the position cap's n/max, manual and master close-only.
import type { MemberControlsView, RiskControlState } from '@sankey/shared/api/risk-views';
import type { Translate } from '../i18n/i18n';
import { useI18n } from '../i18n/i18n';
import { guardReason } from './risk-badges';
import { useSlaveControls } from './risk-context';

const locale = (lang: string) => (lang === 'ja' ? 'ja-JP' : 'en-GB');

/** An instant in the viewer's zone (`viewerZone`, default the browser's) and in the control's own zone. */
export function formatUntil(
  iso: string,
  zone: string,
  lang: string,
  t: Translate,
  viewerZone?: string,
): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const opts: Intl.DateTimeFormatOptions = {
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  };
  const local = d.toLocaleString(locale(lang), {
    ...opts,
    day: 'numeric',
    month: 'short',
    timeZone: viewerZone,
  });
  const zoneTime = d.toLocaleString(locale(lang), { ...opts, timeZone: zone });
  return t('control.at', { local, zoneTime, zone });
}

const amount = (v: number | null, lang: string) =>
  v === null ? '—' : v.toLocaleString(locale(lang), { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** One control's state in words. */
export function controlText(c: RiskControlState, t: Translate, lang: string, viewerZone?: string): string {
  switch (c.control) {
    case 'trading_hours':
      if (c.until === null) return t(c.closeOnly ? 'control.hours.closedAlways' : 'control.hours.openAlways');
      return t(c.closeOnly ? 'control.hours.closed' : 'control.hours.open', {
        until: formatUntil(c.until, c.timeZone, lang, t, viewerZone),
      });
    case 'equity_guard': {
      const figures = { equity: amount(c.equity, lang), limit: amount(c.limit, lang) };
      if (c.closeOnly && c.reason) {
        const reason = guardReason(c.reason, t);
        return c.until === null
          ? t('control.guard.trippedReset', { ...figures, reason })
          : t('control.guard.trippedDay', {
              ...figures,
              reason,
              until: formatUntil(c.until, c.timeZone, lang, t, viewerZone),
            });
      }
      return c.equity === null ? t('control.guard.noEquity') : t('control.guard.active', figures);
    }
    case 'max_positions':
      return t(c.closeOnly ? 'control.cap.tripped' : 'control.cap.active', { open: c.open, max: c.max });
    case 'manual_close_only':
      return t('control.manual');
    case 'master_close_only':
      return t('control.master');
  }
}

function ControlList(props: { member: MemberControlsView; onlyCloseOnly?: boolean; withMaster?: boolean }) {
  const { t, lang } = useI18n();
  const controls = props.member.controls.filter(
    // The card shows what holds the link close-only; a tripped guard has its own line there (with Reset).
    (c) => !props.onlyCloseOnly || (c.closeOnly && c.control !== 'equity_guard'),
  );
  if (controls.length === 0) return null;
  return (
    <ul className="control-states small" data-testid="control-states" data-master={props.member.tradeGroupId}>
      {controls.map((c) => (
        <li
          key={c.control}
          data-testid="control-state"
          data-control={c.control}
          data-close-only={c.closeOnly ? 'true' : 'false'}
          className={c.closeOnly ? 'control-on' : 'muted'}
        >
          {props.withMaster ? `${props.member.tradeGroupId}: ` : ''}
          {controlText(c, t, lang)}
        </li>
      ))}
    </ul>
  );
}

/** On the slave account's card: the controls holding one of its links close-only now, per link, until when. */
export function CardControls(props: { slaveAccount: string }) {
  const { t } = useI18n();
  const members = useSlaveControls(props.slaveAccount);
  // Cluster mode: the controls of a slave on another relay are that relay's view (docs/cluster.md).
  const relay = members.find((m) => m.relayId !== undefined)?.relayId;
  return (
    <div
      className="nodrag"
      data-testid="card-controls"
      data-relay-id={relay}
      title={relay === undefined ? undefined : t('control.fromRelay', { relay })}
    >
      {members.map((m) => (
        <ControlList key={m.tradeGroupId} member={m} onlyCloseOnly withMaster />
      ))}
    </div>
  );
}

/** In the member drawer: every control set on this link, with its state and until when. */
export function MemberControls(props: { tradeGroupId: string; slaveAccount: string }) {
  const member = useSlaveControls(props.slaveAccount).find((m) => m.tradeGroupId === props.tradeGroupId);
  return member ? <ControlList member={member} /> : null;
}

/** Rows for the account card's details: every control of each of the account's links. */
export function ControlDetails(props: { slaveAccount: string }) {
  const { t } = useI18n();
  const members = useSlaveControls(props.slaveAccount);
  if (members.length === 0) return null;
  return (
    <>
      <dt>{t('control.title')}</dt>
      <dd data-testid="detail-controls">
        {members.map((m) => (
          <ControlList key={m.tradeGroupId} member={m} withMaster />
        ))}
      </dd>
    </>
  );
}
