'use client';
// Wires the admin pages to the server: React Query + tRPC, the live store (first filled from tRPC, then kept
// current by socket.io), and the actions the views call (toggles with optimistic update, deletes, refresh).
import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import {
  createContext,
  type ReactNode,
  useContext,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
} from 'react';
import { connectRelay } from '../../client/realtime';
import {
  type ApiClient,
  createApiClient,
  errorMessage,
  redirectIfUnauthorized,
  TRPCProvider,
} from '../../client/trpc';
import { useToast } from '../components/toast';
import { useI18n } from '../i18n/i18n';
import { groupKey, memberKey } from './derive';
import { type LiveState, LiveStore, optimisticToggle } from './store';

export interface LiveActions {
  api: ApiClient;
  store: LiveStore;
  refresh: () => Promise<void>;
  toggleGroup: (id: string, enabled: boolean) => Promise<void>;
  toggleMember: (tradeGroupId: string, slaveAccount: string, enabled: boolean) => Promise<void>;
  deleteMember: (tradeGroupId: string, slaveAccount: string) => Promise<boolean>;
  deleteGroup: (id: string) => Promise<boolean>;
}

const LiveContext = createContext<LiveActions | null>(null);

/** Loads groups, their members and the connections through tRPC (the socket may be down). */
export async function fetchSnapshot(api: ApiClient) {
  const [tradeGroups, connections] = await Promise.all([
    api.tradeGroups.list.query(),
    api.connections.list.query(),
  ]);
  const members = (
    await Promise.all(tradeGroups.map((g) => api.members.list.query({ tradeGroupId: g.id })))
  ).flat();
  return { tradeGroups, connections, members };
}

/** `api` and `realtime: false` let component tests run the provider against a fake API without a socket. */
export function LiveProvider({
  children,
  api: givenApi,
  realtime = true,
}: {
  children: ReactNode;
  api?: ApiClient;
  realtime?: boolean;
}) {
  const { t } = useI18n();
  const toast = useToast();
  const [queryClient] = useState(
    () =>
      new QueryClient({
        queryCache: new QueryCache({ onError: (err) => void redirectIfUnauthorized(err) }),
        defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false, staleTime: 2_000 } },
      }),
  );
  const [api] = useState(() => givenApi ?? createApiClient());
  const [store] = useState(() => new LiveStore());

  const actions = useMemo<LiveActions>(() => {
    const fail = (key: Parameters<typeof t>[0], err: unknown) => {
      if (!redirectIfUnauthorized(err)) toast.show('error', t(key, { message: errorMessage(err) }));
    };
    const refresh = async () => {
      try {
        store.applySnapshot(await fetchSnapshot(api));
      } catch (err) {
        redirectIfUnauthorized(err);
      }
    };
    return {
      api,
      store,
      refresh,
      async toggleGroup(id, enabled) {
        const r = await optimisticToggle({
          store,
          key: groupKey(id),
          enabled,
          mutate: () => api.tradeGroups.toggle.mutate({ id, enabled }),
          apply: (view) => store.upsertGroup(view),
        });
        if (!r.ok) fail('toggle.failed', r.error);
      },
      async toggleMember(tradeGroupId, slaveAccount, enabled) {
        const r = await optimisticToggle({
          store,
          key: memberKey(tradeGroupId, slaveAccount),
          enabled,
          mutate: () => api.members.toggle.mutate({ tradeGroupId, slaveAccount, enabled }),
          apply: (view) => store.upsertMember(view),
        });
        if (!r.ok) fail('toggle.failed', r.error);
      },
      async deleteMember(tradeGroupId, slaveAccount) {
        try {
          const { outboxId } = await api.members.delete.mutate({ tradeGroupId, slaveAccount });
          store.removeMember(tradeGroupId, slaveAccount, outboxId);
          toast.show('success', t('delete.done'));
          return true;
        } catch (err) {
          fail('delete.failed', err);
          return false;
        }
      },
      async deleteGroup(id) {
        try {
          const { outboxId } = await api.tradeGroups.delete.mutate({ id });
          store.removeGroup(id, outboxId);
          toast.show('success', t('delete.groupDone'));
          return true;
        } catch (err) {
          fail('delete.failed', err);
          return false;
        }
      },
    };
  }, [api, store, t, toast]);

  // Not keyed on the language: switching it must not reconnect.
  useEffect(() => {
    fetchSnapshot(api).then(
      // A snapshot from the socket may already be newer than this answer.
      (s) => store.getState().socket !== 'connected' && store.applySnapshot(s),
      (err) => void redirectIfUnauthorized(err),
    );
    return realtime ? connectRelay(api, store, (err) => void redirectIfUnauthorized(err)) : undefined;
  }, [api, store, realtime]);

  // The relay's throttle notices become toasts on every page.
  useEffect(
    () =>
      store.onNotice((n) =>
        n.kind === 'ea_throttled'
          ? toast.show(
              'error',
              t('toast.eaThrottled', {
                account: n.payload.accountId,
                parked: n.payload.parked,
                highWater: n.payload.highWater,
              }),
            )
          : toast.show(
              'success',
              t('toast.eaRecovered', { account: n.payload.accountId, parked: n.payload.parked }),
            ),
      ),
    [store, toast, t],
  );

  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={api} queryClient={queryClient}>
        <LiveContext.Provider value={actions}>{children}</LiveContext.Provider>
      </TRPCProvider>
    </QueryClientProvider>
  );
}

export function useLiveActions(): LiveActions {
  const ctx = useContext(LiveContext);
  if (!ctx) throw new Error('useLiveActions outside LiveProvider');
  return ctx;
}

export function useLiveState(): LiveState {
  const { store } = useLiveActions();
  return useSyncExternalStore(store.subscribe, store.getState, store.getState);
}
