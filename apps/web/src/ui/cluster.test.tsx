// @vitest-environment happy-dom
// The cluster as an operator sees it (docs/cluster.md): Settings → Cluster alone, in a cluster (relays, this relay's
// NATS connection, each EA's relay), with the relay unreachable, in English and Japanese; and the relay badge on
// each account of the graph — against a real tRPC client over a fake link, no socket.
import type { ClusterView } from '@sankey/shared/api/cluster-views';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import { ReactFlowProvider } from '@xyflow/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiClient } from '../client/trpc';
import { fakeTrpcClient, type Handlers } from '../testing/fake-trpc';
import { ActivityList } from './activity/activity-view';
import { ClusterCard } from './cluster/cluster-card';
import { ClusterProvider } from './cluster/cluster-context';
import { ToastProvider } from './components/toast';
import { AccountNode, type AccountNodeType } from './connections/account-node';
import type { Lang } from './i18n/dict';
import { I18nProvider } from './i18n/i18n';
import { buildGraph, type NodeModel } from './live/derive';
import { LiveProvider } from './live/live-provider';
import { connection, group, member } from './test-fixtures';

afterEach(cleanup);

const cluster: ClusterView = {
  mode: 'cluster',
  cluster: 'tokyo',
  relayId: 'relay-a',
  natsConnected: true,
  relays: [
    {
      relayId: 'relay-a',
      pid: 4100,
      host: 'vps-a',
      address: '10.0.0.1',
      startedAt: '2026-01-01T08:00:00.000Z',
      seenAt: '2026-01-01T09:00:00.000Z',
      eas: 1,
      lag: { pending: 0, p50Ms: null, p99Ms: null, samples: 0, lastCopyAt: null },
    },
    {
      relayId: 'relay-b',
      pid: 4200,
      host: 'vps-b',
      address: null,
      startedAt: '2026-01-01T08:30:00.000Z',
      seenAt: '2026-01-01T09:00:01.000Z',
      eas: 2,
      lag: { pending: 3, p50Ms: 0.42, p99Ms: 12.3, samples: 40, lastCopyAt: '2026-01-01T08:59:56.000Z' },
    },
  ],
  eas: [
    {
      accountId: 'M1',
      eaType: 'Master',
      relayId: 'relay-a',
      status: 'Online',
      lastHeartbeat: '2026-01-01T09:00:00Z',
    },
    {
      accountId: 'S1',
      eaType: 'Slave',
      relayId: 'relay-b',
      status: 'Online',
      lastHeartbeat: '2026-01-01T09:00:00Z',
    },
    {
      accountId: 'S2',
      eaType: 'Slave',
      relayId: 'relay-b',
      status: 'Timeout',
      lastHeartbeat: '2026-01-01T08:59:00Z',
    },
  ],
};

function Page({
  handlers,
  lang = 'en',
  children,
}: {
  handlers: Handlers;
  lang?: Lang;
  children: React.ReactNode;
}) {
  const api = fakeTrpcClient({
    'tradeGroups.list': () => [],
    'connections.list': () => [],
    ...handlers,
  }) as unknown as ApiClient;
  return (
    <I18nProvider initial={lang}>
      <ToastProvider>
        <LiveProvider api={api} realtime={false}>
          {children}
        </LiveProvider>
      </ToastProvider>
    </I18nProvider>
  );
}

describe('Settings → Cluster', () => {
  it('alone shows "Alone (single relay)" and nothing else', async () => {
    render(
      <Page handlers={{ 'system.cluster': () => ({ mode: 'alone' }) }}>
        <ClusterCard />
      </Page>,
    );
    const card = screen.getByTestId('cluster-card');
    await waitFor(() => expect(screen.getByTestId('cluster-alone').textContent).toBe('Alone (single relay)'));
    expect(within(card).queryByTestId('cluster-relays')).toBeNull();
    expect(within(card).queryByTestId('cluster-eas')).toBeNull();
    expect(within(card).queryByTestId('cluster-nats')).toBeNull();
    expect(card.textContent).toBe('ClusterAlone (single relay)');
  });

  it('in a cluster lists its name, every live relay and each EA’s relay', async () => {
    render(
      <Page handlers={{ 'system.cluster': () => cluster }}>
        <ClusterCard />
      </Page>,
    );
    await waitFor(() => expect(screen.getAllByTestId('cluster-relay')).toHaveLength(2));
    expect(screen.getByTestId('cluster-name').textContent).toBe('tokyo');
    expect(screen.getByTestId('cluster-this-relay').textContent).toBe('relay-a');
    expect(screen.getByTestId('cluster-nats').textContent).toBe('NATS connected');
    const [a, b] = screen.getAllByTestId('cluster-relay') as [HTMLElement, HTMLElement];
    expect(a.dataset.relayId).toBe('relay-a');
    expect(a.textContent).toContain('(this relay)');
    expect(a.textContent).toContain('vps-a');
    expect(a.textContent).toContain('10.0.0.1');
    expect(within(a).getByTestId('cluster-relay-eas').textContent).toBe('1');
    expect(within(a).getByTestId('cluster-relay-nats').textContent).toBe('Connected');
    // Uptime from the relay's own clock: seen 09:00:00, started 08:00:00.
    expect(within(a).getByTestId('cluster-relay-uptime').textContent).toBe('1h 0m 0s');
    // Lag per relay, with units: none copied yet on A; B's median, p99, pending and last copy on its own clock.
    expect(within(a).getByTestId('cluster-relay-lag').textContent).toBe('No cross-relay copy yet0 pending');
    expect(within(b).getByTestId('cluster-relay-lag-p50').textContent).toBe('p50 0.42 ms · p99 12 ms');
    expect(within(b).getByTestId('cluster-relay-pending').textContent).toBe(
      '3 pending · last copy 5 s before last seen',
    );
    expect(b.textContent).toContain('vps-b');
    expect(b.textContent).not.toContain('(this relay)');
    expect(within(b).getByTestId('cluster-relay-eas').textContent).toBe('2');
    expect(within(b).getByTestId('cluster-relay-uptime').textContent).toBe('0h 30m 1s');
    // Started and last seen as local times (not the raw ISO strings).
    expect(b.textContent).not.toContain('2026-01-01T08:30');
    expect(b.textContent).toMatch(/01\/01\/2026/);
    const eas = screen.getAllByTestId('cluster-ea').map((r) => [r.dataset.accountId, r.dataset.relayId]);
    expect(eas).toEqual([
      ['M1', 'relay-a'],
      ['S1', 'relay-b'],
      ['S2', 'relay-b'],
    ]);
    expect(screen.getAllByTestId('cluster-ea')[2]?.textContent).toContain('Timed out');
    expect(screen.queryByTestId('cluster-alone')).toBeNull();
  });

  it('says when this relay lost NATS, and speaks Japanese', async () => {
    render(
      <Page lang="ja" handlers={{ 'system.cluster': () => ({ ...cluster, natsConnected: false }) }}>
        <ClusterCard />
      </Page>,
    );
    await waitFor(() => expect(screen.getByTestId('cluster-nats').textContent).toBe('NATS 切断'));
    expect(screen.getByText('稼働中のリレー (2)')).toBeTruthy();
    expect(screen.getByText('リレーごとの EA (3)')).toBeTruthy();
    const jb = screen.getAllByTestId('cluster-relay')[1] as HTMLElement;
    expect(within(jb).getByTestId('cluster-relay-pending').textContent).toBe(
      '未配信 3 件 · 最終コピーは最終確認の 5 秒前',
    );
    expect(within(screen.getAllByTestId('cluster-relay')[0] as HTMLElement).getByText('切断')).toBeTruthy();
    cleanup();
    render(
      <Page lang="ja" handlers={{ 'system.cluster': () => ({ mode: 'alone' }) }}>
        <ClusterCard />
      </Page>,
    );
    await waitFor(() => expect(screen.getByTestId('cluster-alone').textContent).toBe('単独 (リレー 1 台)'));
  });

  it('with the relay unreachable says so instead of guessing a mode', async () => {
    render(
      <Page handlers={{ 'system.cluster': () => null }}>
        <ClusterCard />
      </Page>,
    );
    await waitFor(() =>
      expect(screen.getByTestId('cluster-unreachable').textContent).toContain('The relay is unreachable'),
    );
    expect(screen.queryByTestId('cluster-alone')).toBeNull();
    expect(screen.queryByTestId('cluster-relays')).toBeNull();
  });
});

function renderNode(model: NodeModel, handlers: Handlers, expanded = false) {
  const data: AccountNodeType['data'] = {
    model,
    expanded,
    narrow: true,
    onToggle: () => {},
    onSettings: () => {},
    onExpand: () => {},
  };
  const props = { id: model.id, data } as unknown as Parameters<typeof AccountNode>[0];
  return render(
    <Page handlers={handlers}>
      <ClusterProvider>
        <ReactFlowProvider>
          <AccountNode {...props} />
        </ReactFlowProvider>
      </ClusterProvider>
    </Page>,
  );
}

describe('relay badge on the graph', () => {
  const { nodes } = buildGraph(
    {
      connections: [connection('M1', 'Master'), connection('S1', 'Slave')],
      tradeGroups: [group('M1')],
      members: [member('M1', 'S1')],
      pending: {},
    },
    null,
  );
  const node = (id: string) => nodes.find((n) => n.accountId === id) as NodeModel;

  it('names the relay each account’s EA is on, in the badge and the details', async () => {
    renderNode(node('S1'), { 'system.cluster': () => cluster }, true);
    await waitFor(() => expect(screen.getByTestId('ea-relay').textContent).toBe(' relay-b'));
    expect(screen.getByTestId('ea-relay').getAttribute('title')).toBe('On relay relay-b');
    expect(screen.getByTestId('detail-relay').textContent).toBe('relay-b');
    cleanup();
    renderNode(node('M1'), { 'system.cluster': () => cluster });
    await waitFor(() => expect(screen.getByTestId('ea-relay').textContent).toBe(' relay-a'));
  });

  it('shows the status of an EA on another relay from the cluster (not in this relay’s table)', async () => {
    const remote = buildGraph(
      { connections: [], tradeGroups: [group('M1')], members: [member('M1', 'S2')], pending: {} },
      null,
    ).nodes.find((n) => n.accountId === 'S2') as NodeModel;
    renderNode(remote, { 'system.cluster': () => cluster });
    await waitFor(() => expect(screen.getByTestId('connection-status').textContent).toBe('Timed out'));
    cleanup();
    renderNode(remote, { 'system.cluster': () => ({ mode: 'alone' }) });
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.getByTestId('connection-status').textContent).toBe('Not connected');
  });

  it('shows no relay alone or with the relay unreachable', async () => {
    const asked: string[] = [];
    renderNode(node('S1'), {
      'system.cluster': () => {
        asked.push('cluster');
        return { mode: 'alone' };
      },
    });
    await waitFor(() => expect(asked.length).toBeGreaterThan(0));
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByTestId('ea-relay')).toBeNull();
    cleanup();
    renderNode(
      node('S1'),
      {
        'system.cluster': () => {
          asked.push('unreachable');
          return null;
        },
      },
      true,
    );
    await waitFor(() => expect(asked).toContain('unreachable'));
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByTestId('ea-relay')).toBeNull();
    expect(screen.queryByTestId('detail-relay')).toBeNull();
  });
});

describe('Activity in a cluster', () => {
  it('names the relay each event happened on (absent alone)', () => {
    const payload = {
      masterAccount: 'M1',
      slaveAccount: 'S1',
      memberId: 1,
      action: 'Open' as const,
      ticket: '7',
      symbol: 'EURUSD',
      lots: 0.1,
      relayLatencyUs: 420,
      at: '2026-01-01T09:00:00.000Z',
    };
    render(
      <I18nProvider initial="en">
        <ActivityList
          entries={[
            {
              seq: 2,
              at: payload.at,
              kind: 'trade_copied',
              accounts: ['M1', 'S1'],
              payload: { ...payload, relayId: 'relay-b' },
            },
            { seq: 1, at: payload.at, kind: 'trade_copied', accounts: ['M1', 'S1'], payload },
          ]}
        />
      </I18nProvider>,
    );
    const [remote, alone] = screen.getAllByTestId('activity-item') as [HTMLElement, HTMLElement];
    expect(remote.dataset.relayId).toBe('relay-b');
    expect(within(remote).getByTestId('activity-relay').textContent).toBe(' relay-b');
    expect(within(remote).getByTestId('activity-relay').title).toBe('On relay relay-b');
    expect(within(alone).queryByTestId('activity-relay')).toBeNull();
  });
});
