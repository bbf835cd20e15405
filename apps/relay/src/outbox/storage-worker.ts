// Worker thread that owns the relay's database connection: every query (outbox polls, loads, status writes)
// runs here, so the SQLite driver's synchronous work never stalls the thread that relays trade signals.
import { parentPort, workerData } from 'node:worker_threads';
import { createDb } from '@sankey/db/client';
import { DbRelayStorage } from './db-storage';
import type { RelayStorage } from './storage';

interface Request {
  id: number;
  method: keyof RelayStorage;
  args: unknown[];
}

const port = parentPort!;
const storage = new DbRelayStorage(await createDb({ url: (workerData as { url: string }).url }));

port.on('message', (req: Request) => {
  const fn = storage[req.method] as (...a: unknown[]) => Promise<unknown>;
  fn.apply(storage, req.args).then(
    (value) => {
      port.postMessage({ id: req.id, ok: true, value });
      if (req.method === 'close') port.close();
    },
    (err: unknown) =>
      port.postMessage({
        id: req.id,
        ok: false,
        error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      }),
  );
});
port.postMessage({ ready: true });
