// A process-wide async lock per SQLite file. libsql is synchronous: when a second connection in the SAME
// process waits for the write lock, SQLite's busy handler sleeps the only thread, so the connection holding the
// lock can never finish and both fail after busy_timeout. Between processes (relay and web) busy_timeout works;
// within a process (tests, Next dev reloads, migrate + client) this lock queues the work instead.
const tails = new Map<string, Promise<void>>();

/** Waits for the file's lock; resolves with the release function. */
export function acquireFileLock(file: string): Promise<() => void> {
  const previous = tails.get(file) ?? Promise.resolve();
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = previous.then(() => held);
  tails.set(file, tail);
  void tail.then(() => {
    if (tails.get(file) === tail) tails.delete(file);
  });
  let released = false;
  return previous.then(() => () => {
    if (released) return;
    released = true;
    release();
  });
}

export async function withFileLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const release = await acquireFileLock(file);
  try {
    return await fn();
  } finally {
    release();
  }
}
