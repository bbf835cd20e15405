// Structured JSON logs (pino) to stdout, plus an in-memory ring of the latest entries for the control API.
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

export interface LogEntry {
  seq: number;
  time: string;
  level: string;
  msg: string;
  fields: Record<string, unknown>;
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

export class LogRing {
  private readonly entries: LogEntry[] = [];
  private seq = 0;
  constructor(private readonly capacity = 1000) {}

  push(line: string): void {
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    const { level, time, msg, pid: _pid, hostname: _host, ...fields } = obj;
    this.entries.push({
      seq: ++this.seq,
      time: new Date(typeof time === 'number' ? time : Date.now()).toISOString(),
      level: LEVEL_NAMES[level as number] ?? String(level),
      msg: typeof msg === 'string' ? msg : '',
      fields,
    });
    if (this.entries.length > this.capacity) this.entries.shift();
  }

  /** Newest first; `cursor` = return entries older than this seq. */
  list(opts: { level?: string; limit?: number; cursor?: number } = {}): {
    entries: LogEntry[];
    nextCursor: number | null;
  } {
    const min = opts.level ? levelRank(opts.level) : 0;
    const limit = Math.min(Math.max(opts.limit ?? 100, 1), 1000);
    const out: LogEntry[] = [];
    for (let i = this.entries.length - 1; i >= 0 && out.length < limit; i--) {
      const e = this.entries[i]!;
      if (opts.cursor !== undefined && e.seq >= opts.cursor) continue;
      if (levelRank(e.level) >= min) out.push(e);
    }
    const last = out.at(-1);
    return { entries: out, nextCursor: out.length === limit && last ? last.seq : null };
  }
}

function levelRank(level: string): number {
  const found = Object.entries(LEVEL_NAMES).find(([, name]) => name === level.toLowerCase());
  return found ? Number(found[0]) : 0;
}

/** A stream handing each line to `sink`. */
const lineStream = (sink: (line: string) => void) =>
  new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line) sink(line);
      cb();
    },
  });

/** Logs go to the ring, to stdout unless turned off, and to `ship` (log shipping, when given). */
export function createLogger(opts: {
  level: string;
  ring: LogRing;
  stdout?: boolean;
  ship?: { write(line: string): void };
}): Logger {
  const level = opts.level as pino.Level;
  const streams: pino.StreamEntry[] = [{ stream: lineStream((l) => opts.ring.push(l)), level }];
  const { ship } = opts;
  if (ship) streams.push({ stream: lineStream((l) => ship.write(l)), level });
  if (opts.stdout !== false) streams.push({ stream: process.stdout, level });
  return pino({ level, base: { service: 'relay' } }, pino.multistream(streams));
}
