// Whatever the relay could not deliver (docs/protocol.md D20): visible in the UI and the operator CLI, retryable
// and purgeable.
import { type DbClient, driverExecutor, providerOfClient } from '../client';
import { driverDate } from './shared';

export interface DeadLetterDto {
  id: number;
  topic: string;
  /** The frame's payload bytes as they would have been published. */
  payload: Uint8Array;
  reason: string;
  attempts: number;
  firstAttemptAt: Date;
  lastAttemptAt: Date;
  /** The EA the frame was for; "" when unknown. */
  destination: string;
  /** Trade copies: the master, its ticket (decimal) and the action, for the retry rules (docs/protocol.md D20). */
  masterAccount: string | null;
  ticket: string | null;
  action: string | null;
}

export type NewDeadLetter = Omit<DeadLetterDto, 'id'>;

const select = {
  id: true,
  topic: true,
  payload: true,
  reason: true,
  attempts: true,
  firstAttemptAt: true,
  lastAttemptAt: true,
  destination: true,
  masterAccount: true,
  ticket: true,
  action: true,
} as const;

const toDto = (row: DeadLetterDto): DeadLetterDto => ({ ...row, payload: new Uint8Array(row.payload) });

const COLUMNS =
  '"topic", "payload", "reason", "attempts", "firstAttemptAt", "lastAttemptAt", "destination", "masterAccount", ' +
  '"ticket", "action"';
// In batch order, so ids (the order `list` reads, newest first) follow the order the relay gave them up.
const ADD_SQLITE =
  `INSERT INTO "dead_letters" (${COLUMNS}) SELECT r.value ->> 0, unhex(r.value ->> 1), r.value ->> 2, ` +
  'r.value ->> 3, r.value ->> 4, r.value ->> 5, r.value ->> 6, r.value ->> 7, r.value ->> 8, r.value ->> 9 ' +
  'FROM json_each(?) AS r ORDER BY r.key';
const ADD_PG =
  `INSERT INTO "dead_letters" (${COLUMNS}) SELECT r.v ->> 0, decode(r.v ->> 1, 'hex'), r.v ->> 2, ` +
  `(r.v ->> 3)::int, (r.v ->> 4)::timestamptz AT TIME ZONE 'UTC', (r.v ->> 5)::timestamptz AT TIME ZONE 'UTC', ` +
  'r.v ->> 6, r.v ->> 7, r.v ->> 8, r.v ->> 9 FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS r(v, i) ' +
  'ORDER BY r.i';

/** The letters as one JSON parameter, payloads in hex. */
function encodeLetters(entries: NewDeadLetter[], pg: boolean): string {
  return JSON.stringify(
    entries.map((e) => [
      e.topic,
      Buffer.from(e.payload.buffer, e.payload.byteOffset, e.payload.byteLength).toString('hex'),
      e.reason,
      e.attempts,
      driverDate(e.firstAttemptAt, pg),
      driverDate(e.lastAttemptAt, pg),
      e.destination,
      e.masterAccount,
      e.ticket,
      e.action,
    ]),
  );
}

export function createDeadLetterRepository(client: DbClient) {
  return {
    async add(entry: NewDeadLetter): Promise<DeadLetterDto> {
      const row = await client.deadLetter.create({
        data: { ...entry, payload: new Uint8Array(entry.payload) },
        select,
      });
      return toDto(row);
    },

    /**
     * Inserts a batch in one statement, in order. Straight on the driver when the client has one (not in a
     * transaction), the batch as one JSON parameter as in signal-journal.ts: the relay writes every copy still
     * queued at its shutdown deadline here (20,000 in a test), and Prisma's `createMany` took about 1 ms of the
     * storage worker per row on a loaded 2-core machine, longer than the relay waits for it (docs/database.md).
     */
    async addMany(entries: NewDeadLetter[]): Promise<number> {
      if (entries.length === 0) return 0;
      const direct = driverExecutor(client);
      if (!direct) {
        const { count } = await client.deadLetter.createMany({
          data: entries.map((e) => ({ ...e, payload: new Uint8Array(e.payload) })),
        });
        return count;
      }
      const pg = providerOfClient(client) === 'postgresql';
      return direct(pg ? ADD_PG : ADD_SQLITE, [encodeLetters(entries, pg)]);
    },

    /** Newest first (highest id), before `beforeId` (exclusive) if given, optionally by reason and destination. */
    async list(
      options: { limit?: number; beforeId?: number; reason?: string; destination?: string } = {},
    ): Promise<DeadLetterDto[]> {
      const rows = await client.deadLetter.findMany({
        where: {
          ...(options.beforeId !== undefined && { id: { lt: options.beforeId } }),
          ...(options.reason !== undefined && { reason: options.reason }),
          ...(options.destination !== undefined && { destination: options.destination }),
        },
        orderBy: { id: 'desc' },
        take: options.limit ?? 100,
        select,
      });
      return rows.map(toDto);
    },

    async get(id: number): Promise<DeadLetterDto | null> {
      const row = await client.deadLetter.findUnique({ where: { id }, select });
      return row && toDto(row);
    },

    async delete(id: number): Promise<boolean> {
      return (await client.deadLetter.deleteMany({ where: { id } })).count > 0;
    },

    async count(options: { destination?: string } = {}): Promise<number> {
      return client.deadLetter.count({
        ...(options.destination !== undefined && { where: { destination: options.destination } }),
      });
    },

    /** How many rows there are per reason (the operator's failure summary, docs/api.md). */
    async countByReason(): Promise<Record<string, number>> {
      const rows = await client.deadLetter.groupBy({ by: ['reason'], _count: { _all: true } });
      return Object.fromEntries(rows.map((r) => [r.reason, r._count._all]));
    },

    /** How many rows there are per destination EA (endpoint statistics, docs/api.md). */
    async countByDestination(): Promise<Record<string, number>> {
      const rows = await client.deadLetter.groupBy({ by: ['destination'], _count: { _all: true } });
      return Object.fromEntries(rows.map((r) => [r.destination, r._count._all]));
    },

    /** Records another delivery attempt of a dead letter (a retry that did not resolve it). */
    async touch(id: number, at: Date): Promise<void> {
      await client.deadLetter.updateMany({
        where: { id },
        data: { attempts: { increment: 1 }, lastAttemptAt: at },
      });
    },

    /** Deletes dead letters whose last attempt was before `before`. Returns the count. */
    async purgeOlderThan(before: Date): Promise<number> {
      return (await client.deadLetter.deleteMany({ where: { lastAttemptAt: { lt: before } } })).count;
    },
  };
}

export type DeadLetterRepository = ReturnType<typeof createDeadLetterRepository>;
