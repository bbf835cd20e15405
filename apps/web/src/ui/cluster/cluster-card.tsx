'use client';
// Settings → Cluster (docs/cluster.md): alone, or the cluster's name, this relay's NATS connection, every live relay
// (id, host, address, started, uptime, last seen, EAs) and every EA with the relay it is on. Polls every few seconds.
import type { ClusterView } from '@sankey/shared/api/cluster-views';
import { errorMessage } from '../../client/trpc';
import { Badge, Card } from '../components/ui';
import { useI18n } from '../i18n/i18n';
import { useClusterQuery } from './cluster-context';

export type ClusterCardState =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'unreachable' }
  | { kind: 'ready'; view: ClusterView };

type Cluster = Extract<ClusterView, { mode: 'cluster' }>;

/**
 * How long a relay has been up: its last refresh minus its start, both from that relay's own clock (clocks do not
 * compare across machines, so the browser's is not used). Null when either time is unreadable.
 */
export function relayUptimeS(r: { startedAt: string; seenAt: string }): number | null {
  const ms = Date.parse(r.seenAt) - Date.parse(r.startedAt);
  return Number.isNaN(ms) ? null : Math.max(0, Math.round(ms / 1000));
}

type RelayLagView = NonNullable<Cluster['relays'][number]['lag']>;

/** Milliseconds with a precision that suits their size (0.42 ms, 3.1 ms, 250 ms). */
export function formatMs(ms: number): string {
  return ms < 1 ? ms.toFixed(2) : ms < 10 ? ms.toFixed(1) : String(Math.round(ms));
}

/**
 * Seconds between a relay's last cross-relay copy and its last refresh, both on that relay's clock; null when it
 * has copied nothing yet or a time is unreadable.
 */
export function lastCopyAgeS(r: {
  seenAt: string;
  lag: { lastCopyAt: string | null } | null;
}): number | null {
  if (!r.lag?.lastCopyAt) return null;
  const ms = Date.parse(r.seenAt) - Date.parse(r.lag.lastCopyAt);
  return Number.isNaN(ms) ? null : Math.max(0, Math.round(ms / 1000));
}

function formatUptime(s: number): string {
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${d > 0 ? `${d}d ` : ''}${h}h ${m}m ${s % 60}s`;
}

export function ClusterCard() {
  const query = useClusterQuery();
  const state: ClusterCardState = query.isError
    ? { kind: 'error', message: errorMessage(query.error) }
    : query.isPending
      ? { kind: 'loading' }
      : query.data === null
        ? { kind: 'unreachable' }
        : { kind: 'ready', view: query.data };
  return <ClusterCardBody state={state} />;
}

export function ClusterCardBody({ state }: { state: ClusterCardState }) {
  const { t } = useI18n();
  const view = state.kind === 'ready' ? state.view : null;
  return (
    <Card
      title={t('cluster.title')}
      testId="cluster-card"
      actions={
        view?.mode === 'cluster' ? (
          <Badge tone={view.natsConnected ? 'green' : 'red'} testId="cluster-nats">
            {view.natsConnected ? t('cluster.natsConnected') : t('cluster.natsDisconnected')}
          </Badge>
        ) : null
      }
    >
      {state.kind === 'loading' ? <p className="muted">{t('common.loading')}</p> : null}
      {state.kind === 'error' ? (
        <p className="error-text" role="alert" data-testid="cluster-error">
          {t('cluster.error', { message: state.message })}
        </p>
      ) : null}
      {state.kind === 'unreachable' ? (
        <p className="error-text" role="alert" data-testid="cluster-unreachable">
          {t('cluster.unreachable')}
        </p>
      ) : null}
      {view?.mode === 'alone' ? <p data-testid="cluster-alone">{t('cluster.alone')}</p> : null}
      {view?.mode === 'cluster' ? <ClusterDetails view={view} /> : null}
    </Card>
  );
}

function ClusterDetails({ view }: { view: Cluster }) {
  const { t, lang } = useI18n();
  const time = (iso: string) => {
    const d = new Date(iso);
    return Number.isNaN(d.getTime())
      ? iso
      : d.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB', { dateStyle: 'short', timeStyle: 'medium' });
  };
  const uptime = (r: { startedAt: string; seenAt: string }) => {
    const s = relayUptimeS(r);
    return s === null ? '–' : formatUptime(s);
  };
  const eas = [...view.eas].sort(
    (a, b) =>
      (a.relayId < b.relayId ? -1 : a.relayId > b.relayId ? 1 : 0) ||
      (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0) ||
      (a.eaType < b.eaType ? -1 : a.eaType > b.eaType ? 1 : 0),
  );
  return (
    <div className="cluster-details">
      <dl className="details">
        <dt>{t('cluster.name')}</dt>
        <dd className="mono" data-testid="cluster-name">
          {view.cluster}
        </dd>
        <dt>{t('cluster.thisRelay')}</dt>
        <dd className="mono" data-testid="cluster-this-relay">
          {view.relayId}
        </dd>
      </dl>
      <h3 className="cluster-subtitle">{t('cluster.relays', { count: view.relays.length })}</h3>
      {view.relays.length === 0 ? (
        <p className="muted small">{t('cluster.noRelays')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-cards" data-testid="cluster-relays">
            <thead>
              <tr>
                <th scope="col">{t('cluster.col.relay')}</th>
                <th scope="col">{t('cluster.col.host')}</th>
                <th scope="col">{t('cluster.col.address')}</th>
                <th scope="col">{t('cluster.col.started')}</th>
                <th scope="col">{t('cluster.col.uptime')}</th>
                <th scope="col">{t('cluster.col.seen')}</th>
                <th scope="col" className="num">
                  {t('cluster.col.eas')}
                </th>
                <th scope="col">{t('cluster.col.lag')}</th>
                <th scope="col">{t('cluster.col.nats')}</th>
              </tr>
            </thead>
            <tbody>
              {view.relays.map((r) => {
                const here = r.relayId === view.relayId;
                return (
                  <tr key={r.relayId} data-testid="cluster-relay" data-relay-id={r.relayId}>
                    <td className="mono card-head" data-label={t('cluster.col.relay')}>
                      <span>
                        {r.relayId}
                        {here ? <span className="muted small"> ({t('cluster.here')})</span> : null}
                      </span>
                    </td>
                    <td data-label={t('cluster.col.host')}>
                      <span>
                        {r.host} <span className="muted small">pid {r.pid}</span>
                      </span>
                    </td>
                    <td className="mono" data-label={t('cluster.col.address')}>
                      {r.address ?? '–'}
                    </td>
                    <td data-label={t('cluster.col.started')}>{time(r.startedAt)}</td>
                    <td data-label={t('cluster.col.uptime')} data-testid="cluster-relay-uptime">
                      {uptime(r)}
                    </td>
                    <td data-label={t('cluster.col.seen')}>{time(r.seenAt)}</td>
                    <td className="num" data-label={t('cluster.col.eas')} data-testid="cluster-relay-eas">
                      {r.eas}
                    </td>
                    <td data-label={t('cluster.col.lag')} data-testid="cluster-relay-lag">
                      <RelayLagCell relay={r} />
                    </td>
                    <td data-label={t('cluster.col.nats')} data-testid="cluster-relay-nats">
                      {here ? (
                        <Badge tone={view.natsConnected ? 'green' : 'red'}>
                          {view.natsConnected ? t('cluster.natsYes') : t('cluster.natsNo')}
                        </Badge>
                      ) : (
                        <Badge tone="green">{t('cluster.natsLive')}</Badge>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <h3 className="cluster-subtitle">{t('cluster.eas', { count: eas.length })}</h3>
      {eas.length === 0 ? (
        <p className="muted small">{t('cluster.noEas')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-cards" data-testid="cluster-eas">
            <thead>
              <tr>
                <th scope="col">{t('cluster.col.account')}</th>
                <th scope="col">{t('cluster.col.role')}</th>
                <th scope="col">{t('cluster.col.relay')}</th>
                <th scope="col">{t('cluster.col.status')}</th>
              </tr>
            </thead>
            <tbody>
              {eas.map((e) => (
                <tr
                  key={`${e.eaType}:${e.accountId}`}
                  data-testid="cluster-ea"
                  data-account-id={e.accountId}
                  data-relay-id={e.relayId}
                >
                  <td className="mono card-head" data-label={t('cluster.col.account')}>
                    {e.accountId}
                  </td>
                  <td data-label={t('cluster.col.role')}>
                    {e.eaType === 'Master' ? t('node.master') : t('node.slave')}
                  </td>
                  <td className="mono" data-label={t('cluster.col.relay')}>
                    {e.relayId}
                  </td>
                  <td data-label={t('cluster.col.status')}>{t(`conn.${e.status}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function RelayLagCell({ relay }: { relay: Cluster['relays'][number] }) {
  const { t } = useI18n();
  const lag: RelayLagView | null = relay.lag;
  if (lag === null) return <span className="muted">–</span>;
  const age = lastCopyAgeS(relay);
  return (
    <span className="cluster-lag">
      {lag.p50Ms === null ? (
        <span className="muted" data-testid="cluster-relay-lag-none">
          {t('cluster.lagNone')}
        </span>
      ) : (
        <span data-testid="cluster-relay-lag-p50" title={t('cluster.lagHelp', { samples: lag.samples })}>
          {t('cluster.lagP50', {
            p50: formatMs(lag.p50Ms),
            p99: lag.p99Ms === null ? '–' : formatMs(lag.p99Ms),
          })}
        </span>
      )}
      <span className="muted small" data-testid="cluster-relay-pending">
        {lag.pending === null ? t('cluster.pendingUnknown') : t('cluster.pending', { count: lag.pending })}
        {age === null ? null : ` · ${t('cluster.lastCopy', { age })}`}
      </span>
    </span>
  );
}
