'use client';
// The History page (docs/api.md, history.list): every admin change, newest first, with what became of it
// (applied, failed past the retry bound, discarded by an operator, or still pending), narrowed to a master or
// one link from their drawers (`/history?group=…&slave=…`).
import type { ChangeHistoryView } from '@sankey/shared/api/views';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTRPC, useTRPCClient } from '../../client/trpc';
import {
  DataTable,
  FilterBar,
  FilterSelect,
  MoreButton,
  PageHeader,
  PageMessage,
  useDateTime,
} from '../components/page';
import { Badge } from '../components/ui';
import { useI18n } from '../i18n/i18n';
import { useLiveState } from '../live/live-provider';
import { describeChange } from './labels';

const PAGE = 50;
const STATE_TONE: Record<ChangeHistoryView['state'], 'green' | 'amber' | 'red' | 'gray'> = {
  applied: 'green',
  pending: 'amber',
  failed: 'red',
  discarded: 'gray',
};

export function HistoryRows({ entries }: { entries: readonly ChangeHistoryView[] }) {
  const { t } = useI18n();
  const time = useDateTime();
  const columns = (['time', 'change', 'state', 'attempts', 'error'] as const).map((c) => ({
    label: t(`history.col.${c}`),
  }));
  return (
    <DataTable testId="history-table" columns={columns}>
      {entries.map((e) => (
        <tr key={e.id} data-testid="history-row" data-state={e.state} data-outbox-id={e.outboxId}>
          <td className="mono small nowrap">
            <time dateTime={e.createdAt}>{time(e.createdAt)}</time>
          </td>
          <td>{describeChange(e, t)}</td>
          <td>
            <Badge tone={STATE_TONE[e.state]}>{t(`history.state.${e.state}`)}</Badge>
          </td>
          <td className="mono">{e.attempts}</td>
          <td className="small history-error">{e.error ?? ''}</td>
        </tr>
      ))}
    </DataTable>
  );
}

export function HistoryView({
  initialGroup = '',
  initialSlave = '',
}: {
  initialGroup?: string;
  initialSlave?: string;
}) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const client = useTRPCClient();
  const live = useLiveState();
  const [group, setGroup] = useState(initialGroup);
  const [slave, setSlave] = useState(initialSlave);
  const input = {
    limit: PAGE,
    ...(group && { tradeGroupId: group }),
    ...(slave && { slaveAccount: slave }),
  };
  // history.list pages by `beforeId` (not tRPC's `cursor`), so the pages are fetched with the client here.
  const query = useInfiniteQuery({
    queryKey: trpc.history.list.queryKey(input),
    queryFn: ({ pageParam }) =>
      client.history.list.query({ ...input, ...(pageParam !== undefined && { beforeId: pageParam }) }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last: ChangeHistoryView[]) =>
      last.length === PAGE ? last[last.length - 1]?.id : undefined,
    refetchInterval: 5_000,
  });
  const entries = useMemo(() => query.data?.pages.flat() ?? [], [query.data]);
  const groups = useMemo(() => {
    const all = new Set<string>(initialGroup ? [initialGroup] : []);
    for (const g of live.tradeGroups) all.add(g.id);
    return [...all].sort((a, b) => a.localeCompare(b));
  }, [live.tradeGroups, initialGroup]);
  const slaves = useMemo(() => {
    const all = new Set<string>(initialSlave ? [initialSlave] : []);
    for (const m of live.members) if (!group || m.tradeGroupId === group) all.add(m.slaveAccount);
    return [...all].sort((a, b) => a.localeCompare(b));
  }, [live.members, group, initialSlave]);

  return (
    <div className="page">
      <PageHeader title={t('history.title')} subtitle={t('history.subtitle')} />
      <FilterBar testId="history-filters">
        <FilterSelect
          label={t('history.filter.group')}
          allLabel={t('history.filter.allGroups')}
          testId="history-filter-group"
          value={group}
          options={groups}
          onChange={(v) => {
            setGroup(v);
            setSlave('');
          }}
        />
        <FilterSelect
          label={t('history.filter.slave')}
          allLabel={t('history.filter.allSlaves')}
          testId="history-filter-slave"
          value={slave}
          options={slaves}
          onChange={setSlave}
        />
      </FilterBar>
      <HistoryBody
        state={
          query.isError
            ? { kind: 'error', message: query.error.message }
            : query.isPending
              ? { kind: 'loading' }
              : { kind: 'ready', entries, filtered: Boolean(group || slave) }
        }
      />
      <MoreButton query={query} label={t('history.more')} testId="history-more" />
    </div>
  );
}

export type HistoryBodyState =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'ready'; entries: readonly ChangeHistoryView[]; filtered: boolean };

/** The page's states: loading, an error that says what to do, empty (with or without a filter), the rows. */
export function HistoryBody({ state }: { state: HistoryBodyState }) {
  const { t } = useI18n();
  if (state.kind === 'error')
    return (
      <PageMessage tone="error" testId="history-error">
        {t('history.error', { message: state.message })}
      </PageMessage>
    );
  if (state.kind === 'loading') return <PageMessage>{t('common.loading')}</PageMessage>;
  if (state.entries.length === 0)
    return (
      <PageMessage testId="history-empty">
        {state.filtered ? t('history.emptyFiltered') : t('history.empty')}
      </PageMessage>
    );
  return <HistoryRows entries={state.entries} />;
}
