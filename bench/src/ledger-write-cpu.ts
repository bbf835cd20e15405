// Delivery-ledger write CPU per row: the repository's `upsertMany` alone (what the relay's storage worker runs for
// each ledger batch), on a fresh SQLite file (or PostgreSQL with a postgresql:// URL as the first argument), rows
// shaped as the relay writes them at fan-out N = 100 (one master, 100 slaves, a ticket's Open then its Close).
// Also times the structured clone a batch costs on its way to the worker. CPU from `process.cpuUsage` (this
// process, all threads), median of the rounds.
// Usage: npx tsx bench/src/ledger-write-cpu.ts [sqlite|postgresql://…] [rows per batch] [batches] [rounds]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb } from '@sankey/db/client';
import { migrate } from '@sankey/db/migrate';
import {
  createDeliveryLedgerRepository,
  type DeliveryLedgerRow,
} from '@sankey/db/repositories/delivery-ledger';

const target = process.argv[2] ?? 'sqlite';
const perBatch = Number(process.argv[3] ?? 1250);
const batches = Number(process.argv[4] ?? 16);
const rounds = Number(process.argv[5] ?? 5);

const dir = mkdtempSync(join(tmpdir(), 'sankey-ledger-cpu-'));
const url = target === 'sqlite' ? `file:${join(dir, 'ledger.db')}` : target;
await migrate({ url });
const db = await createDb({ url });
const repo = createDeliveryLedgerRepository(db);
await db.$executeRawUnsafe('DELETE FROM "delivery_ledger"');

const slaves = Array.from({ length: 100 }, (_, i) => `BENCH_S${String(i).padStart(3, '0')}`);
let ticket = 1;
/** One batch: `perBatch` rows, tickets × 100 slaves; even tickets closed (Open and Close in one batch), odd sent. */
function batch(): DeliveryLedgerRow[] {
  const rows: DeliveryLedgerRow[] = [];
  while (rows.length < perBatch) {
    const t = ticket++;
    const at = new Date();
    for (const s of slaves) {
      if (rows.length >= perBatch) break;
      rows.push({
        masterAccount: 'BENCH_M',
        slaveAccount: s,
        ticket: String(t),
        state: t % 2 === 0 ? 'closed' : 'sent',
        symbol: 'pro.XAUUSD.m',
        lots: 0.5,
        openedAt: at,
        updatedAt: at,
      });
    }
  }
  return rows;
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const writeNs: number[] = [];
const cloneNs: number[] = [];
for (let r = 0; r < rounds + 1; r++) {
  const data = Array.from({ length: batches }, batch);
  const c0 = cpuNow();
  for (const b of data) structuredClone(b);
  const c1 = cpuNow();
  for (const b of data) await repo.upsertMany(b);
  const c2 = cpuNow();
  if (r === 0) continue; // warm-up
  cloneNs.push(((c1 - c0) * 1000) / (batches * perBatch));
  writeNs.push(((c2 - c1) * 1000) / (batches * perBatch));
}
const rows = (
  await db.$queryRawUnsafe<{ n: bigint | number }[]>('SELECT COUNT(*) AS n FROM "delivery_ledger"')
)[0];
process.stdout.write(
  `${JSON.stringify({
    target: target === 'sqlite' ? 'sqlite' : 'postgresql',
    perBatch,
    batches,
    rounds,
    writeNsPerRow: Math.round(median(writeNs)),
    structuredCloneNsPerRow: Math.round(median(cloneNs)),
    rowsInTable: Number(rows?.n ?? 0),
  })}\n`,
);
await db.$disconnect();
rmSync(dir, { recursive: true, force: true });
