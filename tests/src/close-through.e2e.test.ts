// D15 close-through over real sockets and a real SQLite file: a Close of a ticket the relay copied to a slave is
// forwarded on that slave's own topic after the link was switched off — also when the relay restarted in
// between (the delivery ledger is durable) — but not with `whenOff = freeze`, and never for a ticket the slave
// was not sent. (In shared delivery a slave also sees other slaves' copies through its `trade/M1/` prefix, so
// these assertions look at each slave's own topic: that is what the relay decides.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimMaster, SimSlave } from '@sankey/ea-sim/index';
import { startTestRelay, type TestRelay } from '@sankey/relay/testing/start-relay';
import type { TradeSignal } from '@sankey/shared/protocol/messages';
import { afterEach, describe, expect, it } from 'vitest';
import { admin } from './admin';
import { freePort } from './free-port';
import { until } from './until';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c().catch(() => {});
});

describe('close-through (D15)', () => {
  it('forwards the Close of a copied ticket to a switched-off member, across a relay restart, not when frozen', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sankey-close-through-'));
    cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const ports = { receiverPort: await freePort(), publisherPort: await freePort() };
    const start = () => startTestRelay({ dataDir, config: { ...ports, timeoutCheckMs: 100 } });
    let t: TestRelay = await start();
    cleanup.push(() => t.stop());
    const a = admin(t.db, t.endpoints.http, t.apiToken);
    await a.createGroup('M1', {
      enabled: true,
      members: [
        { slaveAccount: 'S1', enabled: true, slaveSettings: {} },
        { slaveAccount: 'S2', enabled: true, slaveSettings: {} },
        { slaveAccount: 'S3', enabled: true, slaveSettings: { whenOff: 'freeze' } },
      ],
    });
    const endpoints = { receiverEndpoint: t.endpoints.receiver, publisherEndpoint: t.endpoints.publisher };
    const slaves = ['S1', 'S2', 'S3'].map(
      (id) => new SimSlave({ accountId: id, ...endpoints, heartbeatIntervalMs: 200 }),
    );
    const master = new SimMaster({ accountId: 'M1', ...endpoints, heartbeatIntervalMs: 200 });
    for (const s of [...slaves, master]) {
      await s.start();
      cleanup.push(() => s.stop({ unregister: false }));
    }
    for (const s of slaves) await s.waitForConfig((c) => c.master_account === 'M1' && c.status === 2);

    await master.open({ ticket: 501, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
    for (const s of slaves) await s.waitForCommand((c) => c.ticket === 501 && c.kind === 'open');

    await a.toggleMember('M1', 'S1', false);
    await a.toggleMember('M1', 'S3', false);
    await slaves[0]!.waitForConfig((c) => c.master_account === 'M1' && c.status === 0);
    await slaves[2]!.waitForConfig((c) => c.master_account === 'M1' && c.status === 0);
    // Opened while S1 and S3 are off: never copied to them.
    await master.open({ ticket: 502, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1, openPrice: 1.1 });
    await slaves[1]!.waitForCommand((c) => c.ticket === 502 && c.kind === 'open');

    // The relay restarts between the Open and the Close. Its first configs may go out before an EA's SUB socket
    // has reconnected (nothing tells a PUB socket who listens: the delivery work adds that), so each slave asks
    // again (RequestConfig on the auto-trading edge, as a trader would) until its config arrives.
    await t.stop();
    t = await start();
    for (const s of slaves) {
      const status = s.accountId === 'S2' ? 2 : 0;
      await until(
        async () => {
          const mark = s.mark();
          s.setAutoTrading(false);
          await s.heartbeatNow();
          s.setAutoTrading(true);
          await s.heartbeatNow();
          return s
            .waitForConfig((c) => c.master_account === 'M1' && c.status === status, 500, { since: mark })
            .then(
              () => true,
              () => false,
            );
        },
        true,
        10_000,
        `config for ${s.accountId} after the restart`,
      );
    }
    await expect
      .poll(() => t.relay.core.connection('M1', 'Master')?.status, { timeout: 10_000 })
      .toBe('Online');
    await new Promise((r) => setTimeout(r, 300)); // the master's PUSH socket reconnects on its own schedule

    await master.close(501);
    await master.close(502);
    const own = (s: SimSlave, ticket: number) =>
      s
        .received()
        .filter((f) => f.topic === `trade/M1/${s.accountId}` && f.message?.type === 'TradeSignal')
        .map((f) => f.message!.message as TradeSignal)
        .filter((sig) => Number(sig.ticket) === ticket)
        .map((sig) => sig.action);
    await expect.poll(() => own(slaves[1]!, 502), { timeout: 10_000 }).toEqual(['Open', 'Close']);
    await expect.poll(() => own(slaves[0]!, 501), { timeout: 10_000 }).toEqual(['Open', 'Close']);
    expect(own(slaves[0]!, 502)).toEqual([]);
    expect(own(slaves[2]!, 501)).toEqual(['Open']);
    expect(await fetchMetric(t, 'sankey_close_through_total')).toBe(1);
  }, 60_000);
});

async function fetchMetric(t: TestRelay, name: string): Promise<number> {
  const text = await (await fetch(`${t.endpoints.http}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ').at(-1)) : 0;
}
