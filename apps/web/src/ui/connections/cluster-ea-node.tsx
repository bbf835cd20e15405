'use client';
// An EA of the cluster in no trade group (cluster mode, docs/cluster.md): a node of its own on the graph, with the
// relay it is on and its live status, so every EA of the cluster is on the page whichever relay it is connected to.
// It has no link yet, hence no switch or settings; the wizard links it like any other account.
import type { Node, NodeProps } from '@xyflow/react';
import { clsx } from 'clsx';
import { RelayBadge } from '../cluster/cluster-context';
import { useI18n } from '../i18n/i18n';
import { connectionTone, type EaNodeModel } from '../live/derive';
import { NodeTitle, NodeTradesLink } from './node-parts';

export interface ClusterEaNodeData extends Record<string, unknown> {
  model: EaNodeModel;
}

export type ClusterEaNodeType = Node<ClusterEaNodeData, 'ea'>;

export function ClusterEaNode({ data }: NodeProps<ClusterEaNodeType>) {
  const { t } = useI18n();
  const { model } = data;
  return (
    <div
      className="account-node account-node-ea"
      data-testid="account-node"
      data-account-id={model.accountId}
      data-kind="unlinked"
      data-ea-type={model.eaType}
      data-relay-id={model.relayId}
    >
      <span className={clsx('status-bar', `status-bar-${connectionTone(model)}`, 'status-bar-left')} />
      <div className="account-node-header">
        <NodeTitle
          kind={`${model.eaType === 'Master' ? t('node.master') : t('node.slave')} · ${t('cluster.unlinked')}`}
          accountId={model.accountId}
          status={model.status}
          platform={model.platform}
        >
          <RelayBadge relay={model.relayId} />
        </NodeTitle>
        <div className="account-node-actions nodrag">
          <NodeTradesLink accountId={model.accountId} />
        </div>
      </div>
    </div>
  );
}
