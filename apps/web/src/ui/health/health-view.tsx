'use client';
// The EA health page: every EA with role, platform, broker, relay status, listening, last seen, frames in/out,
// drops, parked copies, dead letters and decode errors; the ones that need attention first; sortable; block and
// unblock behind a confirmation (the relay's blocklist). Polls every 3 s. Cluster mode: every EA of the cluster, with
// the relay it is on (system.cluster, as the graph's nodes; docs/cluster.md).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ArrowDown, ArrowUp, Ban, CircleCheck } from 'lucide-react';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { errorMessage, useTRPC } from '../../client/trpc';
import { useClusterQuery } from '../cluster/cluster-context';
import { useToast } from '../components/toast';
import { Badge, ConfirmDialog } from '../components/ui';
import { explainWarning } from '../connections/labels';
import type { MessageKey } from '../i18n/dict';
import { useI18n } from '../i18n/i18n';
import { useLiveState } from '../live/live-provider';
import { type HealthRow, healthRows, type Issue, type Sort, type SortKey, sortRows } from './rank';

export const HEALTH_POLL_MS = 3_000;

const ISSUE_TONE: Record<Issue, 'red' | 'amber' | 'yellow' | 'gray'> = {
  parked_offline: 'red',
  throttled: 'red',
  blocked: 'red',
  dead_letters: 'amber',
  dropping: 'amber',
  decode_errors: 'amber',
  offline: 'gray',
  warnings: 'yellow',
};
const STATUS_TONE: Record<HealthRow['status'], 'green' | 'amber' | 'gray' | 'red'> = {
  Online: 'green',
  Registered: 'amber',
  Timeout: 'red',
  Offline: 'gray',
  Unknown: 'gray',
};

const COLUMNS: { key: SortKey | null; label: MessageKey; numeric?: boolean }[] = [
  { key: 'attention', label: 'health.col.attention' },
  { key: 'accountId', label: 'health.col.account' },
  { key: null, label: 'health.col.role' },
  { key: null, label: 'health.col.platform' },
  { key: null, label: 'health.col.broker' },
  { key: 'status', label: 'health.col.status' },
  { key: null, label: 'health.col.listening' },
  { key: null, label: 'cluster.col.relay' },
  { key: 'lastSeenAt', label: 'health.col.lastSeen' },
  { key: 'framesIn', label: 'health.col.framesIn', numeric: true },
  { key: 'framesOut', label: 'health.col.framesOut', numeric: true },
  { key: 'dropped', label: 'health.col.dropped', numeric: true },
  { key: 'parked', label: 'health.col.parked', numeric: true },
  { key: 'deadLetters', label: 'health.col.deadLetters', numeric: true },
  { key: 'decodeErrors', label: 'health.col.decodeErrors', numeric: true },
  { key: null, label: 'health.col.actions' },
];

export interface HealthTableProps {
  rows: readonly HealthRow[];
  sort: Sort;
  onSort: (sort: Sort) => void;
  onBlock: (accountId: string) => void;
  onUnblock: (accountId: string) => void;
  /** The account an action is running for (its button is disabled). */
  busy?: string | null;
}

export function HealthTable({ rows, sort, onSort, onBlock, onUnblock, busy }: HealthTableProps) {
  const { t, lang } = useI18n();
  const time = (iso: string | null) =>
    iso
      ? new Date(iso).toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB', {
          dateStyle: 'short',
          timeStyle: 'medium',
        })
      : t('health.never');
  const sorted = useMemo(() => sortRows(rows, sort), [rows, sort]);
  const toggle = (key: SortKey) =>
    onSort(
      sort.key === key
        ? { key, dir: sort.dir === 'asc' ? 'desc' : 'asc' }
        : { key, dir: key === 'accountId' ? 'asc' : 'desc' },
    );
  const label = (k: MessageKey) => t(k);
  // The relay column only in cluster mode; the counters of an EA on another relay are that relay's, not shown here.
  const clustered = rows.some((r) => r.relays.length > 0);
  const columns = clustered ? COLUMNS : COLUMNS.filter((c) => c.label !== 'cluster.col.relay');
  const count = (r: HealthRow, n: number) => (r.remote ? '–' : n);
  return (
    <>
      {/* Phones see cards without column headers: the sort is a select there. */}
      <label className="filter small show-narrow">
        <span className="muted">{t('health.sort')}</span>
        <select
          className="input input-sm"
          data-testid="health-sort-select"
          value={`${sort.key}:${sort.dir}`}
          onChange={(e) => {
            const [key, dir] = e.target.value.split(':') as [SortKey, Sort['dir']];
            onSort({ key, dir });
          }}
        >
          {columns
            .filter((c) => c.key !== null)
            .flatMap((c) =>
              (['desc', 'asc'] as const).map((dir) => (
                <option key={`${c.key}:${dir}`} value={`${c.key}:${dir}`}>
                  {t(c.label)} {dir === 'desc' ? '↓' : '↑'}
                </option>
              )),
            )}
        </select>
      </label>
      <div className="table-wrap">
        <table className="table table-cards" data-testid="health-table">
          <thead>
            <tr>
              {columns.map((c) => {
                const active = c.key !== null && sort.key === c.key;
                return (
                  <th
                    key={c.label}
                    scope="col"
                    className={c.numeric ? 'num' : undefined}
                    aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
                  >
                    {c.key === null ? (
                      t(c.label)
                    ) : (
                      <button
                        type="button"
                        className="th-sort"
                        data-testid={`health-sort-${c.key}`}
                        title={t('health.sortBy', { column: t(c.label) })}
                        onClick={() => toggle(c.key as SortKey)}
                      >
                        {t(c.label)}
                        {active &&
                          (sort.dir === 'asc' ? (
                            <ArrowUp size={12} aria-hidden="true" />
                          ) : (
                            <ArrowDown size={12} aria-hidden="true" />
                          ))}
                      </button>
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) => (
              <tr
                key={r.accountId}
                data-testid="health-row"
                data-account={r.accountId}
                data-issues={r.issues.join(' ')}
                data-blocked={r.blocked ? 'true' : 'false'}
                data-status={r.status}
                data-listening={r.listening ? 'true' : 'false'}
                data-relays={r.relays.join(' ')}
                data-remote={r.remote ? 'true' : 'false'}
                className={r.score >= 16 ? 'row-alert' : undefined}
              >
                <td data-label={label('health.col.attention')}>
                  <span className="issue-list">
                    {r.issues.length === 0 ? (
                      <Badge tone="green">{t('health.ok')}</Badge>
                    ) : (
                      r.issues.map((i) => (
                        <Badge
                          key={i}
                          tone={ISSUE_TONE[i]}
                          testId={`issue-${i}`}
                          title={
                            i === 'warnings'
                              ? r.warnings.map((w) => explainWarning(w, t)).join('\n')
                              : i === 'blocked' && r.blockReason
                                ? t('health.blockedBecause', { reason: r.blockReason })
                                : undefined
                          }
                        >
                          {t(`health.issue.${i}`)}
                        </Badge>
                      ))
                    )}
                  </span>
                </td>
                <td className="mono card-head" data-label={label('health.col.account')} title={r.accountId}>
                  {r.accountId}
                </td>
                <td data-label={label('health.col.role')}>
                  {r.roles.length === 0 ? '–' : r.roles.map((role) => t(`health.role.${role}`)).join(' / ')}
                </td>
                <td data-label={label('health.col.platform')}>{r.platform ?? '–'}</td>
                <td data-label={label('health.col.broker')}>{r.broker ?? '–'}</td>
                <td data-label={label('health.col.status')}>
                  <Badge tone={STATUS_TONE[r.status]} testId="health-status">
                    {t(`health.status.${r.status}`)}
                  </Badge>
                </td>
                <td data-label={label('health.col.listening')}>
                  {r.remote ? '–' : r.listening ? t('common.yes') : t('common.no')}
                </td>
                {clustered ? (
                  <td
                    className="mono small nowrap"
                    data-label={label('cluster.col.relay')}
                    data-testid="health-relay"
                  >
                    {r.relays.join(' / ')}
                  </td>
                ) : null}
                <td
                  className="small nowrap"
                  data-label={label('health.col.lastSeen')}
                  data-testid="health-last-seen"
                  title={r.remote ? t('health.lastSeenRemote', { relay: r.relays.join(' / ') }) : undefined}
                >
                  {r.lastSeenAt ? <time dateTime={r.lastSeenAt}>{time(r.lastSeenAt)}</time> : time(null)}
                </td>
                <td className="mono num" data-label={label('health.col.framesIn')}>
                  {count(r, r.framesIn)}
                </td>
                <td className="mono num" data-label={label('health.col.framesOut')}>
                  {count(r, r.framesOut)}
                </td>
                <td className="mono num" data-label={label('health.col.dropped')}>
                  {count(r, r.dropped)}
                </td>
                <td className="mono num" data-label={label('health.col.parked')} data-testid="health-parked">
                  {r.parked > 0 ? (
                    <Link href={`/deliveries?account=${encodeURIComponent(r.accountId)}`} className="link">
                      {r.parked}
                    </Link>
                  ) : (
                    0
                  )}
                </td>
                <td className="mono num" data-label={label('health.col.deadLetters')}>
                  {r.deadLetters > 0 ? (
                    <Link href={`/deliveries?account=${encodeURIComponent(r.accountId)}`} className="link">
                      {r.deadLetters}
                    </Link>
                  ) : (
                    0
                  )}
                </td>
                <td className="mono num" data-label={label('health.col.decodeErrors')}>
                  {count(r, r.decodeErrors)}
                </td>
                <td data-label={label('health.col.actions')}>
                  {r.blocked ? (
                    <button
                      type="button"
                      className="btn btn-outline btn-sm"
                      data-testid="health-unblock"
                      disabled={busy === r.accountId}
                      onClick={() => onUnblock(r.accountId)}
                    >
                      <CircleCheck size={14} aria-hidden="true" />
                      {t('health.unblock')}
                    </button>
                  ) : (
                    <button
                      type="button"
                      className="btn btn-outline btn-sm"
                      data-testid="health-block"
                      disabled={busy === r.accountId}
                      onClick={() => onBlock(r.accountId)}
                    >
                      <Ban size={14} aria-hidden="true" />
                      {t('health.block')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export type HealthBodyState =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'unreachable' }
  | { kind: 'ready'; rows: readonly HealthRow[] };

/** The page's states: loading, an error or an unreachable relay that say what to do, no EA yet, the table. */
export function HealthBody({ state, ...table }: { state: HealthBodyState } & Omit<HealthTableProps, 'rows'>) {
  const { t } = useI18n();
  if (state.kind === 'loading') return <p className="empty muted">{t('common.loading')}</p>;
  if (state.kind === 'error')
    return (
      <p className="empty error-text" role="alert" data-testid="health-error">
        {t('health.error', { message: state.message })}
      </p>
    );
  if (state.kind === 'unreachable')
    return (
      <p className="empty error-text" role="alert" data-testid="health-unreachable">
        {t('health.unreachable')}
      </p>
    );
  if (state.rows.length === 0)
    return (
      <p className="empty muted" data-testid="health-empty">
        {t('health.empty')}
      </p>
    );
  return <HealthTable rows={state.rows} {...table} />;
}

type Pending = { action: 'block' | 'unblock'; accountId: string } | null;

export function HealthView() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const toast = useToast();
  const live = useLiveState();
  const queryClient = useQueryClient();
  const [sort, setSort] = useState<Sort>({ key: 'attention', dir: 'desc' });
  const [pending, setPending] = useState<Pending>(null);
  const [reason, setReason] = useState('');
  const poll = { refetchInterval: HEALTH_POLL_MS, staleTime: 0 };
  const endpoints = useQuery({ ...trpc.endpoints.list.queryOptions(), ...poll });
  const blocked = useQuery({ ...trpc.blocklist.list.queryOptions(), ...poll });
  const connections = useQuery({ ...trpc.connections.list.queryOptions(), ...poll });
  const cluster = useClusterQuery();
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.endpoints.list.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.blocklist.list.queryKey() }),
    ]);
  const onError = (err: unknown) =>
    toast.show('error', t('health.actionFailed', { message: errorMessage(err) }));
  const block = useMutation(
    trpc.blocklist.block.mutationOptions({
      onSuccess: (b) => {
        toast.show('success', t('health.blocked', { account: b.accountId }));
        void refresh();
      },
      onError,
      onSettled: () => setPending(null),
    }),
  );
  const unblock = useMutation(
    trpc.blocklist.unblock.mutationOptions({
      onSuccess: (_, input) => {
        toast.show('success', t('health.unblocked', { account: input.accountId }));
        void refresh();
      },
      onError,
      onSettled: () => setPending(null),
    }),
  );

  const state: HealthBodyState =
    endpoints.isError || blocked.isError
      ? { kind: 'error', message: errorMessage(endpoints.error ?? blocked.error) }
      : endpoints.isPending || blocked.isPending
        ? { kind: 'loading' }
        : endpoints.data === null || blocked.data === null
          ? { kind: 'unreachable' }
          : {
              kind: 'ready',
              rows: healthRows({
                endpoints: endpoints.data,
                blocked: blocked.data,
                connections: connections.data ?? live.connections,
                tradeGroups: live.tradeGroups,
                members: live.members,
                cluster:
                  cluster.data?.mode === 'cluster'
                    ? {
                        relayId: cluster.data.relayId,
                        eas: cluster.data.eas,
                        receivedAt: cluster.dataUpdatedAt,
                      }
                    : null,
              }),
            };
  const busy = block.isPending || unblock.isPending ? (pending?.accountId ?? null) : null;

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1 className="page-title">{t('health.title')}</h1>
          <p className="muted small">{t('health.subtitle')}</p>
        </div>
      </div>
      <HealthBody
        state={state}
        sort={sort}
        onSort={setSort}
        busy={busy}
        onBlock={(accountId) => {
          setReason('');
          setPending({ action: 'block', accountId });
        }}
        onUnblock={(accountId) => setPending({ action: 'unblock', accountId })}
      />
      <ConfirmDialog
        open={pending !== null}
        title={
          pending?.action === 'unblock'
            ? t('health.unblockTitle', { account: pending.accountId })
            : t('health.blockTitle', { account: pending?.accountId ?? '' })
        }
        body={
          pending?.action === 'unblock'
            ? t('health.unblockBody', { account: pending.accountId })
            : t('health.blockBody', { account: pending?.accountId ?? '' })
        }
        confirmLabel={pending?.action === 'unblock' ? t('health.unblock') : t('health.block')}
        busy={block.isPending || unblock.isPending}
        onCancel={() => setPending(null)}
        onConfirm={() => {
          if (!pending) return;
          if (pending.action === 'block')
            block.mutate({ accountId: pending.accountId, ...(reason.trim() && { reason: reason.trim() }) });
          else unblock.mutate({ accountId: pending.accountId });
        }}
      >
        {pending?.action === 'block' && (
          <label className="field">
            <span className="small muted">{t('health.blockReason')}</span>
            <input
              className="input"
              data-testid="block-reason"
              maxLength={200}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </label>
        )}
      </ConfirmDialog>
    </div>
  );
}
