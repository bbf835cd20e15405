// RelayStorage that forwards every call to the database worker thread (storage-worker.ts).
import { Worker } from 'node:worker_threads';
import type { JournalEntry, RelayStorage } from './storage';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export class WorkerRelayStorage implements RelayStorage {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private closing = false;

  private constructor(
    private readonly worker: Worker,
    private readonly onCrash: (err: Error) => void,
  ) {
    worker.on('message', (msg: { id: number; ok: boolean; value?: unknown; error?: string }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.value);
      else p.reject(new Error(msg.error));
    });
    worker.on('error', (err) => this.crashed(err));
    worker.on('exit', (code) => this.crashed(new Error(`database worker exited with code ${code}`)));
  }

  /** Starts the worker and resolves once its database client is connected. */
  static async start(url: string, onCrash: (err: Error) => void = () => {}): Promise<WorkerRelayStorage> {
    // The entry registers the TypeScript loader in the worker, then loads storage-worker.ts.
    const worker = new Worker(new URL('./storage-worker-entry.mjs', import.meta.url), {
      workerData: { url },
    });
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
    return new WorkerRelayStorage(worker, onCrash);
  }

  private call<T>(method: keyof RelayStorage, ...args: unknown[]): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, method, args });
    });
  }

  private crashed(err: Error): void {
    this.failAll(err);
    if (!this.closing) this.onCrash(err);
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  loadAll() {
    return this.call<Awaited<ReturnType<RelayStorage['loadAll']>>>('loadAll');
  }
  loadGroup(id: string) {
    return this.call<Awaited<ReturnType<RelayStorage['loadGroup']>>>('loadGroup', id);
  }
  loadMember(tradeGroupId: string, slaveAccount: string) {
    return this.call<Awaited<ReturnType<RelayStorage['loadMember']>>>(
      'loadMember',
      tradeGroupId,
      slaveAccount,
    );
  }
  loadGlobalSettings() {
    return this.call<Awaited<ReturnType<RelayStorage['loadGlobalSettings']>>>('loadGlobalSettings');
  }
  pendingOutbox(afterId: number, limit: number) {
    return this.call<Awaited<ReturnType<RelayStorage['pendingOutbox']>>>('pendingOutbox', afterId, limit);
  }
  markProcessed(id: number) {
    return this.call<void>('markProcessed', id);
  }
  outboxLagSeconds() {
    return this.call<number>('outboxLagSeconds');
  }
  writeMemberStatus(tradeGroupId: string, slaveAccount: string, status: number) {
    return this.call<void>('writeMemberStatus', tradeGroupId, slaveAccount, status);
  }
  journalLastSeqs() {
    return this.call<Map<string, number>>('journalLastSeqs');
  }
  appendJournal(entries: JournalEntry[]) {
    return this.call<void>('appendJournal', entries);
  }
  recentSignals(q: { masterAccount?: string; limit?: number }) {
    return this.call<Awaited<ReturnType<RelayStorage['recentSignals']>>>('recentSignals', q);
  }
  pruneJournal(before: Date) {
    return this.call<number>('pruneJournal', before);
  }
  async close(): Promise<void> {
    this.closing = true;
    await this.call<void>('close').catch(() => {});
    await this.worker.terminate();
  }
}
