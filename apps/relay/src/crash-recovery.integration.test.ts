// The relay killed with SIGKILL in the middle of traffic (docs/protocol.md D19, D20; docs/architecture.md,
// Supervision): its own process on fixed ports, simulated EAs that reconnect, a real SQLite file. After the restart
// every slave converges to the last admin state, a Close parked (and persisted) before the kill still arrives, and
// no Open arrives twice.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, type Db } from '@sankey/db/client';
import { migrate } from '@sankey/db/migrate';
import { createRepositories, withRepositoriesTransaction } from '@sankey/db/repositories/index';
import { SimMaster, SimSlave } from '@sankey/ea-sim/index';
import { afterEach, describe, expect, it } from 'vitest';

const TOKEN = 'crash-token-0123456789abcdef';
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

function startRelay(dataDir: string, ports: { receiver: number; publisher: number; http: number }) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: join(import.meta.dirname, '..'),
    env: {
      ...process.env,
      SANKEY_DATA_DIR: dataDir,
      SANKEY_ZMQ_RECEIVER_PORT: String(ports.receiver),
      SANKEY_ZMQ_PUBLISHER_PORT: String(ports.publisher),
      SANKEY_RELAY_HTTP_PORT: String(ports.http),
      SANKEY_API_TOKEN: TOKEN,
      SANKEY_OUTBOX_POLL_MS: '50',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('relay ready')) resolve();
    });
    child.once('exit', (code, signal) => reject(new Error(`relay exited early: ${code ?? signal}`)));
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  cleanup.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  return { child, ready, exited };
}

/** An admin change as the web app writes it: the row and its outbox entry in one transaction (no nudge). */
function lotMultiplier(db: Db, slave: string, value: number) {
  return withRepositoriesTransaction(db, async (tx) => {
    await tx.members.updateSettings('M1', slave, { lotMultiplier: value });
    await tx.outbox.append({ kind: 'member.updated', tradeGroupId: 'M1', slaveAccount: slave, payload: {} });
  });
}

/** Opens received on the slave's own topic, by ticket (a slave also sees the others' copies via its prefix). */
function ownOpens(s: SimSlave): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of s.received()) {
    if (f.topic !== `trade/M1/${s.accountId}` || f.message?.type !== 'TradeSignal') continue;
    if (f.message.message.action !== 'Open') continue;
    const t = String(f.message.message.ticket);
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  return counts;
}

describe('relay killed with SIGKILL during a burst', () => {
  it('converges to the last admin state, delivers the parked Close, and sends no Open twice', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sankey-crash-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const url = `file:${join(dataDir, 'sankey.db')}`;
    await migrate({ url });
    const db = await createDb({ url });
    cleanup.push(() => db.$disconnect());
    await withRepositoriesTransaction(db, (tx) =>
      tx.tradeGroups.create({
        id: 'M1',
        enabled: true,
        members: [
          { slaveAccount: 'S1', enabled: true },
          { slaveAccount: 'S2', enabled: true },
        ],
      }),
    );
    const ports = { receiver: await freePort(), publisher: await freePort(), http: await freePort() };
    const first = startRelay(dataDir, ports);
    await first.ready;

    const endpoints = {
      receiverEndpoint: `tcp://127.0.0.1:${ports.receiver}`,
      publisherEndpoint: `tcp://127.0.0.1:${ports.publisher}`,
      heartbeatIntervalMs: 200,
    };
    const sims: (SimMaster | SimSlave)[] = [];
    cleanup.push(async () => {
      for (const s of sims) await s.stop({ unregister: false }).catch(() => {});
    });
    const m = new SimMaster({ accountId: 'M1', ...endpoints });
    const s1 = new SimSlave({ accountId: 'S1', ...endpoints });
    const s2 = new SimSlave({ accountId: 'S2', ...endpoints });
    sims.push(m, s1, s2);
    for (const s of sims) await s.start();
    await s1.waitForConfig((c) => c.master_account === 'M1' && c.status === 2);
    await s2.waitForConfig((c) => c.master_account === 'M1' && c.status === 2);

    // Ticket 1 reaches both slaves; S2 goes away, and the Close of ticket 1 is parked for it — and persisted.
    await m.open({ ticket: 1, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
    await expect.poll(() => s2.positions().length, { timeout: 5000 }).toBe(1);
    await s2.stop({ unregister: false });
    // The relay has seen S2's subscriptions go (docs/api.md, endpoints): copies for it are parked from now on.
    await expect
      .poll(async () => {
        const res = await fetch(`http://127.0.0.1:${ports.http}/internal/v1/endpoints`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        const { endpoints } = (await res.json()) as {
          endpoints: { accountId: string; listening: boolean }[];
        };
        return endpoints.find((e) => e.accountId === 'S2')?.listening;
      })
      .toBe(false);
    const repos = createRepositories(db);
    await m.close(1);
    await expect
      .poll(async () => (await repos.parkedFrames.listAll()).filter((p) => p.slaveAccount === 'S2'), {
        timeout: 5000,
      })
      .toMatchObject([{ action: 'Close', ticket: '1' }]);

    // The burst: 200 signals with an admin change after every fifth (40); SIGKILL after the 20th change.
    for (let i = 0; i < 200; i++) {
      const ticket = 1000 + i;
      if (i % 2 === 0) await m.open({ ticket, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
      else await m.close(ticket - 1);
      if (i % 5 === 4) {
        const n = (i + 1) / 5;
        await lotMultiplier(db, n % 2 ? 'S1' : 'S2', n / 10);
      }
      if (i === 100) first.child.kill('SIGKILL');
    }
    await first.exited;

    const second = startRelay(dataDir, ports);
    await second.ready;
    const s2back = new SimSlave({ accountId: 'S2', ...endpoints });
    s2back.brain.adoptPositions(s2.brain);
    sims.push(s2back);
    await s2back.start();

    // The last admin state: S1 got 3.9 (i = 39), S2 got 4.0 (i = 40).
    await expect.poll(() => s1.configFor('M1')?.lot_multiplier, { timeout: 10_000, interval: 200 }).toBe(3.9);
    await expect
      .poll(() => s2back.configFor('M1')?.lot_multiplier, { timeout: 10_000, interval: 200 })
      .toBe(4);
    // The Close parked before the kill arrives (at least once) and is executed.
    const closed = await s2back.waitForCommand((c) => c.kind === 'close' && String(c.ticket) === '1', 10_000);
    expect(closed.masterAccount).toBe('M1');
    expect(s2back.positions().some((p) => String(p.masterTicket) === '1')).toBe(false);
    // No Open twice, on either side of the kill.
    const s2Opens = ownOpens(s2);
    for (const [t, n] of ownOpens(s2back)) s2Opens.set(t, (s2Opens.get(t) ?? 0) + n);
    for (const [name, opens] of [
      ['S1', ownOpens(s1)],
      ['S2', s2Opens],
    ] as const) {
      expect(
        [...opens].filter(([, n]) => n > 1),
        `${name} got an Open twice`,
      ).toEqual([]);
    }
    expect(ownOpens(s1).size).toBeGreaterThan(1);
  }, 60_000);
});
