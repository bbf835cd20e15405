'use client';
// Live feed of trade_received / trade_copied / trade_filtered (reason in words) / delivery_failed, filterable
// by account. Entries are collected by the shell's socket for as long as the admin UI is open.
import type { FilterReason, TradeAction } from '@sankey/shared/protocol/constants';
import { useQuery } from '@tanstack/react-query';
import { clsx } from 'clsx';
import { Server } from 'lucide-react';
import { useMemo, useState } from 'react';
import { useTRPC } from '../../client/trpc';
import { Badge } from '../components/ui';
import { explainReason } from '../connections/labels';
import type { Translate } from '../i18n/i18n';
import { useI18n } from '../i18n/i18n';
import { useLiveActions, useLiveState } from '../live/live-provider';
import { type ActivityEntry, filterActivity } from '../live/store';

const TONE = {
  trade_received: 'blue',
  trade_copied: 'green',
  trade_filtered: 'amber',
  delivery_failed: 'red',
} as const;

export function describeActivity(e: ActivityEntry, t: Translate): string {
  const lots = (l: number | null) => (l === null ? '' : t('activity.lots', { lots: l }));
  switch (e.kind) {
    case 'trade_received':
      return t('activity.received', {
        account: e.payload.sourceAccount,
        action: t(`action.${e.payload.action}`),
        ticket: e.payload.ticket,
        symbol: e.payload.symbol ?? '',
        lots: lots(e.payload.lots),
      });
    case 'trade_copied':
      return t('activity.copied', {
        action: t(`action.${e.payload.action}`),
        ticket: e.payload.ticket,
        symbol: e.payload.symbol ?? '',
        lots: lots(e.payload.lots),
        // Isolated delivery (docs/protocol.md D23): the alias is what the slave's EA panel shows as the master.
        master: e.payload.via
          ? t('activity.via', { master: e.payload.masterAccount, alias: e.payload.via })
          : e.payload.masterAccount,
        slave: e.payload.slaveAccount,
        latency: `${(e.payload.relayLatencyUs / 1000).toFixed(2)} ms`,
      });
    case 'trade_filtered':
      return t('activity.filtered', {
        ticket: e.payload.ticket,
        master: e.payload.masterAccount,
        slave: e.payload.slaveAccount,
        reason: explainReason(e.payload.reason, t),
      });
    case 'delivery_failed':
      return t('activity.failed', { topic: e.payload.topic, reason: e.payload.reason });
  }
}

export function ActivityList({ entries }: { entries: readonly ActivityEntry[] }) {
  const { t, lang } = useI18n();
  if (entries.length === 0) return <p className="empty muted">{t('activity.empty')}</p>;
  return (
    <ol className="activity-list" data-testid="activity-list">
      {entries.map((e) => (
        <li
          key={e.seq}
          className={clsx('activity-item')}
          data-testid="activity-item"
          data-kind={e.kind}
          data-relay-id={e.payload.relayId}
        >
          <time className="mono muted small" dateTime={e.at}>
            {new Date(e.at).toLocaleTimeString(lang === 'ja' ? 'ja-JP' : 'en-GB')}
          </time>
          <Badge tone={TONE[e.kind]}>{t(`activity.kind.${e.kind}`)}</Badge>
          <span className="activity-text">
            {describeActivity(e, t)}
            {e.payload.relayId ? (
              <>
                {' '}
                <Badge
                  tone="gray"
                  testId="activity-relay"
                  title={t('cluster.onRelay', { relay: e.payload.relayId })}
                >
                  <Server size={12} aria-hidden="true" /> <span className="mono">{e.payload.relayId}</span>
                </Badge>
              </>
            ) : null}
          </span>
        </li>
      ))}
    </ol>
  );
}

export function ActivityView() {
  const { t } = useI18n();
  const state = useLiveState();
  const { store } = useLiveActions();
  const [account, setAccount] = useState<string>('');
  const accounts = useMemo(() => {
    const all = new Set<string>();
    for (const c of state.connections) all.add(c.accountId);
    for (const g of state.tradeGroups) all.add(g.id);
    for (const m of state.members) all.add(m.slaveAccount);
    for (const e of state.activity) for (const a of e.accounts) all.add(a);
    return [...all].sort((a, b) => a.localeCompare(b));
  }, [state.connections, state.tradeGroups, state.members, state.activity]);
  const entries = filterActivity(state.activity, account || null);

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1 className="page-title">{t('activity.title')}</h1>
          <p className="muted small">{t('activity.subtitle')}</p>
        </div>
        <div className="toolbar">
          <label className="row small">
            <span className="muted">{t('activity.filter')}</span>
            <select
              className="input input-sm"
              data-testid="activity-filter"
              value={account}
              onChange={(e) => setAccount(e.target.value)}
            >
              <option value="">{t('activity.filterAll')}</option>
              {accounts.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="btn btn-outline" onClick={() => store.clearActivity()}>
            {t('activity.clear')}
          </button>
        </div>
      </div>
      <ActivityList entries={entries} />
      <SignalHistory
        masterAccount={account && state.tradeGroups.some((g) => g.id === account) ? account : null}
      />
    </div>
  );
}

/** The relay's signal journal: survives page reloads and relay restarts, unlike the live feed above. */
export function SignalHistory({ masterAccount }: { masterAccount: string | null }) {
  const { t, lang } = useI18n();
  const trpc = useTRPC();
  const history = useQuery({
    ...trpc.signals.list.queryOptions({ limit: 50, ...(masterAccount ? { masterAccount } : {}) }),
    refetchInterval: 3_000,
  });
  const rows = history.data ?? [];
  return (
    <section className="history" data-testid="signal-history">
      <h2 className="section-title">{t('activity.history.title')}</h2>
      <p className="muted small">{t('activity.history.subtitle')}</p>
      {rows.length === 0 ? (
        <p className="empty muted">{t('activity.history.empty')}</p>
      ) : (
        <ol className="activity-list">
          {rows.map((r) => {
            const reasons = Object.entries(r.payload.filtered)
              .map(([reason, n]) => `${explainReason(reason as FilterReason, t)} ×${n}`)
              .join(', ');
            return (
              <li key={r.id} className="activity-item" data-testid="history-item">
                <time className="mono muted small" dateTime={r.receivedAt}>
                  {new Date(r.receivedAt).toLocaleTimeString(lang === 'ja' ? 'ja-JP' : 'en-GB')}
                </time>
                <span className="activity-text">
                  {t('activity.history.entry', {
                    ticket: r.ticket,
                    action: t(`action.${r.action as TradeAction}`),
                    symbol: r.symbol ?? '',
                    master: r.masterAccount,
                    accepted: r.payload.accepted,
                  })}
                  {reasons ? ` · ${t('activity.history.filtered', { reasons })}` : ''}
                </span>
                <span className="mono muted small">{t('activity.history.seq', { seq: r.seq })}</span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
