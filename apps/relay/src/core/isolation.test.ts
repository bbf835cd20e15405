// Isolated delivery (docs/protocol.md D23) against the EA simulator's model of the slave DLL: configs keyed by
// master_account, prefix subscriptions never removed, trades matched by source_account, tickets mapped by master
// ticket only. Frames reach a simulated slave when one of its subscriptions is a prefix of the topic, as ZeroMQ does.
import { SlaveBrain, type SlaveCommand } from '@sankey/ea-sim/index';
import type {
  PositionSnapshotMessage,
  SlaveConfigMessage,
  TradeSignal,
} from '@sankey/shared/protocol/messages';
import { describe, expect, it } from 'vitest';
import { heartbeat, makeCore, open } from '../testing/core-harness';
import type { SignalRecorder } from './ports';

type Harness = ReturnType<typeof makeCore>;

class SimSlaves {
  readonly brains = new Map<string, SlaveBrain>();
  readonly subs = new Map<string, string[]>();
  readonly commands = new Map<string, SlaveCommand[]>();
  readonly frames = new Map<string, number>();
  readonly syncRequests: { slave: string; master: string }[] = [];
  readonly snapshots: { slave: string; topic: string; source: string }[] = [];

  constructor(
    private readonly h: Harness,
    slaves: string[],
  ) {
    for (const s of slaves) {
      this.brains.set(s, new SlaveBrain({ accountId: s }));
      this.subs.set(s, []);
      this.commands.set(s, []);
      this.frames.set(s, 0);
      this.subscribe(s, `config/${s}`);
      h.handle(heartbeat(s, 'Slave'));
    }
  }

  /** The XPUB socket reports a topic when it gains its first subscriber only. */
  private subscribe(slave: string, topic: string): void {
    const known = [...this.subs.values()].some((list) => list.includes(topic));
    this.subs.get(slave)!.push(topic);
    if (!known) this.h.subscribe(topic);
  }

  /** Delivers every frame sent so far, in order, to every slave subscribed to a prefix of its topic. */
  pump(): void {
    for (let f = this.h.take(); f.length > 0; f = this.h.take()) {
      for (const frame of f) {
        for (const [slave, brain] of this.brains) {
          if (!this.subs.get(slave)!.some((p) => frame.topic.startsWith(p))) continue;
          const m = frame.message;
          if (m.type === 'SlaveConfig') {
            const cfg = m.message as SlaveConfigMessage;
            const effect = brain.applyConfig(cfg);
            for (const t of effect.subscribe) this.subscribe(slave, t);
            if (effect.sendSyncRequest) this.syncRequests.push({ slave, master: cfg.master_account });
          } else if (m.type === 'TradeSignal') {
            this.frames.set(slave, this.frames.get(slave)! + 1);
            const out = brain.handleSignal(m.message as TradeSignal, {
              nowMs: this.h.nowMs(),
              slaveEquity: 10_000,
              topic: frame.topic,
            });
            if (out.ok) this.commands.get(slave)!.push(out.command);
          } else if (m.type === 'PositionSnapshot') {
            const snap = m.message as PositionSnapshotMessage;
            this.snapshots.push({ slave, topic: frame.topic, source: snap.source_account });
          }
        }
      }
    }
  }

  opened(slave: string): string[] {
    return this.commands
      .get(slave)!
      .filter((c) => c.kind === 'open')
      .map((c) => `${c.ticket}:${c.symbol}`);
  }

  positions(slave: string): string[] {
    return this.brains
      .get(slave)!
      .positions()
      .map((p) => `${p.masterTicket}:${p.symbol}`);
  }

  resetCounts(): void {
    for (const s of this.frames.keys()) this.frames.set(s, 0);
  }
}

const now = () => new Date(Date.UTC(2025, 0, 1)).toISOString();
const signal = (over: Partial<TradeSignal>) => ({
  type: 'TradeSignal' as const,
  message: { action: 'Close' as const, ticket: 1, timestamp: now(), source_account: 'M1', ...over },
});

/** A trades everything, B copies no pending orders, C maps XAUUSD to GOLD. */
function threeSlaves(delivery: 'shared' | 'isolated', journal?: SignalRecorder) {
  const h = makeCore(journal ? { journal } : {});
  h.addGroup('M1', { delivery }, [
    { slaveAccount: 'A', settings: { copyPendingOrders: true, maxSignalDelayMs: 60_000 } },
    { slaveAccount: 'B', settings: { copyPendingOrders: false, maxSignalDelayMs: 60_000 } },
    {
      slaveAccount: 'C',
      settings: {
        copyPendingOrders: true,
        symbolMappings: [{ sourceSymbol: 'XAUUSD', targetSymbol: 'GOLD' }],
        maxSignalDelayMs: 60_000,
      },
    },
  ]);
  h.handle(heartbeat('M1', 'Master'));
  const sims = new SimSlaves(h, ['A', 'B', 'C']);
  sims.pump();
  return { h, sims };
}

const pendingGold = open('M1', {
  ticket: 7,
  symbol: 'XAUUSD',
  order_type: 'BuyLimit',
  timestamp: new Date(Date.UTC(2025, 0, 1)).toISOString(),
});

describe('isolated delivery (docs/protocol.md D23)', () => {
  it('shared: B executes a pending order it filters, and C trades XAUUSD, through A’s copy (§12.6)', () => {
    const { h, sims } = threeSlaves('shared');
    h.handle(pendingGold);
    sims.pump();
    expect(sims.opened('A')).toEqual(['7:XAUUSD']);
    expect(sims.opened('B')).toEqual(['7:XAUUSD']);
    expect(sims.opened('C')).toEqual(['7:XAUUSD']);
  });

  it('isolated: B executes nothing, C trades GOLD while A trades XAUUSD', () => {
    const { h, sims } = threeSlaves('isolated');
    h.handle(pendingGold);
    sims.pump();
    expect(sims.opened('A')).toEqual(['7:XAUUSD']);
    expect(sims.opened('B')).toEqual([]);
    expect(sims.opened('C')).toEqual(['7:GOLD']);
    const alias = h.core.deliveryRoute('M1', 'C').via;
    expect(alias).toMatch(/^M1~[0-9a-f]{8}$/);
    expect(sims.brains.get('C')!.subscribedTopics()).toContain(`trade/${alias}/`);
    expect(sims.brains.get('C')!.subscribedTopics()).not.toContain('trade/M1/');
  });

  it('journals the alias each Open went out under, for the Trades page (none in shared delivery)', () => {
    const recorded: { action: string; via?: Record<string, string> }[] = [];
    const journal: SignalRecorder = {
      record: (sig, _accepted, _filtered, _filteredBy, via) =>
        void recorded.push({ action: sig.action, ...(via ? { via } : {}) }),
    };
    const { h, sims } = threeSlaves('isolated', journal);
    h.handle(pendingGold);
    h.handle(signal({ ticket: 7 }));
    sims.pump();
    const route = (s: string) => h.core.deliveryRoute('M1', s).via;
    // B filtered the pending order: it got no copy, so no alias for it.
    expect(recorded).toEqual([
      { action: 'Open', via: { A: route('A'), C: route('C') } },
      { action: 'Close' },
    ]);
    const shared: typeof recorded = [];
    const s = threeSlaves('shared', {
      record: (sig, _a, _f, _b, via) => void shared.push({ action: sig.action, ...(via ? { via } : {}) }),
    });
    s.h.handle(pendingGold);
    expect(shared).toEqual([{ action: 'Open' }]);
  });

  it('switching to isolated and back with open positions loses no Close and asks for no sync', () => {
    const { h, sims } = threeSlaves('shared');
    h.handle(open('M1', { ticket: 1, symbol: 'EURUSD', timestamp: now() }));
    h.handle(open('M1', { ticket: 2, symbol: 'EURUSD', timestamp: now() }));
    sims.pump();
    const group = h.core.group('M1')!;
    h.core.applyGroupUpdated({ ...group, delivery: 'isolated' });
    sims.pump();
    for (const s of ['A', 'B', 'C']) {
      expect(h.core.deliveryRoute('M1', s).phase).toBe('isolated');
      const configs = sims.brains.get(s)!.configStore;
      expect([...configs.keys()]).toEqual([h.core.deliveryRoute('M1', s).via]);
    }
    h.handle(signal({ ticket: 1 }));
    sims.pump();
    h.core.applyGroupUpdated({ ...group, delivery: 'shared' });
    sims.pump();
    h.handle(signal({ ticket: 2 }));
    sims.pump();
    for (const s of ['A', 'B', 'C']) {
      expect(h.core.deliveryRoute('M1', s)).toEqual({ via: 'M1', phase: 'shared' });
      expect(sims.positions(s)).toEqual([]);
      expect([...sims.brains.get(s)!.configStore.keys()]).toEqual(['M1']);
    }
    expect(sims.syncRequests).toEqual([]);
  });

  it('a switch waits for the alias subscription, and goes on after 6 s without one', () => {
    const { h, sims } = threeSlaves('shared');
    const group = h.core.group('M1')!;
    h.core.applyGroupUpdated({ ...group, delivery: 'isolated' });
    // Nothing delivered yet: the slaves have not subscribed the alias prefix, so every member waits.
    const first = h.sent.filter((f) => f.topic.startsWith('config/') && f.message.type === 'SlaveConfig');
    expect(first.map((f) => (f.message.message as SlaveConfigMessage).status)).toEqual([1, 1, 1]);
    expect(h.core.deliveryRoute('M1', 'A').phase).toBe('joining');
    h.take();
    h.advance(6000);
    h.core.checkTimeouts();
    expect(h.core.deliveryRoute('M1', 'A').phase).toBe('isolated');
    const after = h.take().filter((f) => f.topic === 'config/A');
    expect(after.map((f) => (f.message.message as SlaveConfigMessage).status)).toEqual([2, -1]);
    expect((after[1]!.message.message as SlaveConfigMessage).master_account).toBe('M1');
    sims.pump();
  });

  it('a SyncRequest under an alias reaches the master as M; the snapshot reaches only that slave', () => {
    const { h, sims } = threeSlaves('isolated');
    const alias = h.core.deliveryRoute('M1', 'B').via;
    h.handle({
      type: 'SyncRequest',
      message: { message_type: 'SyncRequest', slave_account: 'B', master_account: alias, timestamp: now() },
    });
    const req = h.take();
    expect(req.map((f) => f.topic)).toEqual(['sync/M1/B']);
    expect((req[0]!.message.message as { master_account: string }).master_account).toBe('M1');
    h.handle({
      type: 'PositionSnapshot',
      message: {
        message_type: 'PositionSnapshot',
        source_account: 'M1',
        positions: [],
        timestamp: now(),
      },
    });
    // Every CONNECTED member gets its own snapshot under its own alias; each reaches that slave only.
    sims.pump();
    expect(sims.snapshots.filter((s) => s.slave === 'B')).toEqual([
      { slave: 'B', topic: `sync/${alias}/B`, source: alias },
    ]);
    expect(sims.snapshots).toHaveLength(3);
    expect(new Set(sims.snapshots.map((s) => s.slave))).toEqual(new Set(['A', 'B', 'C']));
  });

  it.each([
    ['shared', 20],
    ['isolated', 1],
  ] as const)('with 20 slaves in %s delivery each slave receives %i frames per signal', (delivery, n) => {
    const h = makeCore();
    const slaves = Array.from({ length: 20 }, (_, i) => `S${String(i).padStart(2, '0')}`);
    h.addGroup(
      'M1',
      { delivery },
      slaves.map((slaveAccount) => ({ slaveAccount })),
    );
    h.handle(heartbeat('M1', 'Master'));
    const sims = new SimSlaves(h, slaves);
    sims.pump();
    sims.resetCounts();
    h.handle(open('M1', { ticket: 9, timestamp: now() }));
    sims.pump();
    for (const s of slaves) expect(sims.frames.get(s)).toBe(n);
  });

  it('parks a copy for an isolated slave that is not listening and releases it under the alias after its config', () => {
    const h = makeCore();
    h.addGroup('M1', { delivery: 'isolated' }, [{ slaveAccount: 'S1' }]);
    h.handle(heartbeat('M1', 'Master'));
    h.handle(heartbeat('S1', 'Slave'));
    const alias = h.core.deliveryRoute('M1', 'S1').via;
    h.subscribe('config/S1');
    h.take();
    h.handle(open('M1', { ticket: 3, timestamp: now() }));
    expect(h.take()).toEqual([]);
    expect(h.parkedRows.size).toBe(1);
    h.subscribe(`trade/${alias}/S1`);
    const out = h.take();
    expect(out.map((f) => f.topic)).toEqual(['config/S1', `trade/${alias}/S1`]);
    expect((out[0]!.message.message as SlaveConfigMessage).master_account).toBe(alias);
    expect((out[1]!.message.message as TradeSignal).source_account).toBe(alias);
  });

  it('a copy parked under the master before a switch is released under the alias after it', () => {
    const { h, sims } = threeSlaves('shared');
    h.subscribe('trade/M1/A', false);
    h.handle(open('M1', { ticket: 4, timestamp: now() }));
    sims.pump();
    expect(h.parkedRows.size).toBe(1);
    h.core.applyGroupUpdated({ ...h.core.group('M1')!, delivery: 'isolated' });
    h.advance(6000);
    h.core.checkTimeouts();
    h.take();
    const alias = h.core.deliveryRoute('M1', 'A').via;
    h.subscribe(`trade/${alias}/A`);
    const released = h.take().filter((f) => f.topic.startsWith('trade/'));
    expect(released.map((f) => f.topic)).toEqual([`trade/${alias}/A`]);
    expect((released[0]!.message.message as TradeSignal).source_account).toBe(alias);
  });

  it('deleting a member of an isolated group sends -1 for its alias (the id its EA knows)', () => {
    const { h } = threeSlaves('isolated');
    const alias = h.core.deliveryRoute('M1', 'B').via;
    h.core.applyMemberDeleted('M1', 'B', false);
    const removal = h.take().filter((f) => f.topic === 'config/B');
    expect(removal.map((f) => (f.message.message as SlaveConfigMessage).master_account)).toEqual([alias]);
    expect(removal.map((f) => (f.message.message as SlaveConfigMessage).status)).toEqual([-1]);
  });
});
