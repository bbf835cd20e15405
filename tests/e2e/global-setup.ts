// Starts the real relay (ZeroMQ + HTTP on port 0) and the built web app on a temporary data directory, and
// stops both (whole process groups) when the run ends. Workers read the endpoints from SANKEY_E2E_*.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { childEnv, exportE2eEnv } from './env';

const root = resolve(import.meta.dirname, '../..');
const logDir = resolve(import.meta.dirname, '../test-results/e2e-logs');

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

function start(name: string, cwd: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(join(logDir, `${name}.log`));
  // Own process group, so teardown also reaches grandchildren (next-server).
  const child = spawn(process.execPath, args, {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null> | T | null,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > deadline)
      throw new Error(`e2e setup: timed out waiting for ${what} (logs in ${logDir})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
    return Promise.resolve();
  const pid = child.pid;
  return new Promise((done) => {
    const force = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 8_000);
    child.once('exit', () => {
      clearTimeout(force);
      // Anything left in the group (e.g. next-server) goes too.
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // nothing left
      }
      done();
    });
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      clearTimeout(force);
      done();
    }
  });
}

export default async function globalSetup() {
  if (!existsSync(join(root, 'apps/web/.next/BUILD_ID'))) {
    throw new Error('e2e: the web app is not built; run `npm run build` first');
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'sankey-e2e-'));
  const apiToken = randomBytes(24).toString('base64url');
  const adminPassword = `e2e-${randomBytes(8).toString('hex')}`;
  const webPort = await freePort();
  const common = childEnv({
    SANKEY_DATA_DIR: dataDir,
    SANKEY_API_TOKEN: apiToken,
    SANKEY_ADMIN_PASSWORD: adminPassword,
    PORT: String(webPort),
    LOG_LEVEL: 'info',
  });
  const children: ChildProcess[] = [];
  const teardown = async () => {
    await Promise.all(children.reverse().map(stop));
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const relay = start('relay', join(root, 'apps/relay'), ['--import', 'tsx', 'src/main.ts'], {
      ...common,
      SANKEY_ZMQ_RECEIVER_PORT: '0',
      SANKEY_ZMQ_PUBLISHER_PORT: '0',
      SANKEY_RELAY_HTTP_PORT: '0',
      SANKEY_HEARTBEAT_TIMEOUT_S: '5',
    });
    children.push(relay);
    const ports = await waitFor(
      'the relay ports in runtime.json',
      () => {
        if (relay.exitCode !== null)
          throw new Error(`relay exited (${relay.exitCode}); see ${logDir}/relay.log`);
        try {
          const info = JSON.parse(readFileSync(join(dataDir, 'runtime.json'), 'utf8')) as {
            ports?: { receiver?: number; publisher?: number; relayHttp?: number };
          };
          const p = info.ports;
          return p?.receiver && p.publisher && p.relayHttp
            ? { receiver: p.receiver, publisher: p.publisher, relayHttp: p.relayHttp }
            : null;
        } catch {
          return null;
        }
      },
      60_000,
    );

    const web = start(
      'web',
      join(root, 'apps/web'),
      [join(root, 'node_modules/next/dist/bin/next'), 'start', '-p', String(webPort), '-H', '127.0.0.1'],
      { ...common, SANKEY_RELAY_URL: `http://127.0.0.1:${ports.relayHttp}`, SANKEY_SKIP_MIGRATE: '1' },
    );
    children.push(web);
    const baseUrl = `http://127.0.0.1:${webPort}`;
    await waitFor(
      'the web app',
      async () => {
        if (web.exitCode !== null) throw new Error(`web exited (${web.exitCode}); see ${logDir}/web.log`);
        try {
          return (await fetch(`${baseUrl}/login`)).ok ? true : null;
        } catch {
          return null;
        }
      },
      60_000,
    );

    exportE2eEnv({
      baseUrl,
      apiToken,
      adminPassword,
      receiverEndpoint: `tcp://127.0.0.1:${ports.receiver}`,
      publisherEndpoint: `tcp://127.0.0.1:${ports.publisher}`,
      relayHttp: `http://127.0.0.1:${ports.relayHttp}`,
      dataDir,
    });
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}
