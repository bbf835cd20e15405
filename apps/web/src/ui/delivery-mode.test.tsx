// @vitest-environment happy-dom
// The master drawer's delivery selector (docs/protocol.md D23): both modes offered, the hazard of shared delivery
// and what the EA panel will show explained next to it, the choice saved through tradeGroups.update; and each
// member's switch step (joining → isolated → leaving → shared) shown while it runs, from the relay's live event.
import type { MemberView, TradeGroupView } from '@sankey/shared/api/views';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiClient } from '../client/trpc';
import { ToastProvider } from './components/toast';
import { MasterDrawer } from './connections/master-drawer';
import type { Lang } from './i18n/dict';
import { I18nProvider } from './i18n/i18n';
import { LiveProvider, useLiveActions, useLiveState } from './live/live-provider';
import { connection, group, member } from './test-fixtures';

afterEach(cleanup);

function fakeApi(groups: TradeGroupView[], members: MemberView[]) {
  const update = vi.fn(async ({ id, masterSettings }: { id: string; masterSettings: object }) =>
    group(id, { masterSettings: { ...groups[0]!.masterSettings, ...masterSettings, configVersion: 2 } }),
  );
  const api = {
    tradeGroups: { list: { query: async () => groups }, update: { mutate: update } },
    connections: { list: { query: async () => [connection('M1', 'Master'), connection('S1', 'Slave')] } },
    members: {
      list: {
        query: async ({ tradeGroupId }: { tradeGroupId: string }) =>
          members.filter((m) => m.tradeGroupId === tradeGroupId),
      },
    },
  } as unknown as ApiClient;
  return { api, update };
}

const grabbed: { store?: ReturnType<typeof useLiveActions>['store'] } = {};
function GrabStore() {
  grabbed.store = useLiveActions().store;
  return null;
}

/** As in the app, the drawer opens on a master that is already on screen (its group loaded). */
function OpenDrawer(props: { onClose: () => void }) {
  const loaded = useLiveState().tradeGroups.length > 0;
  return loaded ? <MasterDrawer masterId="M1" onClose={props.onClose} onEditMember={() => {}} /> : null;
}

function renderDrawer(lang: Lang = 'en', delivery: 'shared' | 'isolated' = 'shared') {
  const g = group('M1', {
    masterSettings: { enabled: true, symbolPrefix: null, symbolSuffix: null, delivery, configVersion: 1 },
  });
  const { api, update } = fakeApi([g], [member('M1', 'S1'), member('M1', 'S2')]);
  const onClose = vi.fn();
  render(
    <I18nProvider initial={lang}>
      <ToastProvider>
        <LiveProvider api={api} realtime={false}>
          <GrabStore />
          <OpenDrawer onClose={onClose} />
        </LiveProvider>
      </ToastProvider>
    </I18nProvider>,
  );
  return { update, onClose };
}

describe('delivery selector (D23)', () => {
  it('offers shared and isolated, explains the hazard and the EA panel, and saves the choice', async () => {
    const { update, onClose } = renderDrawer();
    const select = (await screen.findByTestId('master-delivery')) as HTMLSelectElement;
    expect(select.value).toBe('shared');
    expect([...select.options].map((o) => [o.value, o.textContent])).toEqual([
      ['shared', 'Shared (as the original)'],
      ['isolated', 'Isolated (one alias per slave)'],
    ]);
    const drawer = screen.getByTestId('master-drawer');
    // The hazard of shared delivery and what the EA panel will show in isolated delivery.
    expect(drawer.textContent).toMatch(/receives the copies meant for all the others/);
    expect(drawer.textContent).toMatch(/The EA panel then shows the alias \(e\.g\. “M1~1a2b3c4d”\)/);

    fireEvent.change(select, { target: { value: 'isolated' } });
    fireEvent.click(screen.getByTestId('master-save'));
    await waitFor(() => expect(update).toHaveBeenCalledTimes(1));
    expect(update.mock.calls[0]![0]).toMatchObject({ id: 'M1', masterSettings: { delivery: 'isolated' } });
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(grabbed.store!.getState().tradeGroups[0]!.masterSettings.delivery).toBe('isolated');
  });

  it('shows the stored mode of an isolated group, in Japanese too', async () => {
    renderDrawer('ja', 'isolated');
    const select = (await screen.findByTestId('master-delivery')) as HTMLSelectElement;
    expect(select.value).toBe('isolated');
    expect(select.selectedOptions[0]!.textContent).toBe('分離 (スレーブごとのエイリアス)');
  });
});

describe('the switch step of each member', () => {
  it('follows joining → isolated → leaving → shared for the member it concerns only', async () => {
    renderDrawer();
    await screen.findByTestId('master-delivery');
    await waitFor(() => expect(screen.getByTestId('master-drawer').textContent).toContain('S2'));
    expect(screen.queryAllByTestId('member-route')).toHaveLength(0);
    const step = (phase: 'shared' | 'joining' | 'isolated' | 'leaving') =>
      act(() => {
        grabbed.store!.handleEvent('member_delivery', {
          tradeGroupId: 'M1',
          slaveAccount: 'S1',
          phase,
          alias: 'M1~0123abcd',
        });
      });
    const rowOf = (slave: string) =>
      screen
        .getAllByRole('listitem')
        .find((li) => within(li).queryByText(slave, { selector: '.mono' }) !== null)!;

    await step('joining');
    expect(screen.getAllByTestId('member-route').map((e) => e.textContent)).toEqual([
      'switching to M1~0123abcd…',
    ]);
    expect(within(rowOf('S1')).getByTestId('member-route').getAttribute('title')).toBe('M1~0123abcd');
    expect(within(rowOf('S2')).queryByTestId('member-route')).toBeNull();
    await step('isolated');
    expect(within(rowOf('S1')).getByTestId('member-route').textContent).toBe('via M1~0123abcd');
    await step('leaving');
    expect(within(rowOf('S1')).getByTestId('member-route').textContent).toBe(
      'switching back from M1~0123abcd…',
    );
    await step('shared');
    expect(screen.queryAllByTestId('member-route')).toHaveLength(0);
  });
});
