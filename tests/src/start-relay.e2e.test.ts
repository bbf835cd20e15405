// `npm run start:relay` as a service manager runs it: SIGTERM to the npm process alone (not its process group, as
// `kill <pid>`, Docker or a systemd unit with KillMode=process do) must reach the relay, which shuts down and exits;
// before, npm passed the signal to the `sh -c` of the script, which died and left the relay running as an orphan.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 240_000 });

const root = resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(resolve(tmpdir(), 'sankey-start-relay-'));
let npm: ChildProcess | undefined;

afterAll(() => {
  // Whatever happened, nothing of ours stays behind.
  if (npm?.pid) {
    try {
      process.kill(-npm.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm run start:relay', () => {
  it('stops the relay on SIGTERM to the npm process', async () => {
    const env: Record<string, string | undefined> = {
      ...process.env,
      SANKEY_DATA_DIR: dataDir,
      DATABASE_URL: `file:${resolve(dataDir, 'sankey.db')}`,
      SANKEY_ZMQ_RECEIVER_PORT: '0',
      SANKEY_ZMQ_PUBLISHER_PORT: '0',
      SANKEY_RELAY_HTTP_PORT: '0',
    };
    delete env.SANKEY_NATS_URL;
    npm = spawn('npm', ['run', 'start:relay'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    npm.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    npm.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const deadline = Date.now() + 200_000;
    while (!out.includes('relay ready')) {
      if (npm.exitCode !== null) throw new Error(`npm run start:relay exited (${npm.exitCode}):\n${out}`);
      if (Date.now() > deadline) throw new Error(`the relay did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const relayPid = (JSON.parse(readFileSync(resolve(dataDir, 'runtime.json'), 'utf8')) as { pid: number })
      .pid;
    const exited = new Promise<void>((done) => npm!.once('exit', () => done()));
    process.kill(npm.pid!, 'SIGTERM');
    await exited;
    const until = Date.now() + 20_000;
    while (!out.includes('relay stopped') && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(out).toContain('"signal":"SIGTERM"');
    expect(out).toContain('relay stopped');
    expect(alive(relayPid)).toBe(false);
  });
});
