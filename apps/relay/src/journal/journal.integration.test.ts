// The signal journal over the real relay: every inbound trade signal is journaled with a per-master sequence
// number that keeps increasing across a restart, even when the clock has stepped back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { withRepositoriesTransaction } from '@sankey/db/repositories/index';
import { encodeInbound } from '@sankey/shared/protocol/codec';
import { afterAll, describe, expect, it } from 'vitest';
import { Push } from 'zeromq';
import { heartbeat, openNow } from '../testing/core-harness';
import { startTestRelay, type TestRelay } from '../testing/start-relay';

const dataDir = mkdtempSync(join(tmpdir(), 'sankey-journal-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Entry {
  masterAccount: string;
  seq: number;
  ticket: string;
  payload: { signal: Record<string, unknown>; accepted: number; filtered: Record<string, number> };
}

async function signals(t: TestRelay, query = ''): Promise<Entry[]> {
  const res = await fetch(`${t.endpoints.http}/internal/v1/signals${query}`, {
    headers: { authorization: `Bearer ${t.apiToken}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Entry[];
}

async function send(t: TestRelay, frames: Buffer[]) {
  const push = new Push({ linger: 1000 });
  push.connect(t.endpoints.receiver);
  for (const f of frames) await push.send(f);
  push.close();
}

describe('signal journal', () => {
  it('journals every signal with what the engine decided and resumes its sequence after a restart', async () => {
    const first = await startTestRelay({ dataDir });
    await withRepositoriesTransaction(first.db, async (tx) => {
      await tx.tradeGroups.create({
        id: 'M1',
        enabled: true,
        members: [
          { slaveAccount: 'S1', enabled: true },
          { slaveAccount: 'S2', enabled: true, slaveSettings: { filters: { blockedSymbols: ['GBPUSD'] } } },
        ],
      });
      await tx.outbox.append({ kind: 'group.created', tradeGroupId: 'M1', payload: {} });
    });
    await first.relay.drainOutbox();
    await send(first, [
      encodeInbound(heartbeat('S1', 'Slave')),
      encodeInbound(heartbeat('S2', 'Slave')),
      encodeInbound(heartbeat('M1', 'Master')),
      encodeInbound(openNow('M1', { ticket: 1, symbol: 'EURUSD' })),
      encodeInbound(openNow('M1', { ticket: 2, symbol: 'GBPUSD', lots: 0.7 })),
      encodeInbound(openNow('NOGROUP', { ticket: 3 })),
    ]);
    // D18: a signal for a master without a trade group is counted, not journalled.
    await expect.poll(async () => (await signals(first)).length, { timeout: 5000 }).toBe(2);
    const metrics = await (await fetch(`${first.endpoints.http}/metrics`)).text();
    expect(metrics).toContain('sankey_inbound_refused_total{reason="no_trade_group"} 1');
    const m1 = await signals(first, '?master=M1');
    expect(m1.map((e) => e.ticket)).toEqual(['2', '1']);
    expect(m1[0]!.seq).toBeGreaterThan(m1[1]!.seq);
    expect(m1[0]!.payload).toEqual({
      signal: expect.objectContaining({
        action: 'Open',
        ticket: '2',
        symbol: 'GBPUSD',
        lots: 0.7,
        sourceAccount: 'M1',
      }),
      accepted: 1,
      filtered: { symbol_blocked: 1 },
      filteredBy: { S2: 'symbol_blocked' },
    });
    const lastSeq = m1[0]!.seq;
    await first.relay.close();
    await first.db.$disconnect();

    // The clock is a year behind: sequence numbers still grow.
    const second = await startTestRelay({
      dataDir,
      clock: { nowMs: () => Date.now() - 365 * 86_400_000, monoMs: () => performance.now() },
    });
    try {
      await send(second, [encodeInbound(openNow('M1', { ticket: 4 }))]);
      await expect.poll(async () => (await signals(second, '?master=M1')).length, { timeout: 5000 }).toBe(3);
      const after = await signals(second, '?master=M1&limit=1');
      expect(after.map((e) => e.ticket)).toEqual(['4']);
      expect(after[0]!.seq).toBe(lastSeq + 1);
    } finally {
      await second.stop();
    }
  });

  it('refuses an out-of-range limit', async () => {
    const t = await startTestRelay();
    try {
      const res = await fetch(`${t.endpoints.http}/internal/v1/signals?limit=0`, {
        headers: { authorization: `Bearer ${t.apiToken}` },
      });
      expect(res.status).toBe(400);
    } finally {
      await t.stop();
    }
  });
});
