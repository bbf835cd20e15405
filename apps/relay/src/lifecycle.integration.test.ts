// The relay as an operator runs it: `main.ts` in its own process, stopped with SIGTERM during traffic.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb } from '@sankey/db/client';
import { migrate } from '@sankey/db/migrate';
import { withRepositoriesTransaction } from '@sankey/db/repositories/index';
import { encodeInbound } from '@sankey/shared/protocol/codec';
import { afterAll, describe, expect, it } from 'vitest';
import { Push, Subscriber } from 'zeromq';
import { heartbeat, openNow } from './testing/core-harness';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function startRelayProcess(dataDir: string): {
  child: ChildProcess;
  stdout: string[];
  ready: Promise<Record<string, number>>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: join(import.meta.dirname, '..'),
    env: {
      ...process.env,
      SANKEY_DATA_DIR: dataDir,
      SANKEY_ZMQ_RECEIVER_PORT: '0',
      SANKEY_ZMQ_PUBLISHER_PORT: '0',
      SANKEY_RELAY_HTTP_PORT: '0',
      SANKEY_API_TOKEN: 'lifecycle-token-0123456789',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const ready = new Promise<Record<string, number>>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const line of lines) {
        stdout.push(line);
        const m = /^relay ready (.*)$/.exec(line);
        if (m) resolve(JSON.parse(m[1]!) as Record<string, number>);
      }
    });
    child.once('exit', (code) => reject(new Error(`relay exited early with ${code}`)));
  });
  return { child, stdout, ready };
}

describe('relay process lifecycle', () => {
  it('exits 0 on SIGTERM during traffic and publishes every signal it accepted', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sankey-life-'));
    dirs.push(dataDir);
    const url = `file:${join(dataDir, 'sankey.db')}`;
    await migrate({ url });
    const db = await createDb({ url });
    await withRepositoriesTransaction(db, (tx) =>
      tx.tradeGroups.create({ id: 'M1', enabled: true, members: [{ slaveAccount: 'S1', enabled: true }] }),
    );
    await db.$disconnect();

    const { child, stdout, ready } = startRelayProcess(dataDir);
    const ports = await ready;
    const runtime = JSON.parse(readFileSync(join(dataDir, 'runtime.json'), 'utf8')) as {
      ports: Record<string, number>;
    };
    expect(runtime.ports.receiver).toBe(ports.receiver);

    // The operator CLI finds the running relay through runtime.json.
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'status'], {
      cwd: join(import.meta.dirname, '..'),
      env: { ...process.env, SANKEY_DATA_DIR: dataDir, SANKEY_API_TOKEN: 'lifecycle-token-0123456789' },
      encoding: 'utf8',
    });
    expect(cli.status).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ version: '2.0.0', ports: { receiver: ports.receiver } });

    const push = new Push({ linger: 1000, sendTimeout: 1000 });
    push.connect(`tcp://127.0.0.1:${ports.receiver}`);
    const sub = new Subscriber({ linger: 0 });
    sub.connect(`tcp://127.0.0.1:${ports.publisher}`);
    sub.subscribe('trade/');
    sub.subscribe('trade/M1/S1'); // S1 listening for M1 (D19)
    let copies = 0;
    void (async () => {
      for await (const _ of sub) copies++;
    })().catch(() => {});
    await push.send(encodeInbound(heartbeat('S1', 'Slave')));
    await push.send(encodeInbound(heartbeat('M1', 'Master')));
    await new Promise((r) => setTimeout(r, 500));

    let gone = false;
    const exited = new Promise<number | null>((r) =>
      child.once('exit', (code) => {
        gone = true;
        r(code);
      }),
    );
    let sent = 0;
    // A PUSH socket whose peer has gone queues up to its high-water mark and then blocks: stop sending once the
    // relay has exited, and never wait longer than a second for one send.
    const sender = (async () => {
      for (let i = 0; i < 2000 && !gone; i++) {
        await push.send(encodeInbound(openNow('M1', { ticket: i + 1 })));
        sent++;
        if (i === 200) child.kill('SIGTERM');
      }
    })().catch(() => {});
    const code = await exited;
    await sender;
    push.close();

    expect(code).toBe(0);
    const stopped = stdout
      .map((l) => JSON.parse(l.startsWith('{') ? l : '{}'))
      .find((o) => o.msg === 'relay stopped');
    expect(stopped).toBeDefined();
    const accepted = stopped.totals.signalsCopied as number;
    expect(accepted).toBeGreaterThan(0);
    expect(sent).toBeGreaterThanOrEqual(accepted);
    // Every signal the relay accepted left its PUB socket and reached the subscriber (which may still be reading
    // the last of them after the relay exited).
    try {
      await expect.poll(() => copies, { timeout: 5000 }).toBe(accepted);
    } finally {
      sub.close();
    }
  });

  it('shuts down once when SIGTERM arrives twice, as a process group gets it, and writes the journal tail', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sankey-life-'));
    dirs.push(dataDir);
    const url = `file:${join(dataDir, 'sankey.db')}`;
    await migrate({ url });
    const db = await createDb({ url });
    await withRepositoriesTransaction(db, (tx) =>
      tx.tradeGroups.create({ id: 'M1', enabled: true, members: [{ slaveAccount: 'S1', enabled: true }] }),
    );

    const { child, stdout, ready } = startRelayProcess(dataDir);
    const ports = await ready;
    const push = new Push({ linger: 1000 });
    push.connect(`tcp://127.0.0.1:${ports.receiver}`);
    const sub = new Subscriber({ linger: 0 });
    sub.connect(`tcp://127.0.0.1:${ports.publisher}`);
    sub.subscribe('trade/');
    sub.subscribe('trade/M1/S1'); // S1 listening for M1 (D19)
    let copies = 0;
    void (async () => {
      for await (const _ of sub) copies++;
    })().catch(() => {});
    await push.send(encodeInbound(heartbeat('S1', 'Slave')));
    await push.send(encodeInbound(heartbeat('M1', 'Master')));
    await new Promise((r) => setTimeout(r, 500));
    for (let i = 0; i < 50; i++) await push.send(encodeInbound(openNow('M1', { ticket: i + 1 })));
    // Every signal was handled (its copy arrived): the journal holds them in memory until its next batch.
    await expect.poll(() => copies, { timeout: 5000, interval: 5 }).toBe(50);

    const exited = new Promise<[number | null, string | null]>((r) =>
      child.once('exit', (code, signal) => r([code, signal])),
    );
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
    push.close();
    sub.close();

    const msgs = stdout.map((l) => (JSON.parse(l.startsWith('{') ? l : '{}') as { msg?: string }).msg);
    expect(msgs.filter((m) => m === 'relay shutting down')).toHaveLength(1);
    expect(msgs.filter((m) => m === 'relay stopped')).toHaveLength(1);
    expect(await db.tradeSignalJournal.count({ where: { masterAccount: 'M1' } })).toBe(50);
    await db.$disconnect();
  });

  it('refuses an invalid environment with exit code 2 naming the variable', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: join(import.meta.dirname, '..'),
      env: { ...process.env, SANKEY_ZMQ_RECEIVER_PORT: 'not-a-port' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(2);
    expect(stderr).toContain('SANKEY_ZMQ_RECEIVER_PORT');
  });
});
