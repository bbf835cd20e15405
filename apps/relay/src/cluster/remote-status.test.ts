// Member status across relays (docs/cluster.md): relay A holds master M1, its member's slave S1 is on relay B.
// A's views (socket.io snapshot, the evaluations route the web's tRPC views use, settings_updated) show S1 as the
// cluster's EA state says, while A's copying is unchanged: no copy for S1 is sent or parked at A.
import type { RelayEventPayload } from '@sankey/shared/api/events';
import { describe, expect, it } from 'vitest';
import { evaluations, systemSnapshot } from '../core/views';
import { heartbeat, makeCore, open, register } from '../testing/core-harness';
import type { EaStateValue } from './ea-state';
import { EaPlacement, keyOf } from './placement';

const S1 = keyOf('S1', 'Slave');

function entry(over: Partial<EaStateValue> = {}): EaStateValue {
  return {
    relayId: 'relay-b',
    accountId: 'S1',
    eaType: 'Slave',
    status: 'Online',
    isTradeAllowed: true,
    balance: 1000,
    equity: 1000,
    currency: 'USD',
    platform: 'MT5',
    accountNumber: '1',
    broker: 'B',
    accountName: 'S1',
    server: 'S',
    leverage: '100',
    symbolContext: null,
    lastHeartbeat: new Date().toISOString(),
    ...over,
  };
}

function relayA() {
  const h = makeCore();
  h.addGroup('M1', { enabled: true }, [{ slaveAccount: 'S1', enabled: true }]);
  h.handle(register('M1', 'Master'));
  h.handle(heartbeat('M1', 'Master'));
  const where = new EaPlacement();
  where.core = h.core;
  h.core.useRemoteSlaves((slave) => where.remoteSlave(slave));
  where.onRemoteSlave = (slave) => h.core.remoteSlaveChanged(slave);
  const shown = () => evaluations(h.core)[0]!.members[0]!;
  const updates = () =>
    h.events
      .filter((e) => e.event === 'settings_updated')
      .map((e) => e.payload as RelayEventPayload<'settings_updated'>);
  return { h, where, shown, updates };
}

describe('a member whose slave is on another relay', () => {
  it('is shown with the slave’s state on its relay; copies for it are neither sent nor parked here', () => {
    const { h, where, shown, updates } = relayA();
    // Nothing in the bucket yet: not connected, as before.
    expect(shown()).toMatchObject({ status: 0, warningCodes: ['slave_offline'] });

    // Relay B's entry: S1 online there, trading allowed.
    if (where.seen(S1, entry())) where.onRemoteSlave('S1');
    expect(shown()).toMatchObject({ status: 2, warningCodes: [], allowNewOrders: true });
    const snap = systemSnapshot(h.core, 0);
    expect(snap.members).toMatchObject([{ slaveAccount: 'S1', status: 2, warningCodes: [] }]);
    expect(updates().at(-1)).toMatchObject({ masterAccount: 'M1', slaveAccount: 'S1', status: 2 });

    // A refresh that changes nothing tells nobody.
    const n = updates().length;
    if (where.seen(S1, entry({ equity: 1001 }))) where.onRemoteSlave('S1');
    expect(updates().length).toBe(n);

    // Copying is relay B's: A sends nothing to S1 and parks nothing for it, and writes no status for it here.
    h.take();
    h.handle(open('M1'));
    expect(h.take().filter((f) => f.topic.includes('S1'))).toEqual([]);
    expect(h.parkedRows.size).toBe(0);

    // Trading disabled on B's terminal: a warning, shown live.
    if (where.seen(S1, entry({ isTradeAllowed: false }))) where.onRemoteSlave('S1');
    expect(shown().warningCodes).toContain('slave_auto_trading_disabled');
    expect(updates().at(-1)!.warningCodes).toContain('slave_auto_trading_disabled');

    // S1 unregistered at B: not connected, shown live.
    if (where.seen(S1, entry({ status: 'Offline' }))) where.onRemoteSlave('S1');
    expect(shown()).toMatchObject({ status: 0, warningCodes: ['slave_offline'] });
    expect(updates().at(-1)).toMatchObject({ status: 0, warningCodes: ['slave_offline'] });
  });

  it('counts as timed out when its entry is not refreshed within the heartbeat timeout (this relay’s clock)', () => {
    const { h, where, shown, updates } = relayA();
    const t0 = 10_000;
    if (where.seen(S1, entry(), t0)) where.onRemoteSlave('S1');
    expect(shown().status).toBe(2);
    const timeoutMs = h.core.settings.heartbeatTimeoutS * 1000;
    where.checkRemoteSlaves(t0 + timeoutMs);
    expect(shown().status).toBe(2);
    where.checkRemoteSlaves(t0 + timeoutMs + 1);
    expect(shown()).toMatchObject({ status: 0, warningCodes: ['slave_offline'] });
    expect(updates().at(-1)).toMatchObject({ status: 0 });
    // Said once, and a fresh entry brings it back.
    const n = updates().length;
    where.checkRemoteSlaves(t0 + timeoutMs + 2000);
    expect(updates().length).toBe(n);
    if (where.seen(S1, entry({ equity: 990 }), t0 + timeoutMs + 3000)) where.onRemoteSlave('S1');
    expect(shown().status).toBe(2);
    expect(updates().at(-1)).toMatchObject({ status: 2 });
  });

  it('is shown the same way in the events of an admin change (member toggled here)', () => {
    const { h, where } = relayA();
    where.seen(S1, entry());
    const member = h.core.member('M1', 'S1')!;
    h.core.applyMemberChanged(h.core.group('M1')!, { ...member, enabled: false }, 'member.toggled');
    h.core.applyMemberChanged(h.core.group('M1')!, { ...member, enabled: true }, 'member.toggled');
    const toggled = h.events.filter((e) => e.event === 'member_status_changed').map((e) => e.payload);
    expect(toggled).toMatchObject([
      { slaveAccount: 'S1', enabled: false, status: 0 },
      { slaveAccount: 'S1', enabled: true, status: 2, warningCodes: [] },
    ]);
  });

  it('is evaluated by this relay’s own table once the slave is here', () => {
    const { h, where, shown } = relayA();
    where.seen(S1, entry({ status: 'Offline' }));
    expect(shown().status).toBe(0);
    h.handle(register('S1', 'Slave'));
    h.handle(heartbeat('S1', 'Slave'));
    expect(shown().status).toBe(2);
  });
});

describe('another relay’s EAs as system.cluster lists them', () => {
  it('with the age of their last KV update on this relay’s clock, Timeout once it passes the timeout', () => {
    const { h, where } = relayA();
    const t0 = 50_000;
    const timeoutMs = h.core.settings.heartbeatTimeoutS * 1000;
    // The entry's wall time says nothing here: a clock far off on relay B does not change the age.
    where.seen(S1, entry({ lastHeartbeat: '2001-01-01T00:00:00.000Z' }), t0);
    where.seen(keyOf('M9', 'Master'), entry({ accountId: 'M9', eaType: 'Master', status: 'Offline' }), t0);
    const at = (ms: number) =>
      where.remoteViews(ms).map((v) => `${v.eaType}:${v.accountId}@${v.relayId} ${v.status} ${v.ageMs}`);
    expect(at(t0 + 1500.4)).toEqual(['Slave:S1@relay-b Online 1500', 'Master:M9@relay-b Offline 1500']);
    expect(at(t0 + timeoutMs)).toEqual([
      `Slave:S1@relay-b Online ${timeoutMs}`,
      `Master:M9@relay-b Offline ${timeoutMs}`,
    ]);
    // Past the timeout a live entry is shown timed out (as its members are); an offline one stays offline.
    expect(at(t0 + timeoutMs + 1)[0]).toBe(`Slave:S1@relay-b Timeout ${timeoutMs + 1}`);
    expect(at(t0 + timeoutMs + 1)[1]).toBe(`Master:M9@relay-b Offline ${timeoutMs + 1}`);
    // A fresh update: live again, age 0.
    where.seen(S1, entry(), t0 + timeoutMs + 5);
    expect(at(t0 + timeoutMs + 5)[0]).toBe('Slave:S1@relay-b Online 0');
  });
});
