'use client';
// A link (member) between a master and a slave: colour by its runtime badge, and a mid-edge label with the lot
// multiplier, reverse marker, the link's own switch, edit and delete.
import { BaseEdge, type Edge, EdgeLabelRenderer, type EdgeProps, getBezierPath } from '@xyflow/react';
import { clsx } from 'clsx';
import { Settings2, Trash2 } from 'lucide-react';
import { Switch } from '../components/ui';
import { useI18n } from '../i18n/i18n';
import { badgeTone, type EdgeModel } from '../live/derive';
import { badgeLabel } from './labels';

export interface LinkEdgeData extends Record<string, unknown> {
  model: EdgeModel;
  onToggle: (model: EdgeModel, enabled: boolean) => void;
  onEdit: (model: EdgeModel) => void;
  onDelete: (model: EdgeModel) => void;
}
export type LinkEdgeType = Edge<LinkEdgeData, 'link'>;

const STROKE = { green: '#22c55e', amber: '#f59e0b', gray: '#9ca3af' } as const;

export function LinkEdge(props: EdgeProps<LinkEdgeType>) {
  const { t } = useI18n();
  const [path, labelX, labelY] = getBezierPath(props);
  const data = props.data;
  if (!data) return null;
  const m = data.model;
  const tone = badgeTone[m.badge];
  const active = m.badge === 'receiving';
  const master = m.member.tradeGroupId;
  const slave = m.member.slaveAccount;
  return (
    <>
      <BaseEdge
        id={props.id}
        path={path}
        style={{ stroke: STROKE[tone], strokeWidth: 2, strokeDasharray: active ? undefined : '5 5' }}
        className={clsx(active && 'edge-animated')}
      />
      <EdgeLabelRenderer>
        <div
          className={clsx('edge-label nodrag nopan', `edge-label-${tone}`)}
          style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          data-testid="edge-label"
          data-master={master}
          data-slave={slave}
          data-badge={m.badge}
        >
          {m.label.marginRatio ? (
            <span title={t('edge.marginRatio')}>%</span>
          ) : (
            <span
              title={t('edge.multiplier', { value: m.label.multiplier ?? 1 })}
              data-testid="edge-multiplier"
            >
              ×{m.label.multiplier ?? 1}
            </span>
          )}
          {m.label.reverse ? (
            <span
              title={t('edge.reverse')}
              role="img"
              aria-label={t('edge.reverse')}
              data-testid="edge-reverse"
            >
              ⇄
            </span>
          ) : null}
          <span className="edge-badge" data-testid="edge-badge">
            {badgeLabel(m.badge, t)}
          </span>
          <Switch
            className="switch-sm"
            testId="link-toggle-switch"
            checked={m.switchOn}
            pending={m.pending}
            label={t('edge.switch', { master, slave })}
            onChange={(v) => data.onToggle(m, v)}
          />
          <button
            type="button"
            className="btn btn-ghost btn-icon btn-xs"
            data-testid="edge-edit"
            aria-label={`${t('edge.edit')} ${master} → ${slave}`}
            title={t('edge.edit')}
            onClick={() => data.onEdit(m)}
          >
            <Settings2 size={14} />
          </button>
          <button
            type="button"
            className="btn btn-ghost btn-icon btn-xs"
            data-testid="edge-delete"
            aria-label={`${t('edge.delete')} ${master} → ${slave}`}
            title={t('edge.delete')}
            onClick={() => data.onDelete(m)}
          >
            <Trash2 size={14} />
          </button>
        </div>
      </EdgeLabelRenderer>
    </>
  );
}
