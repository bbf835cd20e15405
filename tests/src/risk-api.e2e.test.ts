// The web app's risk.* services (docs/api.md, Risk controls) over the real relay's control API and simulated EAs:
// master close-only (every member gets allow_new_orders = false, the master's Opens are refused with
// `manual_close_only`, Closes pass), equity guards set/reset with the relay's refusals in words, and what an
// operator gets when the relay is unreachable.
import { silentLogger } from '@sankey/web/src/server/logger';
import { createHttpRelayClient } from '@sankey/web/src/server/relay-client';
import { createRiskService } from '@sankey/web/src/server/services/risk';
import { afterEach, describe, expect, it } from 'vitest';
import { world } from './world';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c().catch(() => {});
});

describe('risk controls through the web services', () => {
  it('master close-only stops every member opening, Closes still pass; guards are set, refused and reset with reasons', async () => {
    const w = await world();
    cleanup.push(() => w.close());
    const risk = createRiskService({
      relay: createHttpRelayClient({
        baseUrl: w.t.endpoints.http,
        apiToken: w.t.apiToken,
        log: silentLogger,
      }),
      log: silentLogger,
    });
    await w.admin.createGroup('M1', {
      enabled: true,
      members: [
        { slaveAccount: 'S1', enabled: true },
        { slaveAccount: 'S2', enabled: true },
      ],
    });
    const m1 = await w.master('M1');
    const slaves = [await w.slave('S1'), await w.slave('S2')];
    for (const s of slaves) await s.waitForConfig((c) => c.master_account === 'M1' && c.status === 2);
    await m1.open({ ticket: 1, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
    for (const s of slaves) await s.waitForCommand((c) => c.ticket === 1 && c.kind === 'open');

    const marks = slaves.map((s) => s.mark());
    expect(await risk.setMasterCloseOnly('M1', true)).toMatchObject({
      accountId: 'M1',
      masterCloseOnly: true,
    });
    for (const [i, s] of slaves.entries())
      await s.waitForConfig((c) => c.master_account === 'M1' && !c.allow_new_orders, 5000, {
        since: marks[i]!,
      });
    await m1.open({ ticket: 2, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
    await m1.close(1);
    for (const [i, s] of slaves.entries()) {
      await s.waitForCommand((c) => c.ticket === 1 && c.kind === 'close', 5000, { since: marks[i]! });
      await s.expectNoCommands((c) => c.ticket === 2, 300, { since: marks[i]! });
    }
    expect(await w.metric('sankey_signals_filtered_total', 'reason="manual_close_only"')).toBe(2);
    expect(await risk.list('M1')).toMatchObject([{ masterCloseOnly: true }]);
    expect(await risk.members()).toEqual([
      { tradeGroupId: 'M1', slaveAccount: 'S1', reasons: ['master_close_only'], openCopies: 0 },
      { tradeGroupId: 'M1', slaveAccount: 'S2', reasons: ['master_close_only'], openCopies: 0 },
    ]);

    const off = slaves.map((s) => s.mark());
    await risk.setMasterCloseOnly('M1', false);
    for (const [i, s] of slaves.entries())
      await s.waitForConfig((c) => c.master_account === 'M1' && c.allow_new_orders, 5000, { since: off[i]! });
    await m1.open({ ticket: 3, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
    for (const s of slaves) await s.waitForCommand((c) => c.ticket === 3 && c.kind === 'open');
    expect(await risk.members()).toEqual([]);

    // Guards: set (validated), refused where closeAll cannot work, reset only when tripped.
    expect(
      await risk.setGuard('S1', {
        minEquity: 500,
        dailyLoss: null,
        dayStartHour: 0,
        timeZone: 'UTC',
        closeAll: false,
      }),
    ).toMatchObject({
      accountId: 'S1',
      equityGuard: { minEquity: 500 },
      tripped: null,
    });
    await expect(
      risk.setGuard('S1', {
        minEquity: 500,
        dailyLoss: null,
        dayStartHour: 0,
        timeZone: 'UTC',
        closeAll: true,
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/isolated delivery/) });
    await expect(risk.reset('S1')).rejects.toMatchObject({ code: 'CONFLICT', message: /not tripped/ });
    await expect(risk.closeAll('S1')).rejects.toMatchObject({ code: 'CONFLICT', message: /shared delivery/ });
    expect(await risk.removeGuard('S1')).toEqual({ ok: true });
    await expect(risk.removeGuard('S1')).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const down = createRiskService({
      relay: createHttpRelayClient({ baseUrl: 'http://127.0.0.1:1', apiToken: 'x', log: silentLogger }),
      log: silentLogger,
    });
    expect(await down.list()).toBeNull();
    await expect(down.reset('S1')).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});
