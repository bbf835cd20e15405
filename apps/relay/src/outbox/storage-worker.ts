// Worker thread that owns the relay's database connection: every query (outbox polls, loads, status writes)
// runs here, so the SQLite driver's synchronous work never stalls the thread that relays trade signals.
// Any RelayStorage method the main thread names is called on DbRelayStorage (worker-storage.ts forwards them).
import { parentPort, workerData } from 'node:worker_threads';
import { createDb } from '@sankey/db/client';
import { asDatabaseUnavailable } from '@sankey/db/errors';
import { DbRelayStorage } from './db-storage';
import { unpackArgs } from './wire-args';

/** How long the relay's database worker waits for another process's SQLite lock before a write fails. */
const RELAY_SQLITE_BUSY_TIMEOUT_MS = 1000;

import { toWireError, type WorkerNotice, type WorkerReply, type WorkerRequest } from './worker-rpc';

const port = parentPort!;
const { url, poolSize } = workerData as { url: string; poolSize?: number };
const db = await createDb({
  url,
  // libsql waits for a lock synchronously: a short wait keeps this worker answering (docs/database.md).
  sqliteBusyTimeoutMs: RELAY_SQLITE_BUSY_TIMEOUT_MS,
  ...(poolSize !== undefined && { poolSize }),
  // An idle PostgreSQL connection that died is replaced by the pool; the next query says whether it matters.
  onPoolError: (err) => port.postMessage({ poolError: err.message } satisfies WorkerNotice),
});
const storage = new DbRelayStorage(db, (bad) =>
  port.postMessage({ unreadableMember: bad } satisfies WorkerNotice),
);
const reply = (msg: WorkerReply) => port.postMessage(msg);

/** Calls still running: `close` waits for them (see below). */
const inFlight = new Set<Promise<unknown>>();

/**
 * Closing waits until every call before it has settled, then disconnects, answers, and closes the port, so the
 * thread ends on its own, idle. The main thread terminates it only if that does not happen in time: a thread
 * terminated while libsql is inside a statement can abort the whole process (its native binding panics on the
 * exception V8 raises to stop the thread; seen once in CI when a shutdown's 20,000 dead letters were still being
 * written).
 */
const close = async (): Promise<void> => {
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  await storage.close();
};

const run = (req: WorkerRequest): Promise<unknown> => {
  if (req.method === 'close') return close();
  const fn = (storage as unknown as Record<string, unknown>)[req.method];
  if (typeof fn !== 'function') throw new TypeError(`RelayStorage has no method ${req.method}`);
  const result = Promise.resolve(fn.apply(storage, unpackArgs(req.method, req.args)));
  inFlight.add(result);
  const done = () => inFlight.delete(result);
  result.then(done, done);
  return result;
};

port.on('message', (req: WorkerRequest) => {
  let result: Promise<unknown>;
  try {
    result = run(req);
  } catch (err) {
    result = Promise.reject(err);
  }
  result.then(
    (value) => {
      reply({ id: req.id, ok: true, value });
      if (req.method === 'close') port.close();
    },
    // A database-unavailable error crosses as "database unavailable (<reason>), retry": Prisma's own error keeps
    // the cause (e.g. SQLite's "database is locked") in `meta`, which would not survive the boundary.
    (err: unknown) => reply({ id: req.id, ok: false, error: toWireError(asDatabaseUnavailable(err) ?? err) }),
  );
});
port.postMessage({ ready: true });
