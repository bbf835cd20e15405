import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { migrate } from '@sankey/db/migrate';
const require = createRequire(import.meta.url);
const Database = require('libsql');
const variant = process.argv[2];
const dir = mkdtempSync(join(tmpdir(), 'sankey-ledger-direct-'));
const file = join(dir, 'l.db');
await migrate({ url: `file:${file}` });
const db = new Database(file);
db.prepare('PRAGMA journal_mode = WAL').all(); db.prepare('PRAGMA synchronous = NORMAL').run();
if (variant === 'noidx') { db.exec('DROP INDEX IF EXISTS "delivery_ledger_state_idx"'); db.exec('DROP INDEX IF EXISTS "delivery_ledger_updatedAt_idx"'); }
const COLUMNS = '"masterAccount", "slaveAccount", "ticket", "state", "symbol", "lots", "openedAt", "updatedAt"';
const ON = 'ON CONFLICT ("masterAccount", "slaveAccount", "ticket") DO UPDATE SET "state" = excluded."state", "symbol" = excluded."symbol", "lots" = excluded."lots", "updatedAt" = excluded."updatedAt"';
const sqls: Record<string, string> = {
  arrow: `SELECT r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3, r.value ->> 4, r.value ->> 5, r.value ->> 6, r.value ->> 7 FROM json_each(?) AS r`,
  fullkey: `SELECT json_extract(?1, r.fullkey || '[0]'), json_extract(?1, r.fullkey || '[1]'), json_extract(?1, r.fullkey || '[2]'), json_extract(?1, r.fullkey || '[3]'), json_extract(?1, r.fullkey || '[4]'), json_extract(?1, r.fullkey || '[5]'), json_extract(?1, r.fullkey || '[6]'), json_extract(?1, r.fullkey || '[7]') FROM json_each(?1) AS r`,
  tree: `SELECT max(CASE WHEN t.key = 0 THEN t.atom END), max(CASE WHEN t.key = 1 THEN t.atom END), max(CASE WHEN t.key = 2 THEN t.atom END), max(CASE WHEN t.key = 3 THEN t.atom END), max(CASE WHEN t.key = 4 THEN t.atom END), max(CASE WHEN t.key = 5 THEN t.atom END), max(CASE WHEN t.key = 6 THEN t.atom END), max(CASE WHEN t.key = 7 THEN t.atom END) FROM json_tree(?) AS t WHERE t.parent IS NOT NULL AND t.parent > 0 GROUP BY t.parent`,
};
sqls.ints = `SELECT 'BENCH_M', 'BENCH_S' || (r.value % 100), r.value, 'closed', 'pro.XAUUSD.m', 0.5, '2026-11-27T08:45:00.000+00:00', '2026-11-27T08:45:00.000+00:00' FROM json_each(?) AS r`;
const sel = sqls[process.argv[3] ?? 'arrow'];
const stmt = db.prepare(`INSERT INTO "delivery_ledger" (${COLUMNS}) ${sel} WHERE true ${ON}`.replace('GROUP BY t.parent WHERE true', 'GROUP BY t.parent HAVING true'));
const slaves = Array.from({ length: 100 }, (_, i) => `BENCH_S${String(i).padStart(3, '0')}`);
let ticket = 1;
function batch(n: number) {
  const rows: unknown[] = [];
  while (rows.length < n) { const t = ticket++; const at = new Date().toISOString().slice(0,-1)+'+00:00';
    for (const s of slaves) rows.push(['BENCH_M', s, String(t), t % 2 === 0 ? 'closed' : 'sent', 'pro.XAUUSD.m', 0.5, at, at]); }
  return rows;
}
const cpu = () => { const u = process.cpuUsage(); return u.user + u.system; };
const out = [];
for (let r = 0; r < 4; r++) {
  const data = Array.from({ length: 16 }, () => process.argv[3] === 'ints' ? JSON.stringify(Array.from({length: 1250}, () => ticket++)) : JSON.stringify(batch(1250)));
  const c0 = cpu();
  for (const d of data) stmt.run(d);
  out.push(Math.round((cpu() - c0) * 1000 / (16 * 1250)));
}
console.log(variant, process.argv[3], out.join(' '), 'ns/row', db.prepare('select count(*) n from delivery_ledger').get());
