'use client';
// An EA of the cluster in no trade group (cluster mode, docs/cluster.md): a node of its own on the graph, with the
// relay it is on and its live status, so every EA of the cluster is on the page whichever relay it is connected to.
// It has no link yet, hence no switch or settings; the wizard links it like any other account.
import type { Node, NodeProps } from '@xyflow/react';
import { clsx } from 'clsx';
import { ListOrdered, Server } from 'lucide-react';
import Link from 'next/link';
import { Badge } from '../components/ui';
import { useI18n } from '../i18n/i18n';
import { connectionTone, type EaNodeModel } from '../live/derive';

export interface ClusterEaNodeData extends Record<string, unknown> {
  model: EaNodeModel;
}

export type ClusterEaNodeType = Node<ClusterEaNodeData, 'ea'>;

export function ClusterEaNode({ data }: NodeProps<ClusterEaNodeType>) {
  const { t } = useI18n();
  const { model } = data;
  const tone = connectionTone(model);
  return (
    <div
      className="account-node account-node-ea"
      data-testid="account-node"
      data-account-id={model.accountId}
      data-kind="unlinked"
      data-ea-type={model.eaType}
      data-relay-id={model.relayId}
    >
      <span className={clsx('status-bar', `status-bar-${tone}`, 'status-bar-left')} />
      <div className="account-node-header">
        <div className="account-node-title">
          <span className="muted small">
            {model.eaType === 'Master' ? t('node.master') : t('node.slave')} · {t('cluster.unlinked')}
          </span>
          <span className="mono account-id" title={model.accountId}>
            {model.accountId}
          </span>
          <span className="row small">
            <span className={clsx('dot', `dot-${tone}`)} />
            <span data-testid="connection-status">{t(`conn.${model.status}`)}</span>
            {model.platform === 'MT4' || model.platform === 'MT5' ? (
              <Badge tone={model.platform === 'MT4' ? 'blue' : 'purple'}>{model.platform}</Badge>
            ) : null}
            <Badge tone="gray" testId="ea-relay" title={t('cluster.onRelay', { relay: model.relayId })}>
              <Server size={12} aria-hidden="true" /> <span className="mono">{model.relayId}</span>
            </Badge>
          </span>
        </div>
        <div className="account-node-actions nodrag">
          <Link
            href={`/trades?account=${encodeURIComponent(model.accountId)}`}
            className="btn btn-ghost btn-icon"
            data-testid="node-trades"
            aria-label={`${t('trades.viewTrades')} ${model.accountId}`}
            title={t('trades.viewTrades')}
          >
            <ListOrdered size={16} />
          </Link>
        </div>
      </div>
    </div>
  );
}
