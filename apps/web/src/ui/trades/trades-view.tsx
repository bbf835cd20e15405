'use client';
// The Trades page: one row per master ticket from the relay's journal; a row opens to each slave's outcome
// (copied with symbol, lots and state; filtered with the reason in words; parked; dead-lettered; not a member).
import type { TradeOutcome, TradesPage, TradeView } from '@sankey/shared/api/views';
import { useInfiniteQuery } from '@tanstack/react-query';
import { ChevronDown, ChevronRight, Download } from 'lucide-react';
import { Fragment, useMemo, useState } from 'react';
import { useTRPC, useTRPCClient } from '../../client/trpc';
import {
  DataTable,
  FilterBar,
  FilterInput,
  FilterSelect,
  MoreButton,
  PageHeader,
  PageMessage,
  useDateTime,
} from '../components/page';
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
  const { t } = useI18n();
  const time = useDateTime();
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const toggle = (id: number) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const columns = [
    { label: <span className="sr-only">{t('trades.details')}</span> },
    ...(['time', 'master', 'ticket', 'symbol', 'type', 'lots', 'state', 'slaves'] as const).map((c) => ({
      label: t(`trades.col.${c}`),
    })),
  ];
  return (
    <DataTable testId="trades-table" columns={columns}>
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
                <Badge tone={tr.state === 'open' ? 'blue' : 'gray'}>{t(`trades.state.${tr.state}`)}</Badge>
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
    </DataTable>
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
      <PageHeader title={t('trades.title')} subtitle={t('trades.subtitle')}>
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
      </PageHeader>
      <FilterBar testId="trades-filters">
        <FilterSelect
          label={t('trades.filter.account')}
          allLabel={t('trades.filter.allAccounts')}
          testId="trades-filter-account"
          value={f.account}
          options={accounts}
          onChange={(v) => set('account', v)}
        />
        <FilterInput
          label={t('trades.filter.symbol')}
          testId="trades-filter-symbol"
          value={f.symbol}
          maxLength={31}
          onChange={(v) => set('symbol', v)}
        />
        <FilterInput
          label={t('trades.filter.from')}
          type="datetime-local"
          value={f.from}
          onChange={(v) => set('from', v)}
        />
        <FilterInput
          label={t('trades.filter.to')}
          type="datetime-local"
          value={f.to}
          onChange={(v) => set('to', v)}
        />
        <FilterSelect
          label={t('trades.filter.outcome')}
          allLabel={t('trades.filter.anyOutcome')}
          testId="trades-filter-outcome"
          value={f.outcome}
          options={FILTERABLE.map((o) => ({ value: o, label: t(`trades.outcome.${o}`) }))}
          onChange={(v) => set('outcome', v)}
        />
      </FilterBar>
      {query.isError ? (
        <PageMessage tone="error" testId="trades-error">
          {t('trades.error', { message: query.error.message })}
        </PageMessage>
      ) : query.isPending ? (
        <PageMessage>{t('trades.loading')}</PageMessage>
      ) : trades.length === 0 ? (
        <PageMessage testId="trades-empty">{t('trades.empty')}</PageMessage>
      ) : (
        <>
          <TradeRows trades={trades} />
          <MoreButton query={query} label={t('trades.more')} testId="trades-more" />
        </>
      )}
    </div>
  );
}
