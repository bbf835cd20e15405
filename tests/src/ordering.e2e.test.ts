// D14 (docs/protocol.md): every copy of a master's signal k leaves before any copy of signal k+1, so a slave —
// which receives its master's copies through the `trade/<master>/` prefix — never sees a ticket's Modify or Close
// before its Open, however many slaves there are and however fast the master sends.
import type { TradeSignal } from '@sankey/shared/protocol/messages';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from './until';
import { type World, world } from './world';

let w: World;
afterEach(async () => {
  await w?.close();
});

const SLAVES = 40;
const TICKETS = 30;
const RANK = { Open: 0, Modify: 1, Close: 2 } as const;

describe('copy order (D14)', () => {
  it('a burst of Open→Modify→Close for 30 tickets reaches 40 slaves in order, on each topic and across the prefix', async () => {
    w = await world();
    const slaveIds = Array.from({ length: SLAVES }, (_, i) => `S${String(i).padStart(2, '0')}`);
    await w.admin.createGroup('M1', {
      enabled: true,
      // 144,000 deliveries on a loaded 2-core machine can take longer than the DLL's default 5 s signal-age limit;
      // this test is about order, so the limit is raised out of the way.
      members: slaveIds.map((s) => ({
        slaveAccount: s,
        enabled: true,
        slaveSettings: { maxSignalDelayMs: 600_000 },
      })),
    });
    const slaves = await Promise.all(slaveIds.map((s) => w.slave(s)));
    const master = await w.master('M1');
    for (const s of slaves) await s.waitForConfig((c) => c.master_account === 'M1' && c.status === 2);

    // No pauses: 90 signals pushed back to back.
    for (let t = 1; t <= TICKETS; t++) {
      await master.open({ ticket: t, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
      await master.modify(t, { stopLoss: 1.0, takeProfit: 1.2 });
      await master.close(t);
    }

    const tradeFrames = (s: (typeof slaves)[number]) =>
      s.received().filter((f) => f.topic.startsWith('trade/M1/') && f.message?.type === 'TradeSignal');
    // Every slave receives every slave's copy of every signal through its prefix subscription.
    for (const s of slaves) {
      await until(() => tradeFrames(s).length, SLAVES * TICKETS * 3, 30_000, `frames at ${s.accountId}`);
    }

    for (const s of slaves) {
      const frames = tradeFrames(s).map((f) => ({ topic: f.topic, sig: f.message!.message as TradeSignal }));
      // On its own topic: exactly Open, Modify, Close per ticket, in that order.
      const own = frames.filter((f) => f.topic === `trade/M1/${s.accountId}`);
      for (let t = 1; t <= TICKETS; t++) {
        expect(own.filter((f) => f.sig.ticket === t).map((f) => f.sig.action)).toEqual([
          'Open',
          'Modify',
          'Close',
        ]);
      }
      // Across the prefix: no frame of a ticket ranks below one already seen (no Modify/Close before an Open).
      const highest = new Map<number, number>();
      for (const f of frames) {
        const rank = RANK[f.sig.action as keyof typeof RANK];
        const ticket = Number(f.sig.ticket);
        expect(rank, `${s.accountId} ticket ${ticket}`).toBeGreaterThanOrEqual(highest.get(ticket) ?? 0);
        highest.set(ticket, rank);
      }
      // What the slave executed: each ticket opened, modified and closed (no orphan position).
      const executed = s.commands();
      for (let t = 1; t <= TICKETS; t++) {
        const kinds = executed.filter((c) => Number(c.ticket) === t).map((c) => c.kind);
        // Shared delivery: the DLL applies every slave's copy of a Modify it receives through the prefix (§12.6),
        // so Modify repeats; what matters is open first, close last and once.
        expect(kinds[0], `${s.accountId} ticket ${t}`).toBe('open');
        expect(kinds.at(-1), `${s.accountId} ticket ${t}`).toBe('close');
        expect(
          kinds.filter((k) => k !== 'modify'),
          `${s.accountId} ticket ${t}`,
        ).toEqual(['open', 'close']);
      }
      expect(s.positions()).toEqual([]);
    }
  }, 90_000);
});
