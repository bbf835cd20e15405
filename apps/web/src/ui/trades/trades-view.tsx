'use client';
// The Trades page: one row per master ticket from the relay's journal; a row opens to each slave's outcome
// (copied with symbol, lots and state; filtered with the reason in words; parked; dead-lettered; not a member).
import type { TradeOutcome, TradesPage, TradeView } from '@sankey/shared/api/views';
import { useInfiniteQuery } from '@tanstack/react-query';
import { ChevronDown, ChevronRight, Download } from 'lucide-react';
import { Fragment, useMemo, useState } from 'react';
import { useTRPC, useTRPCClient } from '../../client/trpc';
import { Badge } from '../components/ui';
import { explainReason } from '../connections/labels';
import type { Translate } from '../i18n/i18n';
import { useI18n } from '../i18n/i18n';
import { useLiveState } from '../live/live-provider';
import { tradesToCsv } from './csv';

const OUTCOME_TONE: Record<TradeOutcome, 'green' | 'amber' | 'blue' | 'red' | 'gray'> = {
  copied: 'green',
  filtered: 'amber',
  parked: 'blue',
  dead_lettered: 'red',
  not_member: 'gray',
  unknown: 'gray',
};
const FILTERABLE = ['copied', 'filtered', 'parked', 'dead_lettered'] as const;

export interface TradeFilters {
  account: string;
  symbol: string;
  from: string;
  to: string;
  outcome: '' | (typeof FILTERABLE)[number];
}

/** `datetime-local` values are local wall-clock times; the API takes instants. */
const instant = (local: string) => (local ? new Date(local).toISOString() : undefined);

export function slaveDetail(s: TradeView['slaves'][number], t: Translate): string {
  const lots = s.lots === null ? '–' : String(Math.round(s.lots * 1e6) / 1e6);
  switch (s.outcome) {
    case 'copied':
    case 'parked':
    case 'dead_lettered':
      return t(`trades.detail.${s.outcome}`, { symbol: s.symbol ?? '–', lots });
    case 'filtered':
      return t('trades.detail.filtered', { reason: s.reason ? explainReason(s.reason, t) : '–' });
    default:
      return t(`trades.detail.${s.outcome}`);
  }
}

export function TradeRows({ trades }: { trades: readonly TradeView[] }) {
  const { t, lang } = useI18n();
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const toggle = (id: number) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const time = (iso: string) =>
    new Date(iso).toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB', {
      dateStyle: 'short',
      timeStyle: 'medium',
    });
  return (
    <div className="table-wrap">
      <table className="table" data-testid="trades-table">
        <thead>
          <tr>
            <th scope="col">
              <span className="sr-only">{t('trades.details')}</span>
            </th>
            <th scope="col">{t('trades.col.time')}</th>
            <th scope="col">{t('trades.col.master')}</th>
            <th scope="col">{t('trades.col.ticket')}</th>
            <th scope="col">{t('trades.col.symbol')}</th>
            <th scope="col">{t('trades.col.type')}</th>
            <th scope="col">{t('trades.col.lots')}</th>
            <th scope="col">{t('trades.col.state')}</th>
            <th scope="col">{t('trades.col.slaves')}</th>
          </tr>
        </thead>
        <tbody>
          {trades.map((tr) => {
            const expanded = open.has(tr.id);
            return (
              <Fragment key={tr.id}>
                <tr data-testid="trade-row" data-ticket={tr.ticket}>
                  <td>
                    <button
                      type="button"
                      className="btn btn-ghost btn-icon"
                      aria-expanded={expanded}
                      aria-label={t('trades.expand', { ticket: tr.ticket })}
                      data-testid="trade-expand"
                      onClick={() => toggle(tr.id)}
                    >
                      {expanded ? <ChevronDown size={16} /> : <ChevronRight size={16} />}
                    </button>
                  </td>
                  <td className="mono small nowrap">
                    <time dateTime={tr.openedAt}>{time(tr.openedAt)}</time>
                  </td>
                  <td className="mono">{tr.masterAccount}</td>
                  <td className="mono">#{tr.ticket}</td>
                  <td>{tr.symbol ?? '–'}</td>
                  <td>{tr.orderType ?? '–'}</td>
                  <td className="mono">{tr.lots ?? '–'}</td>
                  <td>
                    <Badge tone={tr.state === 'open' ? 'blue' : 'gray'}>
                      {t(`trades.state.${tr.state}`)}
                    </Badge>
                  </td>
                  <td className="small nowrap">
                    {t('trades.summary', { copied: tr.copied, filtered: tr.filtered })}
                  </td>
                </tr>
                {expanded && (
                  <tr className="trade-detail">
                    <td colSpan={9}>
                      {tr.slaves.length === 0 ? (
                        <p className="muted small">{t('trades.noSlaves')}</p>
                      ) : (
                        <ul className="slave-outcomes" data-testid="slave-outcomes">
                          {tr.slaves.map((s) => (
                            <li key={s.slaveAccount} data-testid="slave-outcome" data-outcome={s.outcome}>
                              <span className="mono">{s.slaveAccount}</span>
                              <Badge tone={OUTCOME_TONE[s.outcome]}>{t(`trades.outcome.${s.outcome}`)}</Badge>
                              <span className="small">{slaveDetail(s, t)}</span>
                              {s.via ? (
                                <span className="muted small mono" data-testid="slave-via" title={s.via}>
                                  {t('trades.detail.via', { alias: s.via })}
                                </span>
                              ) : null}
                              {/* The shared-delivery hazard does not apply to a trade copied under aliases. */}
                              {s.outcome === 'filtered' && !tr.slaves.some((x) => x.via) && (
                                <span className="muted small">{t('trades.detail.shared')}</span>
                              )}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

export function TradesView({ initialAccount = '' }: { initialAccount?: string }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const client = useTRPCClient();
  const live = useLiveState();
  const [f, setF] = useState<TradeFilters>({
    account: initialAccount,
    symbol: '',
    from: '',
    to: '',
    outcome: '',
  });
  const input = {
    limit: 50,
    ...(f.account && { account: f.account }),
    ...(f.symbol.trim() && { symbol: f.symbol.trim() }),
    ...(f.from && { from: instant(f.from) }),
    ...(f.to && { to: instant(f.to) }),
    ...(f.outcome && { outcome: f.outcome }),
  };
  // Pages are fetched with the client: tRPC's infiniteQueryOptions adds a `direction` key to the input, which
  // the strict input schema (docs/api.md: unknown input keys are refused) rejects.
  const query = useInfiniteQuery({
    queryKey: trpc.trades.list.queryKey(input),
    queryFn: ({ pageParam }) =>
      client.trades.list.query({ ...input, ...(pageParam != null && { cursor: pageParam }) }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last: TradesPage) => last.nextCursor ?? undefined,
    refetchInterval: 5_000,
  });
  const trades = useMemo(() => query.data?.pages.flatMap((p) => p.trades) ?? [], [query.data]);
  const accounts = useMemo(() => {
    const all = new Set<string>(initialAccount ? [initialAccount] : []);
    for (const g of live.tradeGroups) all.add(g.id);
    for (const m of live.members) all.add(m.slaveAccount);
    return [...all].sort((a, b) => a.localeCompare(b));
  }, [live.tradeGroups, live.members, initialAccount]);
  const set = <K extends keyof TradeFilters>(k: K, v: TradeFilters[K]) =>
    setF((prev) => ({ ...prev, [k]: v }));

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1 className="page-title">{t('trades.title')}</h1>
          <p className="muted small">{t('trades.subtitle')}</p>
        </div>
        <div className="toolbar">
          <button
            type="button"
            className="btn btn-outline"
            data-testid="trades-export"
            disabled={trades.length === 0}
            onClick={() => download('trades.csv', tradesToCsv(trades))}
          >
            <Download size={16} aria-hidden="true" />
            {t('trades.export')}
          </button>
        </div>
      </div>
      <div className="filters" data-testid="trades-filters">
        <label className="filter small">
          <span className="muted">{t('trades.filter.account')}</span>
          <select
            className="input input-sm"
            data-testid="trades-filter-account"
            value={f.account}
            onChange={(e) => set('account', e.target.value)}
          >
            <option value="">{t('trades.filter.allAccounts')}</option>
            {accounts.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label className="filter small">
          <span className="muted">{t('trades.filter.symbol')}</span>
          <input
            className="input input-sm"
            data-testid="trades-filter-symbol"
            value={f.symbol}
            maxLength={31}
            onChange={(e) => set('symbol', e.target.value)}
          />
        </label>
        <label className="filter small">
          <span className="muted">{t('trades.filter.from')}</span>
          <input
            type="datetime-local"
            className="input input-sm"
            value={f.from}
            onChange={(e) => set('from', e.target.value)}
          />
        </label>
        <label className="filter small">
          <span className="muted">{t('trades.filter.to')}</span>
          <input
            type="datetime-local"
            className="input input-sm"
            value={f.to}
            onChange={(e) => set('to', e.target.value)}
          />
        </label>
        <label className="filter small">
          <span className="muted">{t('trades.filter.outcome')}</span>
          <select
            className="input input-sm"
            data-testid="trades-filter-outcome"
            value={f.outcome}
            onChange={(e) => set('outcome', e.target.value as TradeFilters['outcome'])}
          >
            <option value="">{t('trades.filter.anyOutcome')}</option>
            {FILTERABLE.map((o) => (
              <option key={o} value={o}>
                {t(`trades.outcome.${o}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {query.isError ? (
        <p className="empty error-text" role="alert" data-testid="trades-error">
          {t('trades.error', { message: query.error.message })}
        </p>
      ) : query.isPending ? (
        <p className="empty muted">{t('trades.loading')}</p>
      ) : trades.length === 0 ? (
        <p className="empty muted" data-testid="trades-empty">
          {t('trades.empty')}
        </p>
      ) : (
        <>
          <TradeRows trades={trades} />
          {query.hasNextPage && (
            <button
              type="button"
              className="btn btn-outline"
              data-testid="trades-more"
              disabled={query.isFetchingNextPage}
              onClick={() => void query.fetchNextPage()}
            >
              {t('trades.more')}
            </button>
          )}
        </>
      )}
    </div>
  );
}
