// RelayStorage that forwards every call to the database worker thread (storage-worker.ts). The forwarding is
// generic: any method name is posted to the worker, which calls it on DbRelayStorage, so a method added to
// RelayStorage is implemented once, in db-storage.ts. Calls are posted in call order and may run concurrently
// in the worker, as they would on one client. No call waits forever: each has a deadline, and once the worker
// is gone every call fails at once (docs/architecture.md, Supervision).
import { Worker } from 'node:worker_threads';
import type { RelayStorage } from './storage';
import { packArgs } from './wire-args';
import {
  fromWireError,
  StorageTimeoutError,
  type WorkerNotice,
  type WorkerReply,
  type WorkerRequest,
} from './worker-rpc';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

export interface WorkerStorageOptions {
  /**
   * Called when the worker dies before `close()`; pending and later calls then reject with the crash error.
   * The relay exits non-zero on it so that its supervisor starts a fresh process (scripts/start.ts).
   */
  onCrash?: (err: Error) => void;
  /** A call not answered within this long rejects with `StorageTimeoutError` (the worker keeps running). */
  callTimeoutMs?: number;
  /** PostgreSQL pool size (DATABASE_POOL_SIZE). */
  poolSize?: number;
  /** An idle pooled PostgreSQL connection failed (the pool replaces it). */
  onPoolError?: (message: string) => void;
  /** Starts the worker thread; tests pass another script that speaks the same messages (worker-rpc.ts). */
  spawn?: (url: string) => Worker;
  /** Hears of member rows a reload left out because their stored settings do not validate. */
  onUnreadable?: (bad: Extract<WorkerNotice, { unreadableMember: unknown }>['unreadableMember']) => void;
}

export const DEFAULT_STORAGE_CALL_TIMEOUT_MS = 30_000;
/** How long `close()` lets the worker end on its own after it answered, before terminating it. */
const WORKER_EXIT_WAIT_MS = 2000;

/** Starts the worker, resolves once its database client is connected. */
export async function startWorkerRelayStorage(
  url: string,
  opts: WorkerStorageOptions = {},
): Promise<RelayStorage> {
  const timeoutMs = opts.callTimeoutMs ?? DEFAULT_STORAGE_CALL_TIMEOUT_MS;
  // The entry registers the TypeScript loader in the worker, then loads storage-worker.ts.
  const spawn =
    opts.spawn ??
    (() =>
      new Worker(new URL('./storage-worker-entry.mjs', import.meta.url), {
        workerData: { url, poolSize: opts.poolSize },
      }));
  const worker = spawn(url);
  await new Promise<void>((resolve, reject) => {
    const onMessage = (m: { ready?: boolean }) => {
      if (!m.ready) return;
      worker.off('message', onMessage);
      worker.off('error', reject);
      resolve();
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });

  let nextId = 1;
  let closing = false;
  let dead: Error | null = null;
  const pending = new Map<number, Pending>();
  const settle = (id: number): Pending | undefined => {
    const p = pending.get(id);
    if (!p) return undefined;
    pending.delete(id);
    clearTimeout(p.timer);
    return p;
  };
  const crashed = (err: Error) => {
    if (dead) return;
    dead = err;
    for (const id of [...pending.keys()]) settle(id)?.reject(err);
    if (!closing) opts.onCrash?.(err);
  };
  worker.on('message', (msg: WorkerReply | WorkerNotice) => {
    if ('unreadableMember' in msg) return opts.onUnreadable?.(msg.unreadableMember);
    if ('poolError' in msg) return opts.onPoolError?.(msg.poolError);
    // A reply after the call timed out finds nothing to settle: the caller has moved on.
    const p = settle(msg.id);
    if (!p) return;
    if (msg.ok) p.resolve(msg.value);
    else p.reject(fromWireError(msg.error));
  });
  worker.on('error', crashed);
  worker.on('exit', (code) => crashed(new Error(`database worker exited with code ${code}`)));

  const call = (method: string, args: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      if (dead) {
        reject(dead);
        return;
      }
      const id = nextId++;
      const timer = setTimeout(
        () => settle(id)?.reject(new StorageTimeoutError(method, timeoutMs)),
        timeoutMs,
      );
      pending.set(id, { resolve, reject, timer });
      worker.postMessage({ id, method, args } satisfies WorkerRequest);
    });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const close = async () => {
    closing = true;
    // The worker answers once every call before this one settled and its client is disconnected, then ends on
    // its own (storage-worker.ts). Terminated only when it does not: stopping it inside a statement can abort the
    // process.
    await call('close', []).catch(() => {});
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), WORKER_EXIT_WAIT_MS);
    });
    if ((await Promise.race([exited, late])) === 'late') await worker.terminate();
    clearTimeout(timer);
  };

  return new Proxy({} as RelayStorage, {
    get(_target, prop) {
      if (prop === 'close') return close;
      // Not a thenable (`await` looks up `then`), and symbols are never storage methods.
      if (typeof prop !== 'string' || prop === 'then') return undefined;
      return (...args: unknown[]) => call(prop, packArgs(prop, args));
    },
  });
}
