// Starts a real relay in-process on free ports with a fresh SQLite file: for integration and end-to-end tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReferenceEngine, createWasmEngine } from '@sankey/core-as/index';
import { createDb, type Db } from '@sankey/db/client';
import { migrate } from '@sankey/db/migrate';
import type { Clock } from '../core/ports';
import type { RelayStorage } from '../outbox/storage';
import { startWorkerRelayStorage } from '../outbox/worker-storage';
import { Relay, type RelayConfig, type RelayDeps } from '../relay';

export interface TestRelay {
  relay: Relay;
  /** A second client on the same database, as the web app would have. */
  db: Db;
  dataDir: string;
  url: string;
  endpoints: { receiver: string; publisher: string; http: string };
  apiToken: string;
  stop(): Promise<void>;
}

export async function startTestRelay(
  opts: {
    config?: Partial<RelayConfig>;
    engine?: 'wasm' | 'reference';
    dataDir?: string;
    databaseUrl?: string;
    /** The relay's own URL of the same database (e.g. through a TCP proxy the test can cut); default databaseUrl. */
    relayDatabaseUrl?: string;
    clock?: Clock;
    onShutdownDeadline?: RelayDeps['onShutdownDeadline'];
    /** Wraps the real storage, e.g. to inject failures at the storage edge. */
    wrapStorage?: (storage: RelayStorage) => RelayStorage;
  } = {},
): Promise<TestRelay> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'sankey-relay-'));
  const url = opts.databaseUrl ?? `file:${join(dataDir, 'sankey.db')}`;
  await migrate({ url });
  const db = await createDb({ url });
  const apiToken = 'test-token-0123456789abcdef';
  const relay = new Relay(
    {
      dataDir,
      zmqBind: '127.0.0.1',
      receiverPort: 0,
      publisherPort: 0,
      httpHost: '127.0.0.1',
      httpPort: 0,
      apiToken,
      logLevel: 'info',
      corsOrigins: ['http://127.0.0.1:3000'],
      shutdownDeadlineMs: 5000,
      logToStdout: false,
      outboxPollMs: 50,
      ...opts.config,
    },
    {
      storage: (opts.wrapStorage ?? ((s) => s))(
        await startWorkerRelayStorage(opts.relayDatabaseUrl ?? url, {
          onUnreadable: (bad) => relay.log.error(bad, 'member with unreadable settings skipped'),
        }),
      ),
      engine: opts.engine === 'reference' ? createReferenceEngine() : createWasmEngine(),
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.onShutdownDeadline ? { onShutdownDeadline: opts.onShutdownDeadline } : {}),
    },
  );
  await relay.start();
  const p = relay.ports;
  return {
    relay,
    db,
    dataDir,
    url,
    apiToken,
    endpoints: {
      receiver: `tcp://127.0.0.1:${p.receiver}`,
      publisher: `tcp://127.0.0.1:${p.publisher}`,
      http: `http://127.0.0.1:${p.relayHttp}`,
    },
    async stop() {
      await relay.close();
      await db.$disconnect();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
