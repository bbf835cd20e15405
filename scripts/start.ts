// `npm start`: apply pending migrations once, then run the relay and the web app on the same data directory as
// independent children under a supervisor (scripts/supervisor.ts): a child that dies is restarted, copying never
// depends on the web app, and SIGTERM/SIGINT stop both once (docs/architecture.md, Processes, ports and environment, docs/architecture.md, Supervision).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrCreateApiToken } from '@sankey/db/data-dir';
import { migrate } from '@sankey/db/migrate';
import { defaultDatabaseUrl } from '@sankey/db/urls';
import { childEnv, repoRoot as root, scriptEnv } from './env';
import { type ChildHandle, DEFAULT_SUPERVISOR_OPTIONS, Supervisor } from './supervisor';

const { dataDir } = scriptEnv;
const url = scriptEnv.databaseUrl ?? defaultDatabaseUrl(dataDir);

const secrets = loadOrCreateApiToken(dataDir, scriptEnv.apiToken);
if (secrets.generated.apiToken) {
  process.stdout.write(
    `\nGenerated API token (saved in ${dataDir}/secrets.json, shown once):\n  ${secrets.apiToken}\n\n`,
  );
}
const t0 = Date.now();
await migrate({ url });
process.stdout.write(
  `database ready (${url.startsWith('file:') ? 'SQLite' : 'PostgreSQL'}, ${Date.now() - t0} ms)\n`,
);

// The token is passed on only when the operator set it: a generated one stays in secrets.json, where both
// processes read it, so that `system.rotateApiToken` can replace it (docs/api.md; the environment would win).
const env = childEnv({
  SANKEY_DATA_DIR: dataDir,
  DATABASE_URL: url,
  SANKEY_SKIP_MIGRATE: '1',
});

/** Spawns `node args` in `cwd`; its stdout goes to ours, line by line to `onLine` as well. */
function spawnNode(
  cwd: string,
  args: string[],
  extraEnv: Record<string, string>,
  onLine?: (line: string) => void,
): ChildHandle {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout.pipe(process.stdout, { end: false });
  if (onLine) {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
  }
  return {
    pid: child.pid,
    // A child that exited (by code or by signal) is not signalled again.
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    // 'close', not 'exit': by then the child's last output has reached ours.
    onExit: (cb) => child.once('close', cb),
  };
}

const supervisor = new Supervisor(
  {
    nowMs: () => Date.now(),
    setTimer: (fn, ms) => {
      const t = setTimeout(fn, ms);
      return { cancel: () => clearTimeout(t) };
    },
    random: Math.random,
    log: (line) => process.stdout.write(`${line}\n`),
  },
  { ...DEFAULT_SUPERVISOR_OPTIONS, stopDeadlineMs: scriptEnv.shutdownDeadlineMs + 5000 },
);
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => void supervisor.stop());

type RelayPorts = { receiver: number; publisher: number; relayHttp: number };
// A restarted relay binds the ports the first run bound (0 = a free port chosen at start), so EAs and the web
// app find it where it was.
let pinned: RelayPorts | null = null;
let firstReady!: (ports: RelayPorts) => void;
const relayReady = new Promise<RelayPorts>((r) => {
  firstReady = r;
});
supervisor.add({
  name: 'relay',
  start: () =>
    spawnNode(
      join(root, 'apps/relay'),
      ['--import', 'tsx', 'src/main.ts'],
      pinned
        ? {
            SANKEY_ZMQ_RECEIVER_PORT: String(pinned.receiver),
            SANKEY_ZMQ_PUBLISHER_PORT: String(pinned.publisher),
            SANKEY_RELAY_HTTP_PORT: String(pinned.relayHttp),
          }
        : {},
      (line) => {
        const m = /^relay ready (\{.*\})$/.exec(line);
        if (!m || pinned) return;
        pinned = JSON.parse(m[1]!) as RelayPorts;
        firstReady(pinned);
      },
    ),
});

const ports = await Promise.race([relayReady, supervisor.done().then(() => null)]);
const web = join(root, 'apps/web');
if (ports && existsSync(join(web, '.next', 'BUILD_ID'))) {
  supervisor.add({
    name: 'web',
    start: () =>
      spawnNode(
        web,
        [
          join(root, 'node_modules/next/dist/bin/next'),
          'start',
          '-p',
          String(scriptEnv.webPort),
          '-H',
          '127.0.0.1',
        ],
        // The web app must reach the relay on the port it actually bound.
        { SANKEY_RELAY_URL: scriptEnv.relayUrl ?? `http://127.0.0.1:${ports.relayHttp}` },
      ),
  });
} else if (ports) {
  process.stdout.write(
    'web app not built: run `npm run build` (npm start does this) — starting the relay only\n',
  );
}
process.exit(await supervisor.done());
