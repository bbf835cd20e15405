// One relay under comparison, started the way `npm start` starts it (scripts/start.ts at both ends of issue 11):
// migrations applied first, then `node --import tsx src/main.ts` in the tree's apps/relay with
// SANKEY_SKIP_MIGRATE=1, its own SQLite file in a temp data directory, ports chosen at start. The web app is not
// started: the relay copies without it, and the groups are written before the start with the tree's own db
// package (seed-tree.mjs), which the relay loads at start like any restart.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { relayOnlyEnv } from '../env';
import { API_TOKEN, type GroupSeed, startProcess } from '../stack';

export interface TreeRelay {
  receiverPort: number;
  receiver: string;
  publisher: string;
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

const SEED_SCRIPT = join(import.meta.dirname, 'seed-tree.mjs');

/** Runs seed-tree.mjs inside `tree` (copied there unless `tree` is the checkout this file lives in). */
async function seedIn(tree: string, isHere: boolean, url: string, groups: GroupSeed[]): Promise<void> {
  let script = SEED_SCRIPT;
  if (!isHere) {
    script = join(tree, '.compare-seed.mjs');
    copyFileSync(SEED_SCRIPT, script);
  }
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify({ url, groups })], {
    cwd: tree,
    env: relayOnlyEnv({}),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`seeding the database in ${tree} failed (exit ${code})`);
}

export async function startTreeRelay(tree: string, isHere: boolean, groups: GroupSeed[]): Promise<TreeRelay> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sankey-compare-'));
  try {
    const url = `file:${join(dataDir, 'sankey.db')}`;
    await seedIn(tree, isHere, url, groups);
    const proc = await startProcess(
      ['--import', 'tsx', 'src/main.ts'],
      {
        SANKEY_DATA_DIR: dataDir,
        DATABASE_URL: url,
        SANKEY_SKIP_MIGRATE: '1',
        SANKEY_ZMQ_RECEIVER_PORT: '0',
        SANKEY_ZMQ_PUBLISHER_PORT: '0',
        SANKEY_RELAY_HTTP_PORT: '0',
        SANKEY_API_TOKEN: API_TOKEN,
        // Members stay at status 2 for the whole turn (heartbeats are sent once, before measuring).
        SANKEY_HEARTBEAT_TIMEOUT_S: '3600',
        LOG_LEVEL: 'warn',
      },
      /relay ready (\{.*\})/,
      join(tree, 'apps/relay'),
      relayOnlyEnv,
    );
    const ports = JSON.parse(proc.line[1]!) as { receiver: number; publisher: number; relayHttp: number };
    return {
      receiverPort: ports.receiver,
      receiver: `tcp://127.0.0.1:${ports.receiver}`,
      publisher: `tcp://127.0.0.1:${ports.publisher}`,
      metrics: async () => (await fetch(`http://127.0.0.1:${ports.relayHttp}/metrics`)).text(),
      stop: async () => {
        await proc.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}
