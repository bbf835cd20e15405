'use client';
// A master or slave account in the graph: runtime badge, intent switch, settings, warnings in words, and
// expandable account details (balance, equity, leverage, last heartbeat…).
import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import { clsx } from 'clsx';
import { ChevronDown, ChevronUp, Settings2, TriangleAlert } from 'lucide-react';
import { EaRelayBadge, useClusterEa, useEaRelay } from '../cluster/cluster-context';
import { Badge, Switch } from '../components/ui';
import { useI18n } from '../i18n/i18n';
import { badgeTone, type NodeModel } from '../live/derive';
import { CardControls, ControlDetails } from '../risk/control-states';
import { CloseOnlyBadge, GuardDetails, GuardTripped } from '../risk/risk-badges';
import { badgeLabel, explainWarning, statusLabel } from './labels';
import { NodeTitle, NodeTradesLink } from './node-parts';

export interface AccountNodeData extends Record<string, unknown> {
  model: NodeModel;
  expanded: boolean;
  narrow: boolean;
  onToggle: (model: NodeModel, enabled: boolean) => void;
  onSettings: (model: NodeModel) => void;
  onExpand: (id: string) => void;
}

export type AccountNodeType = Node<AccountNodeData, 'account'>;

function formatDateTime(iso: string, lang: string) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB');
}

export function AccountNode({ data }: NodeProps<AccountNodeType>) {
  const { t, lang } = useI18n();
  const { model, expanded, narrow } = data;
  const c = model.connection;
  const tone = badgeTone[model.badge];
  const hasWarning = model.warnings.length > 0;
  const barTone = hasWarning && model.enabled ? 'yellow' : tone;
  const isMaster = model.kind === 'master';
  const relay = useEaRelay(model.accountId, isMaster ? 'Master' : 'Slave');
  // Cluster mode: an EA on another relay is not in this relay's table; its status comes from the KV bucket.
  const clusterEa = useClusterEa(model.accountId, isMaster ? 'Master' : 'Slave');
  const status = c?.status ?? clusterEa?.status;
  const money = (v: number) =>
    `${v.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${c?.currency ?? ''}`;
  const prefixWarning =
    model.prefixPeers.length > 0
      ? t('node.prefixWarn', { id: model.accountId, peers: model.prefixPeers.join(', ') })
      : null;
  const runtimeStatus = isMaster
    ? model.group.masterRuntimeStatus
    : Math.max(...model.members.map((m) => m.status));

  return (
    <div
      className={clsx(
        'account-node',
        `account-node-${model.kind}`,
        hasWarning && model.enabled && 'account-node-warning',
      )}
      data-testid="account-node"
      data-account-id={model.accountId}
      data-kind={model.kind}
    >
      <span
        className={clsx(
          'status-bar',
          `status-bar-${barTone}`,
          isMaster ? 'status-bar-right' : 'status-bar-left',
        )}
      />
      <Handle
        type={isMaster ? 'source' : 'target'}
        position={
          isMaster ? (narrow ? Position.Bottom : Position.Right) : narrow ? Position.Top : Position.Left
        }
        className={clsx('flow-handle', `flow-handle-${barTone}`)}
        isConnectable={false}
      />
      <div className="account-node-header">
        <NodeTitle
          kind={isMaster ? t('node.master') : t('node.slave')}
          accountId={model.accountId}
          status={status}
          platform={c?.platform}
        >
          <EaRelayBadge accountId={model.accountId} eaType={isMaster ? 'Master' : 'Slave'} />
          <span className="muted">{t('node.links', { count: model.links })}</span>
        </NodeTitle>
        <div className="account-node-actions nodrag">
          <Badge
            tone={tone}
            testId="runtime-badge"
            title={t('badge.tooltip', {
              intent: model.enabled ? t('badge.intentOn') : t('badge.intentOff'),
              status: statusLabel(runtimeStatus, t),
            })}
          >
            {badgeLabel(model.badge, t)}
          </Badge>
          <CloseOnlyBadge
            accountId={model.accountId}
            kind={model.kind}
            members={model.kind === 'slave' ? model.members : []}
          />
          {model.prefixPeers.length > 0 ? (
            <Badge tone="yellow" testId="prefix-badge" title={prefixWarning ?? undefined}>
              {t('node.prefixBadge')}
            </Badge>
          ) : null}
          <Switch
            testId="account-toggle-switch"
            checked={model.switchOn}
            pending={model.pending}
            label={
              isMaster
                ? t('node.switchMaster', { id: model.accountId })
                : t('node.switchSlave', { id: model.accountId })
            }
            onChange={(v) => data.onToggle(model, v)}
          />
          <NodeTradesLink accountId={model.accountId} />
          <button
            type="button"
            className="btn btn-ghost btn-icon"
            data-testid="node-settings"
            aria-label={`${t('node.settings')} ${model.accountId}`}
            title={t('node.settings')}
            onClick={() => data.onSettings(model)}
          >
            <Settings2 size={16} />
          </button>
          <button
            type="button"
            className="btn btn-ghost btn-icon"
            data-testid="node-expand"
            aria-expanded={expanded}
            aria-label={expanded ? t('node.collapse') : t('node.expand')}
            title={expanded ? t('node.collapse') : t('node.expand')}
            onClick={() => data.onExpand(model.id)}
          >
            {expanded ? <ChevronUp size={16} /> : <ChevronDown size={16} />}
          </button>
        </div>
      </div>
      {isMaster ? null : <GuardTripped accountId={model.accountId} />}
      {isMaster ? null : <CardControls slaveAccount={model.accountId} />}
      {model.warnings.length > 0 || prefixWarning ? (
        <ul className="node-warnings">
          {model.warnings.map((w) => (
            <li key={w} data-testid="node-warning" data-code={w}>
              <TriangleAlert size={14} aria-hidden="true" />
              <span>{explainWarning(w, t)}</span>
            </li>
          ))}
          {prefixWarning ? (
            <li data-testid="node-prefix-warning">
              <TriangleAlert size={14} aria-hidden="true" />
              <span>{prefixWarning}</span>
            </li>
          ) : null}
        </ul>
      ) : null}
      {expanded ? (
        c ? (
          <dl className="details nodrag" data-testid="account-details">
            <dt>{t('node.accountNumber')}</dt>
            <dd>{c.accountNumber}</dd>
            <dt>{t('node.broker')}</dt>
            <dd>{c.broker.replaceAll('_', ' ')}</dd>
            <dt>{t('node.server')}</dt>
            <dd>{c.server}</dd>
            <dt>{t('node.platform')}</dt>
            <dd>{c.platform}</dd>
            {relay === null ? null : (
              <>
                <dt>{t('cluster.relayDetail')}</dt>
                <dd className="mono" data-testid="detail-relay">
                  {relay}
                </dd>
              </>
            )}
            <dt>{t('node.balance')}</dt>
            <dd data-testid="detail-balance">{money(c.balance)}</dd>
            <dt>{t('node.equity')}</dt>
            <dd data-testid="detail-equity">{money(c.equity)}</dd>
            <dt>{t('node.leverage')}</dt>
            <dd>1:{c.leverage}</dd>
            <dt>{t('node.autoTrading')}</dt>
            <dd>{c.isTradeAllowed ? t('common.yes') : t('common.no')}</dd>
            <dt>{t('node.lastHeartbeat')}</dt>
            <dd data-testid="detail-heartbeat">{formatDateTime(c.lastHeartbeat, lang)}</dd>
            <dt>{t('node.connectedAt')}</dt>
            <dd>{formatDateTime(c.connectedAt, lang)}</dd>
            {isMaster ? null : <GuardDetails accountId={model.accountId} />}
            {isMaster ? null : <ControlDetails slaveAccount={model.accountId} />}
          </dl>
        ) : (
          <p className="muted small details">{t('node.noConnection')}</p>
        )
      ) : null}
    </div>
  );
}
