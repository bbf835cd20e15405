// RelayStorage that forwards every call to the database worker thread (storage-worker.ts). The forwarding is
// generic: any method name is posted to the worker, which calls it on DbRelayStorage, so a method added to
// RelayStorage is implemented once, in db-storage.ts. Calls are posted in call order and may run concurrently
// in the worker, as they would on one client.
import { Worker } from 'node:worker_threads';
import type { RelayStorage } from './storage';
import { fromWireError, type WorkerNotice, type WorkerReply, type WorkerRequest } from './worker-rpc';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/**
 * Starts the worker, resolves once its database client is connected. `onCrash` is called when the worker
 * dies before `close()`; pending calls then reject with the crash error. `onUnreadable` hears of member rows a
 * reload left out because their stored settings do not validate.
 */
export async function startWorkerRelayStorage(
  url: string,
  onCrash: (err: Error) => void = () => {},
  onUnreadable: (bad: WorkerNotice['unreadableMember']) => void = () => {},
): Promise<RelayStorage> {
  // The entry registers the TypeScript loader in the worker, then loads storage-worker.ts.
  const worker = new Worker(new URL('./storage-worker-entry.mjs', import.meta.url), { workerData: { url } });
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
  const pending = new Map<number, Pending>();
  const crashed = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    if (!closing) onCrash(err);
  };
  worker.on('message', (msg: WorkerReply | WorkerNotice) => {
    if ('unreadableMember' in msg) return onUnreadable(msg.unreadableMember);
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.value);
    else p.reject(fromWireError(msg.error));
  });
  worker.on('error', crashed);
  worker.on('exit', (code) => crashed(new Error(`database worker exited with code ${code}`)));

  const call = (method: string, args: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, method, args } satisfies WorkerRequest);
    });
  const close = async () => {
    closing = true;
    await call('close', []).catch(() => {});
    await worker.terminate();
  };

  return new Proxy({} as RelayStorage, {
    get(_target, prop) {
      if (prop === 'close') return close;
      // Not a thenable (`await` looks up `then`), and symbols are never storage methods.
      if (typeof prop !== 'string' || prop === 'then') return undefined;
      return (...args: unknown[]) => call(prop, args);
    },
  });
}
