// Dead letters that the shutdown deadline could not write to the database in time (docs/architecture.md,
// Lifecycle): they go to a file in the data directory instead — one synchronous, fsync'd write, milliseconds for
// tens of thousands of rows — and the next start imports them as dead letters and deletes the file. A row whose
// database write was still in flight when the relay gave up is marked `maybeWritten`; the import skips it when an
// identical letter (topic, payload, first attempt) is already stored, so nothing is lost and nothing doubled.
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../core/ports';
import type { RelayStorage, StoredDeadLetter } from '../outbox/storage';

const DIR = 'dead-letter-spill';
const FILE = /^letters-\d+-\d+\.ndjson$/;

export interface SpilledRow {
  row: StoredDeadLetter;
  /** Its database write was in flight at the deadline: it may be stored already. */
  maybeWritten: boolean;
}

/** Writes the rows to a new spill file under `dataDir`; returns its path. Throws when the disk refuses. */
export function spillLetters(dataDir: string, rows: readonly SpilledRow[]): string {
  const dir = join(dataDir, DIR);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `letters-${Date.now()}-${process.pid}.ndjson`);
  const text = rows.map((r) => `${JSON.stringify(toLine(r))}\n`).join('');
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return path;
}

export interface SpillImportDeps {
  /** The stored letters a `maybeWritten` row is compared with (reason `shutdown_deadline`). */
  stored: () => Promise<StoredDeadLetter[]>;
  write: (rows: StoredDeadLetter[]) => Promise<void>;
  log: Logger;
}

/**
 * Imports every spill file under `dataDir` as dead letters and deletes it. A file that cannot be imported (the
 * database refuses) stays for the next start; a line that does not parse is skipped and counted in the result.
 */
export async function importSpilledLetters(
  dataDir: string,
  deps: SpillImportDeps,
): Promise<{ imported: number; skipped: number; unreadable: number }> {
  const dir = join(dataDir, DIR);
  const result = { imported: 0, skipped: 0, unreadable: 0 };
  if (!existsSync(dir)) return result;
  const files = readdirSync(dir)
    .filter((f) => FILE.test(f))
    .sort();
  for (const f of files) {
    const path = join(dir, f);
    const rows: SpilledRow[] = [];
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const row = fromLine(line);
      if (row) rows.push(row);
      else result.unreadable++;
    }
    let keys: Set<string> | null = null;
    if (rows.some((r) => r.maybeWritten)) keys = new Set((await deps.stored()).map(keyOf));
    const fresh = rows.filter((r) => !(r.maybeWritten && keys?.has(keyOf(r.row)))).map((r) => r.row);
    for (let i = 0; i < fresh.length; i += 500) await deps.write(fresh.slice(i, i + 500));
    rmSync(path);
    result.imported += fresh.length;
    result.skipped += rows.length - fresh.length;
    deps.log.warn(
      { file: path, imported: fresh.length, alreadyStored: rows.length - fresh.length },
      'dead letters spilled at the last shutdown imported',
    );
  }
  if (result.unreadable > 0) {
    deps.log.error({ lines: result.unreadable }, 'dead-letter spill: unreadable lines skipped');
  }
  return result;
}

/** At start: the letters the last shutdown could not store in time, stored now; a failure keeps the file. */
export async function importSpillAtStart(
  dataDir: string,
  storage: Pick<RelayStorage, 'listDeadLetters' | 'addDeadLetters'>,
  log: Logger,
): Promise<void> {
  await importSpilledLetters(dataDir, {
    stored: () => storage.listDeadLetters({ reason: 'shutdown_deadline', limit: 2000 }),
    write: (rows) => storage.addDeadLetters(rows),
    log,
  }).catch((err: unknown) => log.error({ err }, 'dead-letter spill not imported; kept for the next start'));
}

const keyOf = (r: StoredDeadLetter): string =>
  `${r.topic}\u0000${r.firstAttemptAt.getTime()}\u0000${Buffer.from(r.payload).toString('base64')}`;

interface Line {
  topic: string;
  payload: string;
  reason: string;
  attempts: number;
  firstAttemptAt: string;
  lastAttemptAt: string;
  destination: string;
  masterAccount: string | null;
  ticket: string | null;
  action: string | null;
  maybeWritten: boolean;
}

function toLine({ row, maybeWritten }: SpilledRow): Line {
  return {
    ...row,
    payload: Buffer.from(row.payload).toString('base64'),
    firstAttemptAt: row.firstAttemptAt.toISOString(),
    lastAttemptAt: row.lastAttemptAt.toISOString(),
    maybeWritten,
  };
}

function fromLine(text: string): SpilledRow | null {
  try {
    const l = JSON.parse(text) as Partial<Line>;
    const first = new Date(l.firstAttemptAt ?? '');
    const last = new Date(l.lastAttemptAt ?? '');
    if (
      typeof l.topic !== 'string' ||
      typeof l.payload !== 'string' ||
      typeof l.reason !== 'string' ||
      typeof l.destination !== 'string' ||
      Number.isNaN(first.getTime()) ||
      Number.isNaN(last.getTime())
    ) {
      return null;
    }
    return {
      row: {
        topic: l.topic,
        payload: new Uint8Array(Buffer.from(l.payload, 'base64')),
        reason: l.reason,
        attempts: typeof l.attempts === 'number' ? l.attempts : 1,
        firstAttemptAt: first,
        lastAttemptAt: last,
        destination: l.destination,
        masterAccount: l.masterAccount ?? null,
        ticket: l.ticket ?? null,
        action: l.action ?? null,
      },
      maybeWritten: l.maybeWritten === true,
    };
  } catch {
    return null;
  }
}
