import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { migrate } from '@sankey/db/migrate';
const require = createRequire(import.meta.url);
const Database = require('libsql');
const dir = mkdtempSync(join(tmpdir(), 'sankey-ledger-direct-'));
const file = join(dir, 'l.db');
await migrate({ url: `file:${file}` });
const db = new Database(file);
db.prepare('PRAGMA journal_mode = WAL').all(); db.prepare('PRAGMA synchronous = NORMAL').run();
const dropState = process.argv[2] === 'nostate';
if (dropState) db.exec('DROP INDEX IF EXISTS "delivery_ledger_state_idx"');
const COLUMNS = '"masterAccount", "slaveAccount", "ticket", "state", "symbol", "lots", "openedAt", "updatedAt"';
const ON = 'ON CONFLICT ("masterAccount", "slaveAccount", "ticket") DO UPDATE SET "state" = excluded."state", "symbol" = excluded."symbol", "lots" = excluded."lots", "updatedAt" = excluded."updatedAt"';
const stmt = db.prepare(`INSERT INTO "delivery_ledger" (${COLUMNS}) SELECT r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3, r.value ->> 4, r.value ->> 5, r.value ->> 6, r.value ->> 7 FROM json_each(?) AS r WHERE true ${ON}`);
const slaves = Array.from({ length: 100 }, (_, i) => `BENCH_S${String(i).padStart(3, '0')}`);
let ticket = 1;
const mode = process.argv[3] ?? 'closed';
function batch(n: number) {
  const rows: unknown[] = [];
  while (rows.length < n) { const t = ticket++; const at = new Date().toISOString().slice(0,-1)+'+00:00';
    for (const s of slaves) rows.push(['BENCH_M', s, String(t), mode === 'closed' && t % 2 === 0 ? 'closed' : 'sent', 'pro.XAUUSD.m', 0.5, at, at]); }
  return rows;
}
const cpu = () => { const u = process.cpuUsage(); return u.user + u.system; };
for (let r = 0; r < 4; r++) {
  const data = Array.from({ length: 16 }, () => JSON.stringify(batch(1250)));
  const c0 = cpu();
  for (const d of data) stmt.run(d);
  console.log(dropState ? 'nostate' : 'all idx', Math.round((cpu() - c0) * 1000 / (16 * 1250)), 'ns/row');
}
const tuple = '(?, ?, ?, ?, ?, ?, ?, ?)';
const stmt2 = db.prepare(`INSERT INTO "delivery_ledger" (${COLUMNS}) VALUES ${Array(125).fill(tuple).join(', ')} ${ON}`);
for (let r = 0; r < 4; r++) {
  const data = Array.from({ length: 160 }, () => batch(125).flat());
  const c0 = cpu();
  for (const d of data) stmt2.run(d);
  console.log('values125', Math.round((cpu() - c0) * 1000 / (160 * 125)), 'ns/row');
}
