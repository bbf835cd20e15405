'use client';
// Which relay each EA is on, for the connections page in cluster mode (docs/cluster.md): system.cluster polled every
// few seconds, and a small badge naming the relay on each account. Alone, or with the relay unreachable, or outside a
// ClusterProvider, the badge shows nothing.
import type { ClusterEaView, ClusterView } from '@sankey/shared/api/cluster-views';
import type { EaType } from '@sankey/shared/protocol/constants';
import { useQuery } from '@tanstack/react-query';
import { Server } from 'lucide-react';
import { createContext, type ReactNode, useContext, useMemo } from 'react';
import { useTRPC } from '../../client/trpc';
import { Badge } from '../components/ui';
import { useI18n } from '../i18n/i18n';

export const CLUSTER_POLL_MS = 5_000;

const key = (accountId: string, eaType: EaType) => `${eaType}\u0000${accountId}`;

/** The relay of each EA by (account, kind); empty unless the view is a cluster's. */
export function relaysByEa(view: ClusterView | null | undefined): ReadonlyMap<string, string> {
  return new Map([...easByKey(view)].map(([k, ea]) => [k, ea.relayId]));
}

function easByKey(view: ClusterView | null | undefined): ReadonlyMap<string, ClusterEaView> {
  const map = new Map<string, ClusterEaView>();
  if (view?.mode !== 'cluster') return map;
  for (const ea of view.eas) map.set(key(ea.accountId, ea.eaType), ea);
  return map;
}

const ClusterContext = createContext<ReadonlyMap<string, ClusterEaView> | null>(null);

/** The system.cluster query as every cluster view polls it. */
export function useClusterQuery() {
  const trpc = useTRPC();
  return useQuery({ ...trpc.system.cluster.queryOptions(), refetchInterval: CLUSTER_POLL_MS, staleTime: 0 });
}

export function ClusterProvider({ children }: { children: ReactNode }) {
  const query = useClusterQuery();
  const byEa = useMemo(() => easByKey(query.data), [query.data]);
  return <ClusterContext.Provider value={byEa}>{children}</ClusterContext.Provider>;
}

/** The relay the account's EA of this kind is on; null alone, unknown, or outside a ClusterProvider. */
export function useEaRelay(accountId: string, eaType: EaType): string | null {
  return useClusterEa(accountId, eaType)?.relayId ?? null;
}

/** The EA as the cluster's KV bucket reports it (its relay, status…); null alone or unknown. */
export function useClusterEa(accountId: string, eaType: EaType): ClusterEaView | null {
  return useContext(ClusterContext)?.get(key(accountId, eaType)) ?? null;
}

export function EaRelayBadge({ accountId, eaType }: { accountId: string; eaType: EaType }) {
  const relay = useEaRelay(accountId, eaType);
  return relay === null ? null : <RelayBadge relay={relay} />;
}

/** The relay an EA is on, as a small badge. */
export function RelayBadge({ relay }: { relay: string }) {
  const { t } = useI18n();
  return (
    <Badge tone="gray" testId="ea-relay" title={t('cluster.onRelay', { relay })}>
      <Server size={12} aria-hidden="true" /> <span className="mono">{relay}</span>
    </Badge>
  );
}
