// `npm start`: apply pending migrations once, then run the relay and the web app on the same data directory,
// and stop both on SIGTERM/SIGINT (README §3).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrCreateApiToken } from '@sankey/db/data-dir';
import { migrate } from '@sankey/db/migrate';
import { defaultDatabaseUrl } from '@sankey/db/urls';
import { childEnv, repoRoot as root, scriptEnv } from './env';

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
const children: ChildProcess[] = [];
const startChild = (name: string, cwd: string, args: string[], extraEnv: Record<string, string> = {}) => {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  child.stdout!.pipe(process.stdout);
  child.on('exit', (code, signal) => {
    process.stdout.write(`${name} exited (${signal ?? code})\n`);
    if (!stopping) stop(code ?? 1);
  });
  return child;
};

let stopping = false;
function stop(code: number) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  const force = setTimeout(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  }, 35_000);
  Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null))).then(
    () => {
      clearTimeout(force);
      process.exit(code);
    },
  );
}
process.once('SIGTERM', () => stop(0));
process.once('SIGINT', () => stop(0));

const relay = startChild('relay', join(root, 'apps/relay'), ['--import', 'tsx', 'src/main.ts']);
// The web app must reach the relay on the port it actually bound (0 = a free port chosen at start).
const relayPorts = await new Promise<{ relayHttp: number } | null>((resolve) => {
  let buf = '';
  relay.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const m = /relay ready (\{.*\})/.exec(buf);
    if (m) resolve(JSON.parse(m[1]!) as { relayHttp: number });
  });
  relay.once('exit', () => resolve(null));
});
if (!relayPorts) process.exit(1);

const web = join(root, 'apps/web');
if (existsSync(join(web, '.next', 'BUILD_ID'))) {
  startChild(
    'web',
    web,
    [
      join(root, 'node_modules/next/dist/bin/next'),
      'start',
      '-p',
      String(scriptEnv.webPort),
      '-H',
      '127.0.0.1',
    ],
    {
      SANKEY_RELAY_URL: scriptEnv.relayUrl ?? `http://127.0.0.1:${relayPorts.relayHttp}`,
    },
  );
} else {
  process.stdout.write(
    'web app not built: run `npm run build` (npm start does this) — starting the relay only\n',
  );
}
