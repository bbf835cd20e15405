// Risk state across relays (docs/cluster.md, "Risk state across relays"): two relay processes on one PostgreSQL
// schema and the machine's nats-server. An equity guard set through relay B runs on relay A (which holds the
// slave) and trips there; B learns the trip, so when the slave's EA moves to B it stays close-only and B refuses
// the master's Opens; a reset through A (no longer holding it) clears it on B; master close-only set at A reaches
// a slave on B. The controls view of a member whose slave is on relay B, asked through relay A, is B's (B's open
// copies for the positions cap, B's equity for the guard), tagged with B's id, not A's own computation (A copies
// nothing to that slave and has no equity for it). Runs when TEST_POSTGRES_URL is set.
import { testPostgresUrl } from '@sankey/db/env';
import type { MemberControlsView } from '@sankey/shared/api/risk-views';
import { silentLogger } from '@sankey/web/src/server/logger';
import { createHttpRelayClient } from '@sankey/web/src/server/relay-client';
import { createRiskService } from '@sankey/web/src/server/services/risk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { API_TOKEN, type ClusterWorld, clusterWorld, type RelayProcess } from './cluster-world';

const base = testPostgresUrl();
vi.setConfig({ testTimeout: 120_000 });

let w: ClusterWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const riskOf = (r: RelayProcess) =>
  createRiskService({
    relay: createHttpRelayClient({ baseUrl: r.endpoints.http, apiToken: API_TOKEN, log: silentLogger }),
    log: silentLogger,
  });

/** The member's controls as `risk.controls` shows them: by control, with the relay that computed them. */
const shown = (list: MemberControlsView[] | null, slave: string) => {
  const m = list?.find((c) => c.tradeGroupId === 'M1' && c.slaveAccount === slave);
  if (!m) return null;
  const positions = m.controls.find((c) => c.control === 'max_positions');
  const guard = m.controls.find((c) => c.control === 'equity_guard');
  return {
    relayId: m.relayId ?? null,
    open: positions?.control === 'max_positions' ? positions.open : null,
    equity: guard?.control === 'equity_guard' ? guard.equity : null,
  };
};

describe.skipIf(!base)('risk state across relays', () => {
  it('a trip at one relay holds at another, a reset anywhere clears it everywhere, master close-only reaches every relay', async () => {
    w = await clusterWorld();
    const a = await w.relay('risk-a');
    const b = await w.relay('risk-b');
    const riskA = riskOf(a);
    const riskB = riskOf(b);
    await w.admin(a).createGroup('M1', { enabled: true, members: [{ slaveAccount: 'SA', enabled: true }] });
    await w.admin(a).createGroup('M2', { enabled: true, members: [{ slaveAccount: 'SB', enabled: true }] });
    const m1 = await w.master(a, 'M1');
    await w.master(a, 'M2');
    const sa = await w.slave(a, 'SA', { equity: 10_000 });
    const sb = await w.slave(b, 'SB', { equity: 10_000 });
    await sa.waitForConfig((c) => c.master_account === 'M1' && c.status === 2, 20_000);
    await sb.waitForConfig((c) => c.master_account === 'M2' && c.status === 2, 20_000);

    // Set through B; A holds SA, so A runs the guard and records the day-start equity; B mirrors it.
    await riskB.setGuard('SA', {
      minEquity: null,
      dailyLoss: { kind: 'percent', value: 5 },
      dayStartHour: 0,
      timeZone: 'UTC',
      closeAll: false,
    });
    for (const risk of [riskA, riskB])
      await vi.waitFor(async () => expect((await risk.list('SA'))?.[0]?.dayStartEquity).toBe(10_000), {
        timeout: 15_000,
        interval: 200,
      });

    // The trip at A (5.1 % down): SA goes close-only; B learns it within moments.
    const tripMark = sa.mark();
    sa.setEquity(9_490);
    await sa.waitForConfig((c) => c.master_account === 'M1' && !c.allow_new_orders, 10_000, {
      since: tripMark,
    });
    await vi.waitFor(
      async () =>
        expect((await riskB.list('SA'))?.[0]?.tripped).toMatchObject({ reason: 'daily_loss', equity: 9_490 }),
      { timeout: 5_000, interval: 100 },
    );

    // (a) SA's EA moves to B: B's first config already says close-only, and B refuses M1's Open for it.
    await sa.stop();
    const moved = await w.slave(b, 'SA', { equity: 9_490 });
    await moved.waitForConfig(
      (c) => c.master_account === 'M1' && c.status === 2 && !c.allow_new_orders,
      20_000,
    );
    const openMark = moved.mark();
    await m1.open({ ticket: 1, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
    await moved.expectNoCommands((c) => c.ticket === 1, 1_500, { since: openMark });
    const refusedAtB = await fetch(`${b.endpoints.http}/metrics`).then((r) => r.text());
    expect(refusedAtB).toMatch(/sankey_signals_filtered_total\{reason="equity_guard"\} 1/);

    // (b) Reset through A, which no longer holds SA: B (which does) clears it and sends allow_new_orders = true.
    const resetMark = moved.mark();
    expect((await riskA.reset('SA')).tripped).toBeNull();
    await moved.waitForConfig((c) => c.master_account === 'M1' && c.allow_new_orders, 10_000, {
      since: resetMark,
    });
    await vi.waitFor(async () => expect((await riskB.list('SA'))?.[0]?.tripped).toBeNull(), {
      timeout: 5_000,
    });
    await m1.open({ ticket: 2, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
    await moved.waitForCommand((c) => c.ticket === 2 && c.kind === 'open', 10_000);

    // (c) Master close-only set at A applies to M2's slave on B; switched off at B, it clears.
    const onMark = sb.mark();
    await riskA.setMasterCloseOnly('M2', true);
    await sb.waitForConfig((c) => c.master_account === 'M2' && !c.allow_new_orders, 5_000, { since: onMark });
    expect(await riskB.members()).toContainEqual({
      tradeGroupId: 'M2',
      slaveAccount: 'SB',
      reasons: ['master_close_only'],
      openCopies: 0,
    });
    const offMark = sb.mark();
    await riskB.setMasterCloseOnly('M2', false);
    await sb.waitForConfig((c) => c.master_account === 'M2' && c.allow_new_orders, 5_000, { since: offMark });
  });

  it('the controls view of a slave on another relay comes from that relay, whichever relay is asked', async () => {
    w = await clusterWorld();
    const a = await w.relay('rv-a');
    const b = await w.relay('rv-b');
    await w.admin(a).createGroup('M1', {
      enabled: true,
      members: [
        { slaveAccount: 'SB', enabled: true, slaveSettings: { risk: { maxOpenPositions: 2 } } },
        { slaveAccount: 'SA', enabled: true, slaveSettings: { risk: { maxOpenPositions: 2 } } },
      ],
    });
    const m1 = await w.master(a, 'M1');
    const sb = await w.slave(b, 'SB', { equity: 8_000 });
    const sa = await w.slave(a, 'SA', { equity: 9_000 });
    await sb.waitForConfig((c) => c.master_account === 'M1' && c.status === 2, 20_000);
    await sa.waitForConfig((c) => c.master_account === 'M1' && c.status === 2, 20_000);
    await riskOf(a).setGuard('SB', {
      minEquity: 5_000,
      dailyLoss: null,
      dayStartHour: 0,
      timeZone: 'UTC',
      closeAll: false,
    });

    // One Open copied: B holds SB's copy (and its equity), A holds SA's.
    await m1.open({ ticket: 1, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
    await sb.waitForCommand((c) => c.ticket === 1 && c.kind === 'open', 10_000);
    await sa.waitForCommand((c) => c.ticket === 1 && c.kind === 'open', 10_000);

    const riskA = riskOf(a);
    const riskB = riskOf(b);
    await vi.waitFor(
      async () => {
        const atA = await riskA.controls();
        // SB as relay B computes it, asked through A; SA is A's own (no relay tag).
        expect(shown(atA, 'SB')).toEqual({ relayId: 'rv-b', open: 1, equity: 8_000 });
        expect(shown(atA, 'SA')).toEqual({ relayId: null, open: 1, equity: null });
        // And the other way round: asked through B, SA is A's view.
        const atB = await riskB.controls();
        expect(shown(atB, 'SA')).toEqual({ relayId: 'rv-a', open: 1, equity: null });
        expect(shown(atB, 'SB')).toEqual({ relayId: null, open: 1, equity: 8_000 });
      },
      { timeout: 15_000, interval: 200 },
    );
  });
});
