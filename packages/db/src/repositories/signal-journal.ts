// The trade signal journal (docs/architecture.md, Delivery): every inbound signal with its per-master monotonic sequence
// number, written in batches, pruned by age. seq and ticket are BIGINT columns; seq is exposed as a number,
// ticket as a decimal string.
import { type DbClient, driverExecutor, providerOfClient } from '../client';
import { UniqueViolation } from '../errors';
import { driverDate, type JsonObject, toSafeNumber } from './shared';

export interface SignalJournalEntry {
  masterAccount: string;
  seq: number;
  receivedAt: Date;
  action: string;
  /** Decimal string: exact over the full 64-bit range (D18). */
  ticket: string;
  symbol?: string | null;
  payload: JsonObject;
}

export interface SignalJournalDto extends Required<SignalJournalEntry> {
  id: number;
}

const select = {
  id: true,
  masterAccount: true,
  seq: true,
  receivedAt: true,
  action: true,
  ticket: true,
  symbol: true,
  payload: true,
} as const;

type Row = Omit<SignalJournalDto, 'seq' | 'ticket' | 'payload'> & {
  seq: bigint;
  ticket: bigint;
  payload: unknown;
};
const toDto = (row: Row): SignalJournalDto => ({
  ...row,
  seq: toSafeNumber(row.seq, 'seq'),
  ticket: row.ticket.toString(),
  payload: row.payload as JsonObject,
});

const COLUMNS = '"masterAccount", "seq", "receivedAt", "action", "ticket", "symbol", "payload"';
// In batch order, so ids (the order the Trades page and `listRecent` read) follow the relay's processing order.
const APPEND_SQLITE =
  `INSERT INTO "trade_signal_journal" (${COLUMNS}) SELECT r.value ->> 0, r.value ->> 1, r.value ->> 2, ` +
  'r.value ->> 3, CAST(r.value ->> 4 AS INTEGER), r.value ->> 5, r.value ->> 6 FROM json_each(?) AS r ORDER BY r.key';
const APPEND_PG =
  `INSERT INTO "trade_signal_journal" (${COLUMNS}) SELECT r.v ->> 0, (r.v ->> 1)::bigint, ` +
  `(r.v ->> 2)::timestamptz AT TIME ZONE 'UTC', r.v ->> 3, (r.v ->> 4)::bigint, r.v ->> 5, (r.v ->> 6)::jsonb ` +
  'FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS r(v, i) ORDER BY r.i';

/** The entries as one JSON parameter; dates (driverDate) and JSON text as Prisma stores them. */
function encodeEntries(entries: SignalJournalEntry[], pg: boolean): string {
  return JSON.stringify(
    entries.map((e) => [
      e.masterAccount,
      e.seq,
      driverDate(e.receivedAt, pg),
      e.action,
      e.ticket,
      e.symbol ?? null,
      JSON.stringify(e.payload),
    ]),
  );
}

/** A driver's unique-constraint failure: libsql's SQLITE_CONSTRAINT(_UNIQUE), PostgreSQL's 23505. */
function isUniqueViolation(err: unknown): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  if (code === '23505') return true;
  return typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT') && /UNIQUE/i.test(String(message));
}

export function createSignalJournalRepository(client: DbClient) {
  return {
    /**
     * Inserts a batch in one statement, in order. A repeated (masterAccount, seq) fails the whole batch
     * (UniqueViolation). Straight on the driver when the client has one (not in a transaction): the batch goes as
     * one JSON parameter, as in delivery-ledger.ts — Prisma's `createMany` cost the relay's storage worker ≈ 2 ms
     * of CPU per call (BENCHMARKS.md, Optimisations).
     */
    async appendBatch(entries: SignalJournalEntry[]): Promise<number> {
      if (entries.length === 0) return 0;
      const direct = driverExecutor(client);
      if (!direct) {
        const { count } = await client.tradeSignalJournal.createMany({
          data: entries.map((e) => ({
            masterAccount: e.masterAccount,
            seq: BigInt(e.seq),
            receivedAt: e.receivedAt,
            action: e.action,
            ticket: BigInt(e.ticket),
            symbol: e.symbol ?? null,
            payload: e.payload,
          })),
        });
        return count;
      }
      const pg = providerOfClient(client) === 'postgresql';
      try {
        return await direct(pg ? APPEND_PG : APPEND_SQLITE, [encodeEntries(entries, pg)]);
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        throw new UniqueViolation(
          'TradeSignalJournal',
          { masterAccount: entries[0]?.masterAccount, seq: entries[0]?.seq },
          { cause: err },
        );
      }
    },

    /** The highest sequence number journaled for `masterAccount`, or null: the relay resumes from it. */
    async lastSeq(masterAccount: string): Promise<number | null> {
      const { _max } = await client.tradeSignalJournal.aggregate({
        where: { masterAccount },
        _max: { seq: true },
      });
      return _max.seq === null ? null : toSafeNumber(_max.seq, 'seq');
    },

    /** The highest journaled sequence number of every master: the relay resumes from these at start. */
    async lastSeqs(): Promise<Map<string, number>> {
      const rows = await client.tradeSignalJournal.groupBy({
        by: ['masterAccount'],
        _max: { seq: true },
      });
      const out = new Map<string, number>();
      for (const r of rows)
        if (r._max.seq !== null) out.set(r.masterAccount, toSafeNumber(r._max.seq, 'seq'));
      return out;
    },

    /**
     * Newest first in the order they were written (the relay's processing order; receivedAt alone would misorder
     * entries around a clock step), optionally for one master.
     */
    async listRecent(options: { masterAccount?: string; limit?: number } = {}) {
      const rows = await client.tradeSignalJournal.findMany({
        ...(options.masterAccount !== undefined && { where: { masterAccount: options.masterAccount } }),
        orderBy: { id: 'desc' },
        take: options.limit ?? 100,
        select,
      });
      return rows.map(toDto);
    },

    /**
     * One page of Open signals (the Trades page: one row per master ticket), newest first by journal id, older
     * than `beforeId`. Uses the receivedAt index for time ranges.
     */
    async listOpens(q: {
      masterAccounts?: string[];
      symbol?: string;
      from?: Date;
      to?: Date;
      beforeId?: number;
      limit: number;
    }): Promise<SignalJournalDto[]> {
      const rows = await client.tradeSignalJournal.findMany({
        where: {
          action: 'Open',
          ...(q.masterAccounts !== undefined && { masterAccount: { in: q.masterAccounts } }),
          ...(q.symbol !== undefined && { symbol: q.symbol }),
          ...((q.from !== undefined || q.to !== undefined) && {
            receivedAt: {
              ...(q.from !== undefined && { gte: q.from }),
              ...(q.to !== undefined && { lte: q.to }),
            },
          }),
          ...(q.beforeId !== undefined && { id: { lt: q.beforeId } }),
        },
        orderBy: { id: 'desc' },
        take: q.limit,
        select,
      });
      return rows.map(toDto);
    },

    /** One master's entries with a sequence number above `afterSeq`, lowest first, at most `limit`. */
    async listAfter(masterAccount: string, afterSeq: number, limit: number): Promise<SignalJournalDto[]> {
      const rows = await client.tradeSignalJournal.findMany({
        where: { masterAccount, seq: { gt: BigInt(afterSeq) } },
        orderBy: { seq: 'asc' },
        take: limit,
        select,
      });
      return rows.map(toDto);
    },

    /** Every non-Open signal (Modify, Close) of these masters' tickets, oldest first. */
    async followUpsOf(masterAccounts: string[], tickets: string[]): Promise<SignalJournalDto[]> {
      if (masterAccounts.length === 0 || tickets.length === 0) return [];
      const rows = await client.tradeSignalJournal.findMany({
        where: {
          action: { not: 'Open' },
          masterAccount: { in: masterAccounts },
          ticket: { in: tickets.map((t) => BigInt(t)) },
        },
        orderBy: { id: 'asc' },
        select,
      });
      return rows.map(toDto);
    },

    /** The newest Open signal of one master ticket, or null. */
    async getOpen(masterAccount: string, ticket: string): Promise<SignalJournalDto | null> {
      const row = await client.tradeSignalJournal.findFirst({
        where: { masterAccount, ticket: BigInt(ticket), action: 'Open' },
        orderBy: { id: 'desc' },
        select,
      });
      return row ? toDto(row) : null;
    },

    /** Retention: deletes entries received before `before`. Returns the count. */
    /** Whether a Close of `ticket` (decimal) from `masterAccount` was journalled. */
    async hasClose(masterAccount: string, ticket: string): Promise<boolean> {
      const row = await client.tradeSignalJournal.findFirst({
        where: { masterAccount, ticket: BigInt(ticket), action: 'Close' },
        select: { id: true },
      });
      return row !== null;
    },

    async pruneOlderThan(before: Date): Promise<number> {
      return (await client.tradeSignalJournal.deleteMany({ where: { receivedAt: { lt: before } } })).count;
    },
  };
}

export type SignalJournalRepository = ReturnType<typeof createSignalJournalRepository>;
