// @vitest-environment happy-dom
// Component tests: the live provider's optimistic switch with rollback, the wizard's validation, the activity
// feed's filter and Japanese rendering — against a fake API, no socket.
import type { MemberView } from '@sankey/shared/api/views';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiClient } from '../client/trpc';
import { ActivityView } from './activity/activity-view';
import { ToastProvider } from './components/toast';
import { ConfirmDialog, Switch } from './components/ui';
import type { Lang } from './i18n/dict';
import { I18nProvider } from './i18n/i18n';
import { buildGraph } from './live/derive';
import { LiveProvider, useLiveActions, useLiveState } from './live/live-provider';
import { connection, group, member } from './test-fixtures';
import { CreateLinkWizard } from './wizard/create-link-wizard';

afterEach(cleanup);

function fakeApi(opts: {
  members: MemberView[];
  toggle?: (input: { enabled: boolean }) => Promise<MemberView>;
}) {
  const groups = [...new Set(opts.members.map((m) => m.tradeGroupId))].map((id) => group(id));
  return {
    tradeGroups: { list: { query: async () => groups } },
    connections: { list: { query: async () => [connection('M1', 'Master'), connection('S1', 'Slave')] } },
    members: {
      list: {
        query: async ({ tradeGroupId }: { tradeGroupId: string }) =>
          opts.members.filter((m) => m.tradeGroupId === tradeGroupId),
      },
      toggle: { mutate: vi.fn(opts.toggle ?? (async () => opts.members[0]!)) },
    },
  } as unknown as ApiClient;
}

function Providers({
  api,
  lang = 'en',
  children,
}: {
  api: ApiClient;
  lang?: Lang;
  children: React.ReactNode;
}) {
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

/** The link switch as the graph wires it: state from the store, flips through the provider's action. */
function LinkSwitch() {
  const state = useLiveState();
  const actions = useLiveActions();
  const edge = buildGraph(state, null).edges[0];
  if (!edge) return <p>loading</p>;
  return (
    <>
      <Switch
        testId="switch"
        label="link"
        checked={edge.switchOn}
        pending={edge.pending}
        onChange={(v) => void actions.toggleMember(edge.member.tradeGroupId, edge.member.slaveAccount, v)}
      />
      <span data-testid="badge">{edge.badge}</span>
    </>
  );
}

describe('optimistic link switch', () => {
  it('flips at once, stays pending until the server answers, and rolls back with a message on error', async () => {
    let fail!: (e: Error) => void;
    const api = fakeApi({
      members: [member('M1', 'S1', { enabled: false, status: 0 })],
      toggle: () => new Promise((_, reject) => (fail = reject)),
    });
    render(
      <Providers api={api}>
        <LinkSwitch />
      </Providers>,
    );
    const sw = await screen.findByTestId('switch');
    expect(sw.getAttribute('aria-checked')).toBe('false');
    fireEvent.click(sw);
    expect(sw.getAttribute('aria-checked')).toBe('true');
    expect(sw.getAttribute('data-pending')).toBe('true');
    expect(screen.getByTestId('badge').textContent).toBe('manualOff');
    await act(async () => fail(new Error('member not found')));
    await waitFor(() => expect(sw.getAttribute('aria-checked')).toBe('false'));
    expect(sw.getAttribute('data-pending')).toBeNull();
    expect((await screen.findByTestId('toast-error')).textContent).toContain(
      'Could not switch: member not found',
    );
  });

  it('keeps the new intent when the server confirms it', async () => {
    const m = member('M1', 'S1', { enabled: false, status: 0 });
    const api = fakeApi({ members: [m], toggle: async ({ enabled }) => ({ ...m, enabled, status: 2 }) });
    render(
      <Providers api={api}>
        <LinkSwitch />
      </Providers>,
    );
    const sw = await screen.findByTestId('switch');
    fireEvent.click(sw);
    await waitFor(() => expect(screen.getByTestId('badge').textContent).toBe('receiving'));
    expect(sw.getAttribute('aria-checked')).toBe('true');
    expect(sw.getAttribute('data-pending')).toBeNull();
  });
});

describe('create-link wizard', () => {
  it('blocks Next for the same account and a duplicate link, in the chosen language', async () => {
    const api = fakeApi({ members: [member('M1', 'S1')] });
    render(
      <Providers api={api} lang="ja">
        <CreateLinkWizard open onClose={() => {}} />
      </Providers>,
    );
    const masterSel = (await screen.findByTestId('master-selector')) as HTMLSelectElement;
    await waitFor(() => expect(masterSel.querySelector('option[value="M1"]')).not.toBeNull());
    fireEvent.change(masterSel, { target: { value: 'M1' } });
    fireEvent.change(screen.getByTestId('slave-selector'), { target: { value: 'S1' } });
    expect((screen.getByTestId('wizard-next') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText('リンク M1 → S1 はすでに存在します。')).toBeTruthy();

    // A typed id that is not connected: allowed, with a warning.
    fireEvent.change(screen.getByTestId('slave-selector'), { target: { value: '__other__' } });
    fireEvent.change(screen.getByTestId('slave-selector-input'), { target: { value: 'S9' } });
    expect((screen.getByTestId('wizard-next') as HTMLButtonElement).disabled).toBe(false);
    expect(screen.getByTestId('wizard-warning').textContent).toContain('S9 は接続一覧にありません');
  });

  it('creates the group and the link with one links.create call and shows them at once', async () => {
    const api = fakeApi({ members: [] });
    const created = { ...member('M1', 'S1'), outboxId: 2 };
    const create = vi.fn(async () => ({
      group: { ...group('M1'), outboxId: 1 },
      member: created,
      groupCreated: true,
    }));
    Object.assign(api, { links: { create: { mutate: create } } });
    const closed = vi.fn();
    render(
      <Providers api={api}>
        <GrabStore />
        <CreateLinkWizard open onClose={closed} />
      </Providers>,
    );
    const masterSel = (await screen.findByTestId('master-selector')) as HTMLSelectElement;
    await waitFor(() => expect(masterSel.querySelector('option[value="M1"]')).not.toBeNull());
    fireEvent.change(masterSel, { target: { value: 'M1' } });
    fireEvent.change(screen.getByTestId('slave-selector'), { target: { value: 'S1' } });
    fireEvent.click(screen.getByTestId('wizard-next'));
    fireEvent.click(screen.getByTestId('wizard-next'));
    fireEvent.click(await screen.findByTestId('wizard-create'));
    await waitFor(() => expect(closed).toHaveBeenCalled());
    expect(create).toHaveBeenCalledTimes(1);
    expect(create.mock.calls[0]).toEqual([
      expect.objectContaining({
        masterAccount: 'M1',
        slaveAccount: 'S1',
        masterSettings: { enabled: false, symbolPrefix: null, symbolSuffix: null },
        enabled: false,
      }),
    ]);
    expect(grabbed.store?.getState().members).toEqual([created]);
    expect(grabbed.store?.getState().tradeGroups.map((g) => g.id)).toEqual(['M1']);
  });
});

const grabbed: { store?: ReturnType<typeof useLiveActions>['store'] } = {};
function GrabStore() {
  grabbed.store = useLiveActions().store;
  return null;
}

describe('activity feed', () => {
  it('explains filtered trades in words and filters by account', async () => {
    const api = fakeApi({ members: [member('M1', 'S1')] });
    render(
      <Providers api={api} lang="ja">
        <GrabStore />
        <ActivityView />
      </Providers>,
    );
    const store = grabbed.store!;
    await act(async () => {
      store.handleEvent('trade_copied', {
        masterAccount: 'M1',
        slaveAccount: 'S1',
        memberId: 1,
        action: 'Open',
        ticket: '5',
        symbol: 'EURUSD',
        lots: 0.2,
        relayLatencyUs: 250,
        at: '2026-06-01T12:00:00.000Z',
      });
      store.handleEvent('trade_filtered', {
        masterAccount: 'M1',
        slaveAccount: 'S2',
        ticket: '6',
        reason: 'symbol_blocked',
        at: '2026-06-01T12:00:01.000Z',
      });
    });
    expect(screen.getAllByTestId('activity-item')).toHaveLength(2);
    expect(screen.getByText(/シンボルが禁止シンボルに含まれています/)).toBeTruthy();
    fireEvent.change(screen.getByTestId('activity-filter'), { target: { value: 'S1' } });
    const items = screen.getAllByTestId('activity-item');
    expect(items).toHaveLength(1);
    expect(items[0]!.textContent).toContain('#5');
  });

  it('names the alias a copy went out under in isolated delivery (D23)', async () => {
    render(
      <Providers api={fakeApi({ members: [member('M1', 'S1')] })} lang="en">
        <GrabStore />
        <ActivityView />
      </Providers>,
    );
    await act(async () => {
      grabbed.store!.handleEvent('trade_copied', {
        masterAccount: 'M1',
        slaveAccount: 'S1',
        via: 'M1~0123abcd',
        memberId: 1,
        action: 'Open',
        ticket: '8',
        symbol: 'GOLD',
        lots: 0.1,
        relayLatencyUs: 100,
        at: '2026-06-01T12:00:00.000Z',
      });
    });
    expect(screen.getByTestId('activity-item').textContent).toContain('from M1 (as M1~0123abcd) to S1');
  });
});

function Opener() {
  const [open, setOpen] = useState(false);
  return (
    <I18nProvider initial="en">
      <button type="button" onClick={() => setOpen(true)}>
        Block
      </button>
      <ConfirmDialog
        open={open}
        title="Block S1?"
        body="Its copies stop."
        confirmLabel="Block"
        onConfirm={() => setOpen(false)}
        onCancel={() => setOpen(false)}
      >
        <input aria-label="reason" />
      </ConfirmDialog>
    </I18nProvider>
  );
}

describe('confirm dialog keyboard contract', () => {
  it('takes focus on its field, keeps Tab inside, cancels with Escape and gives focus back', () => {
    render(<Opener />);
    const opener = screen.getByRole('button', { name: 'Block' });
    opener.focus();
    fireEvent.click(opener);
    const dialog = screen.getByTestId('confirm-dialog');
    expect(document.activeElement).toBe(screen.getByLabelText('reason'));
    // From the last button, Tab wraps to the field; Shift+Tab from the field to the last button.
    const confirm = screen.getByTestId('confirm-button');
    confirm.focus();
    fireEvent.keyDown(window, { key: 'Tab' });
    expect(document.activeElement).toBe(screen.getByLabelText('reason'));
    fireEvent.keyDown(window, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(confirm);
    expect(dialog.contains(document.activeElement)).toBe(true);
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByTestId('confirm-dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});
