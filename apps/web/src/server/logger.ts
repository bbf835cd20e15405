// A small structured logger (JSON lines on stdout/stderr) so the web app needs no logging dependency.
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export interface Logger {
  debug(fields: Record<string, unknown>, msg: string): void;
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
  error(fields: Record<string, unknown>, msg: string): void;
}

const RANK: Record<LogLevel, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: 100,
};

const serialise = (v: unknown): unknown =>
  v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v;

export function createLogger(level: LogLevel, name = 'web'): Logger {
  const min = RANK[level];
  const write = (lvl: Exclude<LogLevel, 'silent'>, fields: Record<string, unknown>, msg: string) => {
    if (RANK[lvl] < min) return;
    const out = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, serialise(v)]));
    const line = `${JSON.stringify({ level: lvl, time: new Date().toISOString(), name, msg, ...out })}\n`;
    (RANK[lvl] >= RANK.warn ? process.stderr : process.stdout).write(line);
  };
  return {
    debug: (f, m) => write('debug', f, m),
    info: (f, m) => write('info', f, m),
    warn: (f, m) => write('warn', f, m),
    error: (f, m) => write('error', f, m),
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };
