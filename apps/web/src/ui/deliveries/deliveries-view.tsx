'use client';
// The Deliveries page: copies waiting for slaves that are away (parked: ticket, symbol, lots, why, until when) and
// copies the relay gave up on (dead letters: reason in words), filterable by slave, kind and state. A dead letter
// is retried from its row — a stale Open only after a "force" confirmation, and any other refusal of the relay
// stays on the row — and old ones are purged. Polls every 3 s.
import type { ParkedSlaveView } from '@sankey/shared/api/ops-views';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { RotateCcw, Trash2 } from 'lucide-react';
import { useMemo, useState } from 'react';
import { errorMessage, errorReason, useTRPC } from '../../client/trpc';
import { DataTable, FilterBar, FilterSelect, PageHeader, PageMessage, useDateTime } from '../components/page';
import { useToast } from '../components/toast';
import { Badge, ConfirmDialog } from '../components/ui';
import type { Translate } from '../i18n/i18n';
import { useI18n } from '../i18n/i18n';
import {
  DELIVERY_KINDS,
  DELIVERY_STATES,
  type DeliveryFilters,
  type DeliveryRow,
  deliveryRows,
} from './rows';

export const DELIVERIES_POLL_MS = 3_000;
const KNOWN_DEAD_REASONS = ['expired_while_offline', 'closed_while_offline', 'queue_overflow'] as const;

export function whyText(r: DeliveryRow, t: Translate): string {
  if (r.state === 'parked') return t(`deliveries.parkedReason.${r.parkedReason ?? 'offline'}`);
  const reason = r.deadReason ?? '';
  return (KNOWN_DEAD_REASONS as readonly string[]).includes(reason)
    ? t(`deliveries.reason.${reason as (typeof KNOWN_DEAD_REASONS)[number]}`)
    : t('deliveries.reason.other', { reason });
}

export interface DeliveryTableProps {
  rows: readonly DeliveryRow[];
  /** The relay's refusal per dead letter id, shown on its row. */
  refusals: Readonly<Record<number, string>>;
  busyId: number | null;
  onRetry: (row: DeliveryRow) => void;
}

export function DeliveryTable({ rows, refusals, busyId, onRetry }: DeliveryTableProps) {
  const { t } = useI18n();
  const time = useDateTime();
  const lots = (n: number | null) => (n === null ? '–' : String(Math.round(n * 1e6) / 1e6));
  const columns = (
    ['state', 'time', 'slave', 'master', 'ticket', 'kind', 'symbol', 'lots', 'reason', 'actions'] as const
  ).map((c) => ({ label: t(`deliveries.col.${c}`), ...(c === 'lots' && { className: 'num' }) }));
  return (
    <DataTable testId="deliveries-table" columns={columns} cards>
      {rows.map((r) => {
        const refusal = r.deadLetterId === null ? undefined : refusals[r.deadLetterId];
        return (
          <tr
            key={r.rowId}
            data-testid="delivery-row"
            data-state={r.state}
            data-ticket={r.ticket ?? ''}
            data-account={r.slaveAccount}
          >
            <td data-label={t('deliveries.col.state')}>
              <Badge tone={r.state === 'parked' ? 'blue' : 'red'}>{t(`deliveries.state.${r.state}`)}</Badge>
            </td>
            <td className="small nowrap" data-label={t('deliveries.col.time')}>
              <time dateTime={r.at}>{time(r.at)}</time>
            </td>
            <td className="mono card-head" data-label={t('deliveries.col.slave')}>
              {r.slaveAccount}
            </td>
            <td className="mono" data-label={t('deliveries.col.master')}>
              {r.masterAccount ?? '–'}
            </td>
            <td className="mono" data-label={t('deliveries.col.ticket')}>
              {r.ticket ? `#${r.ticket}` : '–'}
            </td>
            <td data-label={t('deliveries.col.kind')}>{t(`deliveries.kind.${r.kind}`)}</td>
            <td data-label={t('deliveries.col.symbol')}>{r.symbol ?? '–'}</td>
            <td className="mono num" data-label={t('deliveries.col.lots')}>
              {lots(r.lots)}
            </td>
            <td className="small delivery-why" data-label={t('deliveries.col.reason')}>
              <span data-testid="delivery-why">{whyText(r, t)}</span>
              {r.state === 'parked' && r.expiresAt && (
                <span className="muted"> · {t('deliveries.expires', { time: time(r.expiresAt) })}</span>
              )}
              {r.attempts !== null && (
                <span className="muted"> · {t('deliveries.attempts', { count: r.attempts })}</span>
              )}
              {refusal && (
                <span className="error-text delivery-refusal" role="alert" data-testid="delivery-refusal">
                  {t('deliveries.refused', { message: refusal })}
                </span>
              )}
            </td>
            <td data-label={t('deliveries.col.actions')}>
              {r.deadLetterId !== null && r.kind !== 'config' ? (
                <button
                  type="button"
                  className="btn btn-outline btn-sm"
                  data-testid="delivery-retry"
                  disabled={busyId === r.deadLetterId}
                  onClick={() => onRetry(r)}
                >
                  <RotateCcw size={14} aria-hidden="true" />
                  {t('deliveries.retry')}
                </button>
              ) : (
                '–'
              )}
            </td>
          </tr>
        );
      })}
    </DataTable>
  );
}

export function WaitingSummary({ slaves }: { slaves: readonly ParkedSlaveView[] }) {
  const { t, lang } = useI18n();
  if (slaves.length === 0) return null;
  const time = (iso: string) =>
    new Date(iso).toLocaleTimeString(lang === 'ja' ? 'ja-JP' : 'en-GB', { timeStyle: 'medium' });
  return (
    <section className="waiting" aria-label={t('deliveries.waiting')} data-testid="deliveries-waiting">
      <h2 className="small muted">{t('deliveries.waiting')}</h2>
      <ul className="waiting-list">
        {slaves.map((s) => (
          <li key={s.slaveAccount} data-testid="waiting-slave" data-account={s.slaveAccount}>
            <Badge tone={s.reason === 'offline' ? 'red' : 'amber'}>
              {t('deliveries.waitingItem', {
                account: s.slaveAccount,
                count: s.count,
                since: time(s.oldestParkedAt),
              })}
            </Badge>
            <span className="small muted"> {t(`deliveries.parkedReason.${s.reason}`)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export type DeliveriesBodyState =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'unreachable' }
  | { kind: 'ready'; rows: readonly DeliveryRow[]; filtered: boolean };

export function DeliveriesBody({
  state,
  ...table
}: { state: DeliveriesBodyState } & Omit<DeliveryTableProps, 'rows'>) {
  const { t } = useI18n();
  if (state.kind === 'loading') return <PageMessage>{t('common.loading')}</PageMessage>;
  if (state.kind === 'error')
    return (
      <PageMessage tone="error" testId="deliveries-error">
        {t('deliveries.error', { message: state.message })}
      </PageMessage>
    );
  if (state.kind === 'unreachable')
    return (
      <PageMessage tone="error" testId="deliveries-unreachable">
        {t('deliveries.unreachable')}
      </PageMessage>
    );
  if (state.rows.length === 0)
    return (
      <PageMessage testId="deliveries-empty">
        {state.filtered ? t('deliveries.emptyFiltered') : t('deliveries.empty')}
      </PageMessage>
    );
  return <DeliveryTable rows={state.rows} {...table} />;
}

export function DeliveriesView({ initialAccount = '' }: { initialAccount?: string }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [f, setF] = useState<DeliveryFilters>({ account: initialAccount, kind: '', state: '' });
  const [refusals, setRefusals] = useState<Record<number, string>>({});
  const [force, setForce] = useState<{ row: DeliveryRow; message: string } | null>(null);
  const [purgeOpen, setPurgeOpen] = useState(false);
  const [purgeDays, setPurgeDays] = useState('7');
  const poll = { refetchInterval: DELIVERIES_POLL_MS, staleTime: 0 };
  const parked = useQuery({ ...trpc.deliveries.parked.queryOptions({ limit: 1000 }), ...poll });
  const dead = useQuery({ ...trpc.deliveries.list.queryOptions({ limit: 500 }), ...poll });
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.deliveries.parked.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.deliveries.list.queryKey() }),
    ]);

  const retry = useMutation(
    trpc.deliveries.retry.mutationOptions({
      onSuccess: (done, input) => {
        const row = force?.row.deadLetterId === input.id ? force.row : null;
        setForce(null);
        setRefusals(({ [input.id]: _, ...rest }) => rest);
        const account =
          row?.slaveAccount ?? dead.data?.find((d) => d.id === input.id)?.destination ?? String(input.id);
        toast.show(
          done.outcome === 'cancelled' ? 'info' : 'success',
          t(`deliveries.retried.${done.outcome}`, { account }),
        );
        void refresh();
      },
      onError: (err, input) => {
        const message = errorMessage(err);
        const row = dead.data?.find((d) => d.id === input.id);
        if (errorReason(err) === 'needs_force' && !input.force && row) {
          const view = deliveryRows([], [row], { account: '', kind: '', state: '' })[0];
          if (view) {
            setForce({ row: view, message });
            return;
          }
        }
        setForce(null);
        if (errorReason(err)) setRefusals((prev) => ({ ...prev, [input.id]: message }));
        toast.show('error', t('deliveries.retryFailed', { message }));
        void refresh();
      },
    }),
  );
  const purge = useMutation(
    trpc.deliveries.purge.mutationOptions({
      onSuccess: (done) => {
        setPurgeOpen(false);
        toast.show('success', t('deliveries.purged', { count: done.purged }));
        void refresh();
      },
      onError: (err) => {
        setPurgeOpen(false);
        toast.show('error', t('deliveries.purgeFailed', { message: errorMessage(err) }));
      },
    }),
  );

  const rows = useMemo(
    () => deliveryRows(parked.data?.copies ?? [], dead.data ?? [], f),
    [parked.data, dead.data, f],
  );
  const accounts = useMemo(() => {
    const all = new Set<string>(initialAccount ? [initialAccount] : []);
    for (const s of parked.data?.slaves ?? []) all.add(s.slaveAccount);
    for (const d of dead.data ?? []) all.add(d.destination);
    return [...all].sort((a, b) => a.localeCompare(b));
  }, [parked.data, dead.data, initialAccount]);
  const state: DeliveriesBodyState =
    parked.isError || dead.isError
      ? { kind: 'error', message: errorMessage(parked.error ?? dead.error) }
      : parked.isPending || dead.isPending
        ? { kind: 'loading' }
        : parked.data === null || dead.data === null
          ? { kind: 'unreachable' }
          : { kind: 'ready', rows, filtered: Boolean(f.account || f.kind || f.state) };
  const days = Number(purgeDays);
  const daysValid = purgeDays.trim() !== '' && Number.isFinite(days) && days >= 0 && days <= 3650;
  const set = <K extends keyof DeliveryFilters>(k: K, v: DeliveryFilters[K]) =>
    setF((p) => ({ ...p, [k]: v }));

  return (
    <div className="page">
      <PageHeader title={t('deliveries.title')} subtitle={t('deliveries.subtitle')}>
        <button
          type="button"
          className="btn btn-outline"
          data-testid="deliveries-purge"
          disabled={!dead.data || dead.data.length === 0}
          onClick={() => setPurgeOpen(true)}
        >
          <Trash2 size={16} aria-hidden="true" />
          {t('deliveries.purge')}
        </button>
      </PageHeader>
      <WaitingSummary slaves={parked.data?.slaves ?? []} />
      <FilterBar testId="deliveries-filters">
        <FilterSelect
          label={t('deliveries.filter.account')}
          allLabel={t('deliveries.filter.allAccounts')}
          testId="deliveries-filter-account"
          value={f.account}
          options={accounts}
          onChange={(v) => set('account', v)}
        />
        <FilterSelect
          label={t('deliveries.filter.kind')}
          allLabel={t('deliveries.filter.allKinds')}
          testId="deliveries-filter-kind"
          value={f.kind}
          options={DELIVERY_KINDS.map((k) => ({ value: k, label: t(`deliveries.kind.${k}`) }))}
          onChange={(v) => set('kind', v)}
        />
        <FilterSelect
          label={t('deliveries.filter.state')}
          allLabel={t('deliveries.filter.allStates')}
          testId="deliveries-filter-state"
          value={f.state}
          options={DELIVERY_STATES.map((v) => ({ value: v, label: t(`deliveries.state.${v}`) }))}
          onChange={(v) => set('state', v)}
        />
      </FilterBar>
      <DeliveriesBody
        state={state}
        refusals={refusals}
        busyId={retry.isPending ? (retry.variables?.id ?? null) : null}
        onRetry={(r) => r.deadLetterId !== null && retry.mutate({ id: r.deadLetterId })}
      />
      <ConfirmDialog
        open={force !== null}
        title={t('deliveries.forceTitle', {
          ticket: force?.row.ticket ?? '',
          account: force?.row.slaveAccount ?? '',
        })}
        body={t('deliveries.forceBody', { message: force?.message ?? '' })}
        confirmLabel={t('deliveries.forceConfirm')}
        busy={retry.isPending}
        onCancel={() => setForce(null)}
        onConfirm={() => {
          const id = force?.row.deadLetterId;
          if (id != null) retry.mutate({ id, force: true });
        }}
      />
      <ConfirmDialog
        open={purgeOpen}
        title={t('deliveries.purgeTitle')}
        body={t('deliveries.purgeBody', { days: daysValid ? days : '…' })}
        confirmLabel={t('deliveries.purgeConfirm')}
        busy={purge.isPending || !daysValid}
        onCancel={() => setPurgeOpen(false)}
        onConfirm={() => daysValid && purge.mutate({ olderThanDays: days })}
      >
        <label className="field">
          <span className="small muted">{t('deliveries.purgeDays')}</span>
          <input
            className="input"
            type="number"
            min={0}
            max={3650}
            data-testid="purge-days"
            value={purgeDays}
            onChange={(e) => setPurgeDays(e.target.value)}
          />
        </label>
      </ConfirmDialog>
    </div>
  );
}
