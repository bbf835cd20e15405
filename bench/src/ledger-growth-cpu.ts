// Delivery-ledger write CPU per row as the table grows: the repository's `upsertMany` on a fresh SQLite file, one
// master × N slaves, each ticket written as the relay writes a signal's copies (its Open: N rows `sent`, then its
// Close: the same N rows `closed`), `perRound` tickets per round; prints the CPU per row of each round
// (`process.cpuUsage`, this process) with the table's size. Shows what the unique key's column order costs once
// every slave has many rows (BENCHMARKS.md, "Reading the figures against the targets").
// Usage: npx tsx bench/src/ledger-growth-cpu.ts [slaves] [rounds] [tickets per round]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb } from '@sankey/db/client';
import { migrate } from '@sankey/db/migrate';
import {
  createDeliveryLedgerRepository,
  type DeliveryLedgerRow,
} from '@sankey/db/repositories/delivery-ledger';

const n = Number(process.argv[2] ?? 1000);
const rounds = Number(process.argv[3] ?? 8);
const perRound = Number(process.argv[4] ?? 50);

const dir = mkdtempSync(join(tmpdir(), 'sankey-ledger-growth-'));
const url = `file:${join(dir, 'ledger.db')}`;
await migrate({ url });
const db = await createDb({ url });
const repo = createDeliveryLedgerRepository(db);
const slaves = Array.from({ length: n }, (_, i) => `BENCH_S${String(i).padStart(4, '0')}`);
const rowsOf = (ticket: number, state: 'sent' | 'closed', at: Date): DeliveryLedgerRow[] =>
  slaves.map((s) => ({
    masterAccount: 'BENCH_M',
    slaveAccount: s,
    ticket: String(ticket),
    state,
    symbol: 'pro.XAUUSD.m',
    lots: 0.5,
    openedAt: at,
    updatedAt: at,
  }));
const cpuNow = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
let ticket = 1;
for (let r = 0; r < rounds; r++) {
  const c0 = cpuNow();
  for (let k = 0; k < perRound; k++) {
    const t = ticket++;
    await repo.upsertMany(rowsOf(t, 'sent', new Date()));
    await repo.upsertMany(rowsOf(t, 'closed', new Date()));
  }
  const usPerRow = (cpuNow() - c0) / (perRound * 2 * n);
  process.stdout.write(
    `${JSON.stringify({ round: r, rowsInTable: (ticket - 1) * n, usPerRow: +usPerRow.toFixed(2) })}\n`,
  );
}
await db.$disconnect();
rmSync(dir, { recursive: true, force: true });
