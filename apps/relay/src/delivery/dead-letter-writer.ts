// Dead letters (docs/protocol.md D20) from the core to the database: counted by reason at once, reported to the UI
// as `delivery_failed`, written in batches.
import type { DeadLetter, DeadLetterSink, EventSink, Logger } from '../core/ports';
import type { StoredDeadLetter } from '../outbox/storage';
import type { PersistenceHealth } from '../storage-health/health';
import { BatchWriter } from './batch-writer';

export class DeadLetterWriter implements DeadLetterSink {
  readonly writer: BatchWriter<StoredDeadLetter>;

  constructor(
    write: (rows: StoredDeadLetter[]) => Promise<void>,
    private readonly onDead: (reason: string, destination: string) => void,
    private readonly events: EventSink,
    log: Logger,
    private readonly nowMs: () => number,
    health?: PersistenceHealth,
  ) {
    this.writer = new BatchWriter(
      write,
      log,
      {
        name: 'dead letters',
        operation: 'dead_letters',
        flushEveryMs: 250,
        maxBuffered: 10_000,
        batchSize: 500,
      },
      undefined,
      health,
    );
  }

  add(letter: DeadLetter): void {
    const now = new Date(this.nowMs());
    this.onDead(letter.reason, letter.destination);
    this.events.emit('delivery_failed', { topic: letter.topic, reason: letter.reason });
    this.writer.push(storedLetter(letter, now));
  }
}

/** The row stored for a dead letter, first attempted now unless it says otherwise. */
export function storedLetter(letter: DeadLetter, now: Date): StoredDeadLetter {
  return {
    topic: letter.topic,
    payload: new Uint8Array(letter.payload),
    reason: letter.reason,
    attempts: 1,
    firstAttemptAt: letter.firstAttemptAt ?? now,
    lastAttemptAt: now,
    destination: letter.destination,
    masterAccount: letter.masterAccount ?? null,
    ticket: letter.ticket ?? null,
    action: letter.action ?? null,
  };
}
