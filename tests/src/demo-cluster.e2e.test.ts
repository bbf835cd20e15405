// `npm run demo -- --cluster` against a NATS server that wants a token (`nats-server --auth`), as across machines:
// the two relays get the token from SANKEY_NATS_TOKEN, the master's copies reach the slaves on the other relay, and
// Ctrl-C (SIGINT) removes the cluster's stream and buckets from that server too (docs/cluster.md, Trying it).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { testPostgresUrl } from '@sankey/db/env';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { privateNats } from './cluster-world';
import { freePort } from './free-port';
import { untilPrinted } from './until';
import { webBuilt } from './web-process';

const root = resolve(import.meta.dirname, '../..');
const pgUrl = testPostgresUrl();
const runs = webBuilt && pgUrl !== undefined;
if (!runs)
  process.stdout.write('demo --cluster e2e skipped: needs TEST_POSTGRES_URL and the built web app\n');
vi.setConfig({ testTimeout: 120_000, hookTimeout: 30_000 });

const TOKEN = 'demo-nats-token-7';
const tmp = mkdtempSync(resolve(tmpdir(), 'sankey-demo-cluster-test-'));
let demo: ChildProcess | undefined;
let nats: Awaited<ReturnType<typeof privateNats>> | undefined;
let out = '';

afterAll(async () => {
  if (demo && demo.exitCode === null && demo.signalCode === null) demo.kill('SIGKILL');
  await nats?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const line = (pattern: RegExp, timeoutMs: number) =>
  untilPrinted(
    () => out,
    () => demo,
    pattern,
    timeoutMs,
  );

async function streamsOf(url: string, cluster: string): Promise<string[]> {
  const nc = await connect({ servers: url, token: TOKEN, timeout: 2000 });
  try {
    const names: string[] = [];
    for await (const s of (await jetstreamManager(nc)).streams.list()) names.push(s.config.name);
    return names.filter((n) => n.includes(cluster));
  } finally {
    await nc.close();
  }
}

describe.skipIf(!runs)('npm run demo -- --cluster', () => {
  it('copies across two relays on a NATS server with a token and removes its NATS data on Ctrl-C', async () => {
    nats = await privateNats(['--auth', TOKEN]);
    demo = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--cluster'], {
      cwd: root,
      env: {
        ...process.env,
        TMPDIR: tmp,
        PORT: String(await freePort()),
        DATABASE_URL: pgUrl,
        SANKEY_NATS_URL: nats.url,
        SANKEY_NATS_TOKEN: TOKEN,
        SANKEY_DEMO_TRADE_EVERY_MS: '500',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    demo.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    demo.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const cluster = (await line(/Cluster (demo[0-9a-f]+):/, 90_000))[1]!;
    // A copy printed for a slave: it went from relay A through NATS to relay B.
    await line(/ {2}Demo_Slave_A {2}(open|close) /, 30_000);
    expect((await streamsOf(nats.url, cluster)).length).toBeGreaterThan(0);

    const exited = new Promise<number | null>((done) => demo!.once('exit', (code) => done(code)));
    process.kill(-demo.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    expect(out).not.toContain('was not removed');
    expect(await streamsOf(nats.url, cluster)).toEqual([]);
  });
});
