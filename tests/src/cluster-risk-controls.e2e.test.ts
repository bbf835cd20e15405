// The risk controls view across relays (docs/cluster.md, "Risk state across relays"): a member whose slave is on
// relay B, asked through relay A (the master's, the one the web app talks to), shows B's view — B's open copies for
// the positions cap and B's equity for the guard — tagged with B's id, not A's own computation (A copies nothing to
// that slave and has no equity for it). Two relay processes on one PostgreSQL schema and the machine's
// nats-server. Runs when TEST_POSTGRES_URL is set.
import { testPostgresUrl } from '@sankey/db/env';
import type { MemberControlsView } from '@sankey/shared/api/risk-views';
import { silentLogger } from '@sankey/web/src/server/logger';
import { createHttpRelayClient } from '@sankey/web/src/server/relay-client';
import { createRiskService } from '@sankey/web/src/server/services/risk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { API_TOKEN, type ClusterWorld, clusterWorld, type RelayProcess } from './cluster-world';

const base = testPostgresUrl();
vi.setConfig({ testTimeout: 60_000 });

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

describe.skipIf(!base)('risk controls of a slave on another relay', () => {
  it('come from the slave’s relay, whichever relay is asked', async () => {
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
