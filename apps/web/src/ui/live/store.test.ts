import { describe, expect, it } from 'vitest';
import { connection, group, member } from '../test-fixtures';
import { filterActivity, LiveStore, MAX_ACTIVITY, optimisticToggle, routeKey } from './store';

const deferred = <T>() => {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
};

describe('optimistic toggle', () => {
  it('shows the new intent while in flight and keeps the server answer on success', async () => {
    const store = new LiveStore();
    const m = member('M1', 'S1', { enabled: false, status: 0 });
    store.applySnapshot({ connections: [], tradeGroups: [group('M1')], members: [m] });
    const call = deferred<typeof m>();
    const done = optimisticToggle({
      store,
      key: 'm:M1/S1',
      enabled: true,
      mutate: () => call.promise,
      apply: (v) => store.upsertMember(v),
    });
    expect(store.getState().pending).toEqual({ 'm:M1/S1': true });
    call.resolve({ ...m, enabled: true });
    expect(await done).toEqual({ ok: true });
    expect(store.getState().pending).toEqual({});
    expect(store.getState().members[0]?.enabled).toBe(true);
  });

  it('rolls back to the confirmed intent when the server refuses', async () => {
    const store = new LiveStore();
    const m = member('M1', 'S1', { enabled: false, status: 0 });
    store.applySnapshot({ connections: [], tradeGroups: [group('M1')], members: [m] });
    const r = await optimisticToggle({
      store,
      key: 'm:M1/S1',
      enabled: true,
      mutate: () => Promise.reject(new Error('NOT_FOUND')),
      apply: (v) => store.upsertMember(v),
    });
    expect(r.ok).toBe(false);
    expect(store.getState().pending).toEqual({});
    expect(store.getState().members[0]?.enabled).toBe(false);
  });
});

describe('live events', () => {
  it('replaces everything on a snapshot and patches members on status events', () => {
    const store = new LiveStore();
    const m = member('M1', 'S1', { status: 1 });
    store.handleEvent('system_snapshot', {
      connections: [connection('S1', 'Slave')],
      tradeGroups: [group('M1')],
      members: [m],
      appliedOutboxId: 0,
    });
    store.handleEvent('member_status_changed', { ...m, status: 2 });
    expect(store.getState().members[0]?.status).toBe(2);
    store.handleEvent('settings_updated', {
      masterAccount: 'M1',
      slaveAccount: 'S1',
      status: 0,
      enabled: true,
      warningCodes: ['slave_offline'],
      slaveSettings: m.slaveSettings,
    });
    expect(store.getState().members[0]).toMatchObject({ status: 0, warningCodes: ['slave_offline'] });
    store.handleEvent('ea_disconnected', { accountId: 'S1', eaType: 'Slave' });
    expect(store.getState().connections[0]?.status).toBe('Offline');
  });

  it('keeps each member’s delivery switch step as the relay reports it (D23)', () => {
    const store = new LiveStore();
    const route = { tradeGroupId: 'M1', slaveAccount: 'S1', alias: 'M1~0123abcd' };
    store.handleEvent('member_delivery', { ...route, phase: 'joining' });
    expect(store.getState().deliveryRoutes[routeKey('M1', 'S1')]).toEqual({
      phase: 'joining',
      alias: 'M1~0123abcd',
    });
    store.handleEvent('member_delivery', { ...route, phase: 'isolated' });
    expect(store.getState().deliveryRoutes[routeKey('M1', 'S1')]?.phase).toBe('isolated');
  });

  it('drops the group with its last member', () => {
    const store = new LiveStore();
    store.applySnapshot({ connections: [], tradeGroups: [group('M1')], members: [member('M1', 'S1')] });
    store.handleEvent('member_deleted', { tradeGroupId: 'M1', slaveAccount: 'S1' });
    expect(store.getState()).toMatchObject({ tradeGroups: [], members: [] });
  });
});

describe('activity feed', () => {
  const fill = () => {
    const store = new LiveStore(() => new Date('2026-01-01T00:00:04Z'));
    store.handleEvent('trade_received', {
      sourceAccount: 'M1',
      action: 'Open',
      ticket: '1',
      symbol: 'EURUSD',
      lots: 0.1,
      at: '2026-01-01T00:00:01Z',
    });
    store.handleEvent('trade_copied', {
      masterAccount: 'M1',
      slaveAccount: 'S1',
      memberId: 1,
      action: 'Open',
      ticket: '1',
      symbol: 'EURUSD',
      lots: 0.1,
      relayLatencyUs: 120,
      at: '2026-01-01T00:00:02Z',
    });
    store.handleEvent('trade_filtered', {
      masterAccount: 'M1',
      slaveAccount: 'S2',
      ticket: '1',
      reason: 'lots_below_min',
      at: '2026-01-01T00:00:03Z',
    });
    store.handleEvent('delivery_failed', { topic: 'trade/M1/S3', reason: 'queue full' });
    return store;
  };

  it('shows each event at its own time and in event order, even when it arrives late', () => {
    const store = new LiveStore(() => new Date('2026-01-01T12:39:23Z'));
    const copied = (ticket: string, at: string) =>
      store.handleEvent('trade_copied', {
        masterAccount: 'M1',
        slaveAccount: 'S1',
        memberId: 1,
        action: 'Open',
        ticket,
        symbol: 'EURUSD',
        lots: 0.1,
        relayLatencyUs: 90,
        at,
      });
    copied('1031', '2026-01-01T12:39:22.000Z');
    // Received later, happened earlier: listed after 1031, stamped with its own time.
    copied('1030', '2026-01-01T12:39:20.000Z');
    const activity = store.getState().activity;
    expect(activity.map((e) => [e.at, e.kind === 'trade_copied' && e.payload.ticket])).toEqual([
      ['2026-01-01T12:39:22.000Z', '1031'],
      ['2026-01-01T12:39:20.000Z', '1030'],
    ]);
  });

  it('keeps the newest first and filters by account on either side', () => {
    const all = fill().getState().activity;
    expect(all.map((e) => e.kind)).toEqual([
      'delivery_failed',
      'trade_filtered',
      'trade_copied',
      'trade_received',
    ]);
    expect(filterActivity(all, 'S2').map((e) => e.kind)).toEqual(['trade_filtered']);
    expect(filterActivity(all, 'M1')).toHaveLength(4);
    expect(filterActivity(all, 'S3').map((e) => e.kind)).toEqual(['delivery_failed']);
    expect(filterActivity(all, null)).toHaveLength(4);
  });

  it('is bounded', () => {
    const store = new LiveStore();
    for (let i = 0; i < MAX_ACTIVITY + 10; i++)
      store.handleEvent('delivery_failed', { topic: 'config/S1', reason: String(i) });
    expect(store.getState().activity).toHaveLength(MAX_ACTIVITY);
  });
});

describe('snapshots older than a mutation', () => {
  it('keep the data a mutation answered until the relay has applied its outbox row', () => {
    const store = new LiveStore();
    const m = member('M1', 'S1', { enabled: false, status: 0 });
    store.handleEvent('system_snapshot', {
      connections: [],
      tradeGroups: [group('M1')],
      members: [m],
      appliedOutboxId: 4,
    });
    // members.toggle answered with outbox row 5; a new link (group M2 + member) with rows 6 and 7.
    store.upsertMember({ ...m, enabled: true, status: 2, outboxId: 5 });
    store.upsertGroup({ ...group('M2'), outboxId: 6 });
    store.upsertMember({ ...member('M2', 'S2'), id: 99, outboxId: 7 });

    // A snapshot the relay took before applying row 5: it still shows S1 disabled and knows nothing of M2.
    store.handleEvent('system_snapshot', {
      connections: [],
      tradeGroups: [group('M1')],
      members: [m],
      appliedOutboxId: 4,
    });
    expect(store.getState().members.find((x) => x.slaveAccount === 'S1')).toMatchObject({ enabled: true });
    expect(store.getState().tradeGroups.map((g) => g.id)).toEqual(['M2', 'M1']);
    expect(store.getState().members.map((x) => x.slaveAccount)).toEqual(['S2', 'S1']);

    // Row 5 applied, 6 and 7 not yet: S1 now comes from the relay (with its live status), M2 stays local.
    store.handleEvent('system_snapshot', {
      connections: [],
      tradeGroups: [group('M1')],
      members: [{ ...m, enabled: true, status: 1 }],
      appliedOutboxId: 5,
    });
    expect(store.getState().members.find((x) => x.slaveAccount === 'S1')?.status).toBe(1);
    expect(store.getState().tradeGroups.map((g) => g.id)).toEqual(['M2', 'M1']);

    // Everything applied: the relay's snapshot is the truth again (here M2 is gone: deleted elsewhere).
    store.handleEvent('system_snapshot', {
      connections: [],
      tradeGroups: [group('M1')],
      members: [{ ...m, enabled: true, status: 1 }],
      appliedOutboxId: 7,
    });
    expect(store.getState().tradeGroups.map((g) => g.id)).toEqual(['M1']);
    expect(store.getState().members.map((x) => x.slaveAccount)).toEqual(['S1']);
  });

  it('do not bring back a deleted member or group', () => {
    const store = new LiveStore();
    const snapshot = {
      connections: [],
      tradeGroups: [group('M1'), group('M2')],
      members: [member('M1', 'S1'), { ...member('M2', 'S2'), id: 2 }, { ...member('M2', 'S3'), id: 3 }],
      appliedOutboxId: 10,
    };
    store.handleEvent('system_snapshot', snapshot);
    store.removeMember('M1', 'S1', 11); // the last member: the server deleted group M1 with it
    store.removeGroup('M2', 12);
    // A snapshot sent before the relay applied either delete (e.g. debounced just before).
    store.handleEvent('system_snapshot', snapshot);
    expect(store.getState()).toMatchObject({ tradeGroups: [], members: [] });
    store.handleEvent('system_snapshot', { ...snapshot, appliedOutboxId: 12 });
    // Only a snapshot that has applied both deletes is believed (a real one would not list them any more).
    expect(store.getState().tradeGroups.map((g) => g.id)).toEqual(['M1', 'M2']);
  });
});
