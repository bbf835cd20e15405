'use client';
// What every account node of the graph shows alike (account-node.tsx for linked accounts, cluster-ea-node.tsx for
// an EA of the cluster in no group): the title with kind, account id and live status, and the link to its trades.
import type { EaConnection } from '@sankey/shared/api/views';
import { clsx } from 'clsx';
import { ListOrdered } from 'lucide-react';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Badge } from '../components/ui';
import { useI18n } from '../i18n/i18n';
import { connectionTone } from '../live/derive';

export function NodeTitle(props: {
  kind: string;
  accountId: string;
  /** Live status; undefined when no relay knows the EA. */
  status: EaConnection['status'] | undefined;
  /** MT4 or MT5 (no badge for anything else or none). */
  platform: string | null | undefined;
  /** After the platform: the relay badge, the link count… */
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const { status, platform } = props;
  return (
    <div className="account-node-title">
      <span className="muted small">{props.kind}</span>
      <span className="mono account-id" title={props.accountId}>
        {props.accountId}
      </span>
      <span className="row small">
        <span className={clsx('dot', `dot-${connectionTone(status ? { status } : undefined)}`)} />
        <span data-testid="connection-status">{status ? t(`conn.${status}`) : t('conn.unknown')}</span>
        {platform === 'MT4' || platform === 'MT5' ? (
          <Badge tone={platform === 'MT4' ? 'blue' : 'purple'}>{platform}</Badge>
        ) : null}
        {props.children}
      </span>
    </div>
  );
}

export function NodeTradesLink({ accountId }: { accountId: string }) {
  const { t } = useI18n();
  return (
    <Link
      href={`/trades?account=${encodeURIComponent(accountId)}`}
      className="btn btn-ghost btn-icon"
      data-testid="node-trades"
      aria-label={`${t('trades.viewTrades')} ${accountId}`}
      title={t('trades.viewTrades')}
    >
      <ListOrdered size={16} />
    </Link>
  );
}
