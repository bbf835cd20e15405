'use client';
// Connections page: the master → slave graph with live badges, switches, filter, drawers and the wizard.
import '@xyflow/react/dist/style.css';
import {
  applyNodeChanges,
  Background,
  Controls,
  type NodeChange,
  ReactFlow,
  useNodesInitialized,
  useReactFlow,
} from '@xyflow/react';
import { Plus } from 'lucide-react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ClusterProvider, useClusterQuery } from '../cluster/cluster-context';
import { ConfirmDialog } from '../components/ui';
import { useI18n } from '../i18n/i18n';
import {
  buildGraph,
  clusterEaNodes,
  type EdgeModel,
  layout,
  masterOptions,
  NODE_WIDTH,
  type NodeModel,
} from '../live/derive';
import { useLiveActions, useLiveState } from '../live/live-provider';
import { RiskProvider } from '../risk/risk-context';
import { CreateLinkWizard } from '../wizard/create-link-wizard';
import { AccountNode, type AccountNodeType } from './account-node';
import { ClusterEaNode, type ClusterEaNodeType } from './cluster-ea-node';
import { LinkEdge, type LinkEdgeType } from './link-edge';
import { MasterDrawer } from './master-drawer';
import { MemberDrawer } from './member-drawer';

const nodeTypes = { account: AccountNode, ea: ClusterEaNode };
const edgeTypes = { link: LinkEdge };

function useNarrow(): boolean {
  const [narrow, setNarrow] = useState(false);
  useEffect(() => {
    const mq = window.matchMedia('(max-width: 767px)');
    const update = () => setNarrow(mq.matches);
    update();
    mq.addEventListener('change', update);
    return () => mq.removeEventListener('change', update);
  }, []);
  return narrow;
}

/** Fits the view when the set of nodes changes (not on every live update). */
function FitOnChange({ layoutKey, narrow }: { layoutKey: string; narrow: boolean }) {
  const flow = useReactFlow();
  // Fitting before React Flow has measured the nodes does nothing, so wait for that.
  const initialized = useNodesInitialized();
  useEffect(() => {
    if (!layoutKey || !initialized) return;
    const id = setTimeout(() => {
      if (narrow) void flow.setViewport({ x: 12, y: 12, zoom: 1 });
      else void flow.fitView({ padding: 0.15, maxZoom: 1 });
    }, 60);
    return () => clearTimeout(id);
  }, [flow, layoutKey, narrow, initialized]);
  return null;
}

export function ConnectionsView() {
  const { t } = useI18n();
  const state = useLiveState();
  const actions = useLiveActions();
  const narrow = useNarrow();
  const [filter, setFilter] = useState<string | null>(null);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [wizardOpen, setWizardOpen] = useState(false);
  const [masterDrawer, setMasterDrawer] = useState<string | null>(null);
  const [memberDrawer, setMemberDrawer] = useState<{ tradeGroupId: string; slaveAccount: string } | null>(
    null,
  );
  const [toDelete, setToDelete] = useState<EdgeModel | null>(null);
  const [dragged, setDragged] = useState<ReadonlySet<string>>(new Set());
  const [rfNodes, setRfNodes] = useState<(AccountNodeType | ClusterEaNodeType)[]>([]);
  const cluster = useClusterQuery();
  const { store } = actions;
  const refetchCluster = cluster.refetch;
  // An EA connecting or leaving on any relay (cluster mode: the events of every relay): its node follows at once.
  useEffect(() => store.onEaEvent(() => void refetchCluster()), [store, refetchCluster]);

  const activeFilter = filter && state.tradeGroups.some((g) => g.id === filter) ? filter : null;
  const graph = useMemo(() => buildGraph(state, activeFilter), [state, activeFilter]);
  // Cluster mode: every EA of the cluster in no group is a node too, on whichever relay it is (not when filtering).
  const eaNodes = useMemo(
    () =>
      // Not before the groups have loaded: a linked EA would show as unlinked for a moment.
      state.loaded && cluster.data?.mode === 'cluster' && activeFilter === null
        ? clusterEaNodes(graph.nodes, cluster.data.eas, state.connections)
        : [],
    [state.loaded, cluster.data, activeFilter, graph.nodes, state.connections],
  );
  const positions = useMemo(
    () => layout(graph.nodes, expanded, narrow, eaNodes),
    [graph.nodes, expanded, narrow, eaNodes],
  );
  const layoutKey = `${[...graph.nodes, ...eaNodes].map((n) => n.id).join('|')}#${narrow}`;

  const onToggle = useCallback(
    (model: NodeModel, enabled: boolean) => {
      if (model.kind === 'master') void actions.toggleGroup(model.accountId, enabled);
      else
        for (const m of model.members)
          if (m.enabled !== enabled) void actions.toggleMember(m.tradeGroupId, m.slaveAccount, enabled);
    },
    [actions],
  );
  const onSettings = useCallback((model: NodeModel) => {
    if (model.kind === 'master') setMasterDrawer(model.accountId);
    else {
      const first = model.members[0];
      if (first) setMemberDrawer({ tradeGroupId: first.tradeGroupId, slaveAccount: first.slaveAccount });
    }
  }, []);
  const onExpand = useCallback((id: string) => {
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }, []);

  useEffect(() => {
    setRfNodes((prev) => {
      const old = new Map(prev.map((n) => [n.id, n]));
      const accounts = graph.nodes.map((model): AccountNodeType => {
        const before = old.get(model.id);
        const position = (dragged.has(model.id) && before?.position) ||
          positions.get(model.id) || { x: 0, y: 0 };
        return {
          id: model.id,
          type: 'account' as const,
          position,
          ...(before?.measured ? { measured: before.measured } : {}),
          style: { width: narrow ? Math.min(NODE_WIDTH, 340) : NODE_WIDTH },
          dragHandle: '.account-node-header',
          data: { model, expanded: expanded.has(model.id), narrow, onToggle, onSettings, onExpand },
        };
      });
      const eas = eaNodes.map(
        (model): ClusterEaNodeType => ({
          id: model.id,
          type: 'ea' as const,
          position: (dragged.has(model.id) && old.get(model.id)?.position) ||
            positions.get(model.id) || { x: 0, y: 0 },
          ...(old.get(model.id)?.measured ? { measured: old.get(model.id)?.measured } : {}),
          style: { width: narrow ? Math.min(NODE_WIDTH, 340) : NODE_WIDTH },
          dragHandle: '.account-node-header',
          data: { model },
        }),
      );
      return [...accounts, ...eas];
    });
  }, [graph.nodes, eaNodes, positions, dragged, expanded, narrow, onToggle, onSettings, onExpand]);

  const edges: LinkEdgeType[] = useMemo(
    () =>
      graph.edges.map((model) => ({
        id: model.id,
        type: 'link' as const,
        source: model.source,
        target: model.target,
        data: {
          model,
          onToggle: (m: EdgeModel, enabled: boolean) =>
            void actions.toggleMember(m.member.tradeGroupId, m.member.slaveAccount, enabled),
          onEdit: (m: EdgeModel) =>
            setMemberDrawer({ tradeGroupId: m.member.tradeGroupId, slaveAccount: m.member.slaveAccount }),
          onDelete: (m: EdgeModel) => setToDelete(m),
        },
      })),
    [graph.edges, actions],
  );

  const onNodesChange = useCallback((changes: NodeChange<AccountNodeType | ClusterEaNodeType>[]) => {
    const moved = changes
      .filter((c) => c.type === 'position' && c.dragging)
      .map((c) => (c as { id: string }).id);
    if (moved.length > 0) setDragged((prev) => new Set([...prev, ...moved]));
    setRfNodes((ns) => applyNodeChanges(changes, ns));
  }, []);

  const options = masterOptions(state.tradeGroups, state.members);
  const linkedIds = new Set([
    ...state.tradeGroups.map((g) => g.id),
    ...state.members.map((m) => m.slaveAccount),
  ]);
  const unlinked = state.connections.filter((c) => !linkedIds.has(c.accountId));
  const member = memberDrawer
    ? (state.members.find(
        (m) => m.tradeGroupId === memberDrawer.tradeGroupId && m.slaveAccount === memberDrawer.slaveAccount,
      ) ?? null)
    : null;

  return (
    <RiskProvider>
      <ClusterProvider>
        <div className="page page-connections">
          <div className="page-header">
            <div>
              <h1 className="page-title">{t('connections.title')}</h1>
              <p className="muted small">{t('connections.subtitle')}</p>
            </div>
            <div className="toolbar">
              <label className="row small">
                <span className="muted">{t('connections.filter')}</span>
                <select
                  className="input input-sm"
                  data-testid="master-filter"
                  value={activeFilter ?? ''}
                  onChange={(e) => setFilter(e.target.value || null)}
                >
                  <option value="">{t('connections.filterAll', { count: options.length })}</option>
                  {options.map((o) => (
                    <option key={o.id} value={o.id}>
                      {t('connections.filterOption', { id: o.id, links: o.links })}
                    </option>
                  ))}
                </select>
              </label>
              <button
                type="button"
                className="btn btn-primary"
                data-testid="create-connection-button"
                onClick={() => setWizardOpen(true)}
              >
                <Plus size={16} /> {t('connections.create')}
              </button>
            </div>
          </div>
          {activeFilter ? (
            <div className="alert alert-info row-between" data-testid="master-filter-indicator">
              <span>{t('connections.viewing', { id: activeFilter })}</span>
              <button type="button" className="btn btn-outline btn-sm" onClick={() => setFilter(null)}>
                {t('connections.clearFilter')}
              </button>
            </div>
          ) : null}

          {state.loaded && graph.nodes.length === 0 && eaNodes.length === 0 ? (
            <div className="empty" data-testid="connections-empty">
              <p className="strong">{t('connections.empty')}</p>
              <p className="muted">{t('connections.emptyHint')}</p>
            </div>
          ) : (
            <div className="flow-wrap" data-testid="connections-graph">
              {state.loaded ? null : <p className="flow-loading muted">{t('common.loading')}</p>}
              <ReactFlow<AccountNodeType | ClusterEaNodeType, LinkEdgeType>
                nodes={rfNodes}
                edges={edges}
                nodeTypes={nodeTypes}
                edgeTypes={edgeTypes}
                onNodesChange={onNodesChange}
                nodesConnectable={false}
                elementsSelectable={false}
                minZoom={0.1}
                maxZoom={2}
                panOnScroll={narrow}
                proOptions={{ hideAttribution: false }}
              >
                <FitOnChange layoutKey={layoutKey} narrow={narrow} />
                <Background gap={20} />
                <Controls showInteractive={false} />
              </ReactFlow>
            </div>
          )}
          {unlinked.length > 0 && cluster.data?.mode !== 'cluster' ? (
            <p className="muted small" data-testid="unlinked">
              {t('connections.unlinked', {
                list: unlinked
                  .map(
                    (c) =>
                      `${c.accountId} (${c.eaType === 'Master' ? t('node.master') : t('node.slave')}, ${t(`conn.${c.status}`)})`,
                  )
                  .join(', '),
              })}
            </p>
          ) : null}
          <p className="muted small legend">
            <strong>{t('connections.legend')}:</strong> {t('connections.legendText')}
          </p>

          <CreateLinkWizard
            open={wizardOpen}
            onClose={() => setWizardOpen(false)}
            initialMaster={activeFilter}
          />
          <MasterDrawer
            masterId={masterDrawer}
            onClose={() => setMasterDrawer(null)}
            onEditMember={(tradeGroupId, slaveAccount) => {
              setMasterDrawer(null);
              setMemberDrawer({ tradeGroupId, slaveAccount });
            }}
          />
          <MemberDrawer member={member} onClose={() => setMemberDrawer(null)} />
          <ConfirmDialog
            open={toDelete !== null}
            title={t('delete.title')}
            body={t('delete.body', {
              master: toDelete?.member.tradeGroupId ?? '',
              slave: toDelete?.member.slaveAccount ?? '',
            })}
            confirmLabel={t('common.delete')}
            onCancel={() => setToDelete(null)}
            onConfirm={() => {
              const m = toDelete;
              setToDelete(null);
              if (m) void actions.deleteMember(m.member.tradeGroupId, m.member.slaveAccount);
            }}
          />
        </div>
      </ClusterProvider>
    </RiskProvider>
  );
}
