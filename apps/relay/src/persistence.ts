// Everything the relay writes to the database besides admin changes, each buffered in memory and written in batches
// off the signal path: member status (D2), the signal journal, the delivery ledger (D15), parked copies (D19) and
// dead letters (D20). Opened at start (what must be read back is read back), flushed and closed at shutdown.
import type { AliasStorePort } from './core/isolation';
import type { Clock, EventSink, Logger } from './core/ports';
import { DeadLetterWriter } from './delivery/dead-letter-writer';
import { fromStored, ParkingStore } from './delivery/parking-store';
import { SignalJournal } from './journal/journal';
import { DeliveryLedger } from './ledger/ledger';
import type { RelayMetrics } from './observability/metrics';
import { QueuedStatusWriter } from './outbox/status-writer';
import type { RelayStorage } from './outbox/storage';
import { PersistenceHealth } from './storage-health/health';

export class RelayPersistence {
  private constructor(
    readonly statusWriter: QueuedStatusWriter,
    readonly journal: SignalJournal,
    readonly ledger: DeliveryLedger,
    readonly deadLetters: DeadLetterWriter,
    readonly parkingStore: ParkingStore,
    readonly parked: ReturnType<typeof fromStored>[],
    /** Shared by every writer and the outbox poll: backoff while the database is unavailable, logged once. */
    readonly health: PersistenceHealth,
  ) {}

  /** Isolated delivery's aliases (D23): stored once when made; a failure is logged (the alias stays in memory). */
  aliasStore!: AliasStorePort;

  static async open(
    storage: RelayStorage,
    opts: { clock: Clock; log: Logger; metrics: RelayMetrics; events: EventSink; retentionDays: number },
  ): Promise<RelayPersistence> {
    const { clock, log, metrics, events, retentionDays } = opts;
    const nowMs = () => clock.nowMs();
    const health = new PersistenceHealth({
      nowMs: () => clock.monoMs(),
      random: Math.random,
      log,
      metrics: {
        failed: (operation, reason) => metrics.persistence.failures.inc({ operation, reason }),
        retried: (operation) => metrics.persistence.retries.inc({ operation }),
        unavailable: (on) => metrics.persistence.unavailable.set(on ? 1 : 0),
      },
    });
    const ledger = new DeliveryLedger(
      storage,
      nowMs,
      log,
      {
        flushEveryMs: 250,
        maxPending: 100_000,
        retentionDays,
      },
      health,
    );
    const openCopies = await ledger.load();
    const journal = new SignalJournal(
      storage,
      await storage.journalLastSeqs(),
      nowMs,
      log,
      {
        flushEveryMs: 250,
        maxBuffered: 10_000,
        retentionDays,
      },
      health,
    );
    const parked = (await storage.loadParked()).map(fromStored);
    log.info({ openCopies, parked: parked.length }, 'delivery state loaded');
    const persistence = new RelayPersistence(
      new QueuedStatusWriter(storage, log, undefined, undefined, health),
      journal,
      ledger,
      new DeadLetterWriter(
        (rows) => storage.addDeadLetters(rows),
        (reason) => metrics.deadLetters.inc({ reason }),
        events,
        log,
        nowMs,
        health,
      ),
      new ParkingStore(storage, log, 250, health),
      parked,
      health,
    );
    // Overflow policy (docs/database.md): each buffer is bounded and drops its oldest rows when full, counted.
    metrics.persistence.backlog = () => ({
      buffered: {
        journal: journal.unwritten,
        ledger: ledger.unwritten,
        status: persistence.statusWriter.pendingCount,
        parking: persistence.parkingStore.pending,
        dead_letters: persistence.deadLetters.writer.pending,
      },
      dropped: {
        journal: journal.dropped,
        ledger: ledger.dropped,
        dead_letters: persistence.deadLetters.writer.dropped,
      },
    });
    persistence.aliasStore = {
      saved: (row) => void storage.addAlias(row).catch((err) => log.error({ err, row }, 'alias not stored')),
    };
    return persistence;
  }

  start(): void {
    this.journal.start();
    this.ledger.start();
    this.deadLetters.writer.start();
    this.parkingStore.start();
  }

  /** Writes everything buffered (shutdown, and the control API before it reads). */
  async close(): Promise<void> {
    await this.statusWriter.flush();
    await this.journal.close();
    await this.ledger.close();
    await this.parkingStore.close();
    await this.deadLetters.writer.close();
  }
}
