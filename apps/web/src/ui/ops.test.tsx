// @vitest-environment happy-dom
// The EA health and Deliveries pages as an operator sees them: their states in English and Japanese, sorting,
// the block confirmation, a retry the relay refuses as stale (force dialog) or for another reason (shown on the
// row), and the throttle toasts — against a real tRPC client over a fake link, no socket.
import type { DeadLetterView, ParkedView } from '@sankey/shared/api/ops-views';
import { act, cleanup, fireEvent, within as inside, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiClient } from '../client/trpc';
import { FakeRefusal, fakeTrpcClient, type Handlers } from '../testing/fake-trpc';
import { ToastProvider } from './components/toast';
import { DeliveriesBody, DeliveriesView } from './deliveries/deliveries-view';
import { deliveryRows } from './deliveries/rows';
import { HealthBody, HealthView } from './health/health-view';
import { healthRows } from './health/rank';
import type { Lang } from './i18n/dict';
import { I18nProvider } from './i18n/i18n';
import { LiveProvider, useLiveActions } from './live/live-provider';
import { connection, endpoint } from './test-fixtures';

afterEach(cleanup);

const within = (lang: Lang, ui: React.ReactNode) => render(<I18nProvider initial={lang}>{ui}</I18nProvider>);

const rows = healthRows({
  endpoints: [endpoint('S_ok'), endpoint('S_away', { parked: 2, listening: false })],
  connections: [connection('S_ok', 'Slave'), connection('S_away', 'Slave', { status: 'Timeout' })],
  blocked: [],
  tradeGroups: [],
  members: [],
});
const noop = () => {};
const table = {
  sort: { key: 'attention', dir: 'desc' } as const,
  onSort: noop,
  onBlock: noop,
  onUnblock: noop,
};

describe('EA health page states', () => {
  it('say what to do while loading, on error, with the relay unreachable, and with no EA yet', () => {
    const { rerender } = within('en', <HealthBody state={{ kind: 'loading' }} {...table} />);
    expect(screen.getByText('Loading…')).toBeTruthy();
    rerender(
      <I18nProvider initial="en">
        <HealthBody state={{ kind: 'unreachable' }} {...table} />
      </I18nProvider>,
    );
    expect(screen.getByTestId('health-unreachable').textContent).toContain('Start it (`npm start`)');
    rerender(
      <I18nProvider initial="en">
        <HealthBody state={{ kind: 'error', message: 'boom' }} {...table} />
      </I18nProvider>,
    );
    expect(screen.getByTestId('health-error').textContent).toContain('boom');
    rerender(
      <I18nProvider initial="en">
        <HealthBody state={{ kind: 'ready', rows: [] }} {...table} />
      </I18nProvider>,
    );
    expect(screen.getByTestId('health-empty').textContent).toContain('No EA has connected yet');
  });

  it('list the EA that needs attention first, with its issue, a link to its parked copies, and a sort per column', () => {
    const onSort = vi.fn();
    const onBlock = vi.fn();
    within('en', <HealthBody state={{ kind: 'ready', rows }} {...table} onSort={onSort} onBlock={onBlock} />);
    const shown = screen.getAllByTestId('health-row');
    expect(shown.map((r) => r.dataset.account)).toEqual(['S_away', 'S_ok']);
    expect(shown[0]?.textContent).toContain('Copies wait while it is away');
    expect(shown[0]?.textContent).toContain('Timed out');
    expect(
      inside(shown[0] as HTMLElement)
        .getByRole('link', { name: '2' })
        .getAttribute('href'),
    ).toBe('/deliveries?account=S_away');
    expect(shown[1]?.textContent).toContain('OK');
    expect(screen.getByRole('columnheader', { name: /Attention/ }).getAttribute('aria-sort')).toBe(
      'descending',
    );
    fireEvent.click(screen.getByTestId('health-sort-parked'));
    expect(onSort).toHaveBeenCalledWith({ key: 'parked', dir: 'desc' });
    fireEvent.click(screen.getByTestId('health-sort-attention'));
    expect(onSort).toHaveBeenLastCalledWith({ key: 'attention', dir: 'asc' });
    fireEvent.change(screen.getByTestId('health-sort-select'), { target: { value: 'lastSeenAt:asc' } });
    expect(onSort).toHaveBeenLastCalledWith({ key: 'lastSeenAt', dir: 'asc' });
    fireEvent.click(inside(shown[1] as HTMLElement).getByTestId('health-block'));
    expect(onBlock).toHaveBeenCalledWith('S_ok');
  });

  it('speak Japanese', () => {
    within('ja', <HealthBody state={{ kind: 'ready', rows }} {...table} />);
    expect(screen.getByText('不在中のコピーが保留中')).toBeTruthy();
    expect(screen.getAllByText('ブロック').length).toBe(2);
  });
});

const parked: ParkedView = {
  slaves: [{ slaveAccount: 'S1', count: 1, oldestParkedAt: '2026-06-01T12:00:00.000Z', reason: 'offline' }],
  copies: [
    {
      key: 'M1|S1|1',
      masterAccount: 'M1',
      slaveAccount: 'S1',
      action: 'Close',
      ticket: '1030',
      symbol: 'GOLD-ECN',
      lots: 0.25,
      parkedAt: '2026-06-01T12:00:00.000Z',
      expiresAt: '2026-06-02T12:00:00.000Z',
      reason: 'offline',
    },
  ],
  total: 1,
};
const deadLetter = (id: number, over: Partial<DeadLetterView> = {}): DeadLetterView => ({
  id,
  topic: 'trade/M1/S2',
  reason: 'expired_while_offline',
  attempts: 1,
  firstAttemptAt: '2026-06-01T11:00:00.000Z',
  lastAttemptAt: '2026-06-01T11:00:00.000Z',
  destination: 'S2',
  masterAccount: 'M1',
  ticket: '1031',
  action: 'Open',
  payloadBytes: 90,
  symbol: 'USDJPY',
  lots: 0.3,
  ...over,
});
const all = { account: '', kind: '', state: '' } as const;
const dtable = { refusals: {}, busyId: null, onRetry: noop };

describe('Deliveries page states', () => {
  it('show a parked copy with ticket, symbol, lots and why; a dead letter with its reason and a retry', () => {
    const shown = deliveryRows(parked.copies, [deadLetter(5)], all);
    within('en', <DeliveriesBody state={{ kind: 'ready', rows: shown, filtered: false }} {...dtable} />);
    const [waiting, dead] = screen.getAllByTestId('delivery-row');
    expect(waiting?.dataset.state).toBe('parked');
    expect(waiting?.textContent).toContain('#1030');
    expect(waiting?.textContent).toContain('GOLD-ECN');
    expect(waiting?.textContent).toContain('0.25');
    expect(waiting?.textContent).toContain('the slave is offline; it is sent when the slave is back');
    expect(inside(waiting as HTMLElement).queryByTestId('delivery-retry')).toBeNull();
    expect(dead?.dataset.state).toBe('dead_lettered');
    expect(dead?.textContent).toContain('waited longer than the link’s maximum signal delay');
    expect(dead?.textContent).toContain('USDJPY');
    expect(inside(dead as HTMLElement).getByTestId('delivery-retry')).toBeTruthy();
  });

  it('filter by slave, kind and state', () => {
    const rowsOf = (f: Parameters<typeof deliveryRows>[2]) =>
      deliveryRows(parked.copies, [deadLetter(5), deadLetter(6, { destination: 'S1', action: null })], f).map(
        (r) => r.rowId,
      );
    expect(rowsOf(all)).toEqual(['p:M1|S1|1', 'd:5', 'd:6']);
    expect(rowsOf({ ...all, account: 'S1' })).toEqual(['p:M1|S1|1', 'd:6']);
    expect(rowsOf({ ...all, kind: 'config' })).toEqual(['d:6']);
    expect(rowsOf({ ...all, state: 'parked' })).toEqual(['p:M1|S1|1']);
  });

  it('say what to do when empty, filtered empty, unreachable or failing; in Japanese too', () => {
    const { rerender } = within(
      'en',
      <DeliveriesBody state={{ kind: 'ready', rows: [], filtered: false }} {...dtable} />,
    );
    expect(screen.getByTestId('deliveries-empty').textContent).toContain('every copy reached its slave');
    const again = (lang: Lang, state: Parameters<typeof DeliveriesBody>[0]['state']) =>
      rerender(
        <I18nProvider initial={lang}>
          <DeliveriesBody state={state} {...dtable} />
        </I18nProvider>,
      );
    again('en', { kind: 'ready', rows: [], filtered: true });
    expect(screen.getByTestId('deliveries-empty').textContent).toContain('Choose “All”');
    again('en', { kind: 'unreachable' });
    expect(screen.getByTestId('deliveries-unreachable').textContent).toContain('relay is unreachable');
    again('en', { kind: 'error', message: 'boom' });
    expect(screen.getByTestId('deliveries-error').textContent).toContain('boom');
    cleanup();
    within(
      'ja',
      <DeliveriesBody
        state={{ kind: 'ready', rows: deliveryRows(parked.copies, [], all), filtered: false }}
        {...dtable}
      />,
    );
    expect(screen.getByText('スレーブがオフラインです。復帰すると送信されます')).toBeTruthy();
  });
});

function Pages({ handlers, children }: { handlers: Handlers; children: React.ReactNode }) {
  const api = fakeTrpcClient({
    'tradeGroups.list': () => [],
    'connections.list': () => [],
    ...handlers,
  }) as unknown as ApiClient;
  return (
    <I18nProvider initial="en">
      <ToastProvider>
        <LiveProvider api={api} realtime={false}>
          {children}
        </LiveProvider>
      </ToastProvider>
    </I18nProvider>
  );
}

describe('Deliveries page actions', () => {
  it('a stale Open’s retry asks for force and then goes; another refusal stays on the row', async () => {
    const retries: unknown[] = [];
    let letters = [deadLetter(5), deadLetter(6, { ticket: '1032', destination: 'S3' })];
    render(
      <Pages
        handlers={{
          'deliveries.parked': () => parked,
          'deliveries.list': () => letters,
          'deliveries.retry': (input) => {
            retries.push(input);
            const { id, force } = input as { id: number; force?: boolean };
            if (id === 6)
              throw new FakeRefusal(
                'CONFLICT',
                'S3 is blocked; unblock it before retrying',
                'destination_blocked',
              );
            if (!force)
              throw new FakeRefusal('CONFLICT', 'the Open is 42 s old; retry with --force', 'needs_force');
            letters = letters.filter((l) => l.id !== id);
            return { ok: true, id, outcome: 'sent' };
          },
        }}
      >
        <DeliveriesView />
      </Pages>,
    );
    await waitFor(() => expect(screen.getAllByTestId('delivery-row')).toHaveLength(3));
    expect(screen.getByTestId('deliveries-waiting').textContent).toContain('S1: 1 waiting since');

    const row = (ticket: string) =>
      screen.getAllByTestId('delivery-row').find((r) => r.dataset.ticket === ticket) as HTMLElement;
    fireEvent.click(inside(row('1031')).getByTestId('delivery-retry'));
    const dialog = await screen.findByTestId('confirm-dialog');
    expect(dialog.textContent).toContain('Open ticket #1031 on S2 anyway?');
    expect(dialog.textContent).toContain('the Open is 42 s old');
    fireEvent.click(screen.getByTestId('confirm-button'));
    await waitFor(() =>
      expect(screen.getByTestId('toast-success').textContent).toContain('Sent again to S2'),
    );
    expect(retries).toEqual([{ id: 5 }, { id: 5, force: true }]);
    await waitFor(() => expect(screen.getAllByTestId('delivery-row')).toHaveLength(2));

    fireEvent.click(inside(row('1032')).getByTestId('delivery-retry'));
    await waitFor(() =>
      expect(inside(row('1032')).getByTestId('delivery-refusal').textContent).toContain(
        'Refused by the relay: S3 is blocked',
      ),
    );
    expect(screen.queryByTestId('confirm-dialog')).toBeNull();
  });
});

describe('Deliveries purge', () => {
  it('asks how old, deletes the dead letters older than that, and says how many', async () => {
    const purges: unknown[] = [];
    let letters = [deadLetter(5)];
    render(
      <Pages
        handlers={{
          'deliveries.parked': () => ({ slaves: [], copies: [], total: 0 }),
          'deliveries.list': () => letters,
          'deliveries.purge': (input) => {
            purges.push(input);
            letters = [];
            return { purged: 1 };
          },
        }}
      >
        <DeliveriesView />
      </Pages>,
    );
    await screen.findByTestId('delivery-row');
    fireEvent.click(screen.getByTestId('deliveries-purge'));
    expect((await screen.findByTestId('confirm-dialog')).textContent).toContain('older than 7 day(s)');
    fireEvent.change(screen.getByTestId('purge-days'), { target: { value: '' } });
    expect((screen.getByTestId('confirm-button') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByTestId('purge-days'), { target: { value: '0' } });
    fireEvent.click(screen.getByTestId('confirm-button'));
    await waitFor(() =>
      expect(screen.getByTestId('toast-success').textContent).toContain('Deleted 1 dead letter(s).'),
    );
    expect(purges).toEqual([{ olderThanDays: 0 }]);
    await screen.findByTestId('deliveries-empty');
  });
});

describe('EA health page actions', () => {
  it('block asks first (with a reason), then the row shows the EA blocked', async () => {
    let blocked: { accountId: string; reason: string; blockedAt: string }[] = [];
    const blocks: unknown[] = [];
    render(
      <Pages
        handlers={{
          'endpoints.list': () => [endpoint('S1', { blocked: blocked.length > 0 })],
          'blocklist.list': () => blocked,
          'connections.list': () => [connection('S1', 'Slave')],
          'blocklist.block': (input) => {
            blocks.push(input);
            blocked = [{ accountId: 'S1', reason: 'lost terminal', blockedAt: '2026-06-01T12:00:00.000Z' }];
            return blocked[0];
          },
        }}
      >
        <HealthView />
      </Pages>,
    );
    const row = await screen.findByTestId('health-row');
    fireEvent.click(inside(row).getByTestId('health-block'));
    expect((await screen.findByTestId('confirm-dialog')).textContent).toContain('Block S1?');
    fireEvent.change(screen.getByTestId('block-reason'), { target: { value: 'lost terminal' } });
    fireEvent.click(screen.getByTestId('confirm-button'));
    await waitFor(() => expect(screen.getByTestId('health-row').dataset.blocked).toBe('true'));
    expect(blocks).toEqual([{ accountId: 'S1', reason: 'lost terminal' }]);
    expect(screen.getByTestId('toast-success').textContent).toContain('S1 is blocked.');
    expect(inside(screen.getByTestId('health-row')).getByTestId('health-unblock')).toBeTruthy();
  });
});

function Emit({ onReady }: { onReady: (emit: ReturnType<typeof useLiveActions>['store']) => void }) {
  const { store } = useLiveActions();
  onReady(store);
  return null;
}

describe('throttle toasts', () => {
  it('tell the operator when an EA is throttled and when it recovers', async () => {
    let store: ReturnType<typeof useLiveActions>['store'] | null = null;
    render(
      <Pages handlers={{}}>
        <Emit onReady={(s) => (store = s)} />
      </Pages>,
    );
    act(() => store?.handleEvent('ea_throttled', { accountId: 'S1', parked: 120, highWater: 100 }));
    expect(screen.getByTestId('toast-error').textContent).toContain(
      'S1 is throttled: 120 copies are parked (mark 100)',
    );
    act(() => store?.handleEvent('ea_recovered', { accountId: 'S1', parked: 40 }));
    expect(screen.getByTestId('toast-success').textContent).toContain(
      'S1 has recovered: 40 copies still parked.',
    );
  });
});
