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
  const apiToken = newApiToken();
  writeAtomic(file, `${JSON.stringify({ apiToken }, null, 2)}\n`, 0o600);
  chmodSync(file, 0o600);
  return { apiToken, generated: { apiToken: true } };
}

/** The token stored in secrets.json, or null (no file, unreadable, or too short). */
export function readStoredApiToken(dataDir: string): string | null {
  try {
    const parsed = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as { apiToken?: unknown };
    return typeof parsed.apiToken === 'string' && parsed.apiToken.length >= 16 ? parsed.apiToken : null;
  } catch {
    return null;
  }
}

/** A new random API token (the same shape as the generated one). */
export const newApiToken = (): string => randomBytes(24).toString('base64url');

/**
 * Replaces the token in secrets.json (API-token rotation, docs/api.md `system.rotateApiToken`), keeping any other
 * keys; atomic, mode 0600. The relay picks it up on its next request with an unknown token.
 */
export function writeStoredApiToken(dataDir: string, apiToken: string): void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'secrets.json');
  let current: Record<string, unknown> = {};
  try {
    current = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // no file yet
  }
  writeAtomic(file, `${JSON.stringify({ ...current, apiToken }, null, 2)}\n`, 0o600);
  chmodSync(file, 0o600);
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
