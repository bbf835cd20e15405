// Files the relay and the web app share in <SANKEY_DATA_DIR>: generated secrets and the ports actually bound.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Secrets {
  apiToken: string;
  /** Set only in the run that generated it, so it can be printed once. */
  generated: { apiToken: boolean };
}

export interface RuntimeInfo {
  pid?: number;
  startedAt?: string;
  ports: Partial<{ receiver: number; publisher: number; relayHttp: number; web: number }>;
}

function writeAtomic(path: string, text: string, mode?: number): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, mode === undefined ? undefined : { mode });
  renameSync(tmp, path);
}

/**
 * The API token: `SANKEY_API_TOKEN` when given, else the one in secrets.json, else a new one written there
 * (mode 0600). Both processes call this; the first writer wins and the other reads its value.
 */
export function loadOrCreateApiToken(dataDir: string, fromEnv: string | undefined): Secrets {
  if (fromEnv) return { apiToken: fromEnv, generated: { apiToken: false } };
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { apiToken?: unknown };
    if (typeof parsed.apiToken === 'string' && parsed.apiToken.length >= 16) {
      return { apiToken: parsed.apiToken, generated: { apiToken: false } };
    }
  }
  const apiToken = randomBytes(24).toString('base64url');
  writeAtomic(file, `${JSON.stringify({ apiToken }, null, 2)}\n`, 0o600);
  chmodSync(file, 0o600);
  return { apiToken, generated: { apiToken: true } };
}

/** Merges `ports` into runtime.json (written for other tools to read; never read back as configuration). */
export function writeRuntimeInfo(dataDir: string, info: RuntimeInfo): void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'runtime.json');
  let current: RuntimeInfo = { ports: {} };
  try {
    current = JSON.parse(readFileSync(file, 'utf8')) as RuntimeInfo;
  } catch {
    // first writer
  }
  writeAtomic(
    file,
    `${JSON.stringify({ ...current, ...info, ports: { ...current.ports, ...info.ports } }, null, 2)}\n`,
  );
}

export function readRuntimeInfo(dataDir: string): RuntimeInfo | null {
  try {
    return JSON.parse(readFileSync(join(dataDir, 'runtime.json'), 'utf8')) as RuntimeInfo;
  } catch {
    return null;
  }
}
