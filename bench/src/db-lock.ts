// Copy latency while another process holds the SQLite write lock (issue 14, Database trouble): the relay copies
// from memory and must not slow down; its journal catches up after the lock is released. One master, two slaves;
// the same signals once with the database free (baseline) and once during a 15 s exclusive lock held by a child
// process. Latency = the master's signal timestamp → the slave's receipt (ms resolution: the wire's timestamps).
import { withRepositoriesTransaction } from '@sankey/db/repositories/index';
import { holdSqliteLock } from '@sankey/db/testing/sqlite-lock-holder';
import { sqliteFilePath } from '@sankey/db/urls';
import { SimMaster, SimSlave } from '@sankey/ea-sim/index';
import { startTestRelay } from '@sankey/relay/testing/start-relay';
import { type Dist, dist } from './stats';

export interface DbLockPhase {
  phase: 'free' | 'locked';
  signals: number;
  copiesExpected: number;
  copiesDelivered: number;
  latencyMs: Dist;
  /** Locked phase: journal complete this long after the release (ms). */
  journalCaughtUpMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function dbLockSuite(
  log: (line: string) => void,
  opts: { trades?: number; lockMs?: number } = {},
): Promise<DbLockPhase[]> {
  const trades = opts.trades ?? 200;
  const lockMs = opts.lockMs ?? 15_000;
  const t = await startTestRelay({ config: { timeoutCheckMs: 100, logLevel: 'warn' } });
  const endpoints = {
    receiverEndpoint: t.endpoints.receiver,
    publisherEndpoint: t.endpoints.publisher,
    heartbeatIntervalMs: 200,
  };
  const master = new SimMaster({ accountId: 'M1', ...endpoints });
  const ids = ['S1', 'S2'];
  const slaves = ids.map((id) => new SimSlave({ accountId: id, ...endpoints }));
  try {
    await withRepositoriesTransaction(t.db, async (tx) => {
      await tx.tradeGroups.create({
        id: 'M1',
        enabled: true,
        members: ids.map((id) => ({ slaveAccount: id, enabled: true, slaveSettings: {} })),
      });
      await tx.outbox.append({ kind: 'group.created', tradeGroupId: 'M1', payload: {} });
    });
    for (const s of slaves) await s.start();
    await master.start();
    for (const s of slaves) await s.waitForConfig((c) => c.master_account === 'M1' && c.status === 2, 15_000);

    const phases: DbLockPhase[] = [];
    let ticket = 10_000;
    const run = async (phase: 'free' | 'locked') => {
      const marks = slaves.map((s) => s.mark());
      const journalBefore = await t.db.tradeSignalJournal.count();
      const lock = phase === 'locked' ? await holdSqliteLock(sqliteFilePath(t.url), lockMs) : null;
      const spacing = Math.max(1, Math.floor((lockMs * 0.8) / (2 * trades)));
      for (let i = 0; i < trades; i++) {
        const tk = ticket++;
        await master.open({ ticket: tk, symbol: 'EURUSD', orderType: 'Buy', lots: 0.1 });
        await sleep(spacing);
        await master.close(tk);
        await sleep(spacing);
      }
      const deadline = Date.now() + 10_000;
      const copies = () => slaves.reduce((n, s, i) => n + s.commandsSince(marks[i]!).length, 0);
      while (copies() < 4 * trades && Date.now() < deadline) await sleep(50);
      const latencies = slaves.flatMap((s, i) => s.commandsSince(marks[i]!).map((c) => c.latencyMs));
      const row: DbLockPhase = {
        phase,
        signals: 2 * trades,
        copiesExpected: 4 * trades,
        copiesDelivered: latencies.length,
        latencyMs: dist(latencies),
      };
      if (lock) {
        const releasedAt = await lock.released;
        while ((await t.db.tradeSignalJournal.count()) < journalBefore + 2 * trades) {
          if (Date.now() - releasedAt > 60_000) break;
          await sleep(50);
        }
        row.journalCaughtUpMs = Date.now() - releasedAt;
      }
      log(
        `db lock ${phase}: ${row.copiesDelivered}/${row.copiesExpected} copies, latency p50 ${row.latencyMs.p50} ms ` +
          `p99 ${row.latencyMs.p99} ms max ${row.latencyMs.max} ms` +
          (row.journalCaughtUpMs === undefined
            ? ''
            : `, journal complete ${row.journalCaughtUpMs} ms after release`),
      );
      phases.push(row);
    };
    await run('free');
    await run('locked');
    return phases;
  } finally {
    await Promise.all([master, ...slaves].map((s) => s.stop({ unregister: false }).catch(() => {})));
    await t.stop();
  }
}

export function dbLockTable(rows: DbLockPhase[], lockMs = 15_000): string {
  return [
    `One master, two slaves, an Open and a Close per trade, spread over ${(lockMs / 1000) * 0.8} s; *locked*: a child process holds`,
    `\`BEGIN EXCLUSIVE\` on the SQLite file for ${lockMs / 1000} s meanwhile (source: \`bench/src/db-lock.ts\`, raw:`,
    '`bench/results/db-lock.json`). Latency = master signal timestamp → slave receipt, ms resolution. On the shared',
    "machine the tails of both phases move with other jobs' load: the figure to read is that the locked phase loses",
    'no copy and is no slower than the free one.',
    '',
    '| database | signals | copies delivered | p50 ms | p99 ms | max ms | journal complete after release |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.phase} | ${r.signals} | ${r.copiesDelivered} / ${r.copiesExpected} | ${r.latencyMs.p50} | ` +
        `${r.latencyMs.p99} | ${r.latencyMs.max} | ${r.journalCaughtUpMs === undefined ? '–' : `${(r.journalCaughtUpMs / 1000).toFixed(1)} s`} |`,
    ),
  ].join('\n');
}
