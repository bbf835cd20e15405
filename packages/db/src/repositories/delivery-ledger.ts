// The delivery ledger (docs/protocol.md D15): one row per member (master, slave) and master ticket with what the
// relay did with the copy. Written by the relay in batches (last state per ticket wins); the open set (everything
// not closed) is read back at start; closed rows are pruned by age.
import { type DbClient, driverExecutor, providerOfClient } from '../client';
import { driverDate } from './shared';

export type DeliveryState = 'sent' | 'closed' | 'parked' | 'dead_lettered';

export interface DeliveryLedgerRow {
  masterAccount: string;
  slaveAccount: string;
  /** Decimal string: exact over the full 64-bit range. */
  ticket: string;
  state: DeliveryState;
  symbol: string | null;
  lots: number | null;
  openedAt: Date;
  updatedAt: Date;
}

export interface DeliveredSeqRow {
  masterAccount: string;
  slaveAccount: string;
  seq: number;
  updatedAt: Date;
}

const select = {
  masterAccount: true,
  slaveAccount: true,
  ticket: true,
  state: true,
  symbol: true,
  lots: true,
  openedAt: true,
  updatedAt: true,
} as const;

const COLUMNS =
  '"masterAccount", "slaveAccount", "ticket", "state", "symbol", "lots", "openedAt", "updatedAt"';
// The unique key is (master, ticket, slave), ticket before slave: a batch holds a signal's copies (one ticket, every
// slave), whose keys are then neighbours in the index. Slave before ticket put each of them on a leaf page of its
// own once every slave had a few hundred rows: one index page written per row, 3–6× the CPU per row at N = 1,000
// (BENCHMARKS.md, "Reading the figures against the targets").
const ON_CONFLICT =
  'ON CONFLICT ("masterAccount", "ticket", "slaveAccount") DO UPDATE SET "state" = excluded."state", ' +
  '"symbol" = excluded."symbol", "lots" = excluded."lots", "updatedAt" = excluded."updatedAt"';
// The parameter holds one element per group of rows that differ only in the slave (a signal's copies):
// [master, ticket, state, symbol, lots, openedAt, updatedAt, [slave, …]]. The group's fields are read once
// (MATERIALIZED), each row only adds its slave: JSON extraction was half of SQLite's work per row.
// `WHERE true`: SQLite would otherwise read `ON CONFLICT` as part of the SELECT's join.
const UPSERT_SQLITE =
  'WITH g AS MATERIALIZED (SELECT r.value ->> 0 AS m, r.value ->> 1 AS t, r.value ->> 2 AS st, ' +
  'r.value ->> 3 AS sy, r.value ->> 4 AS l, r.value ->> 5 AS o, r.value ->> 6 AS u, r.value -> 7 AS ss ' +
  `FROM json_each(?) AS r) INSERT INTO "delivery_ledger" (${COLUMNS}) ` +
  `SELECT g.m, s.value, g.t, g.st, g.sy, g.l, g.o, g.u FROM g, json_each(g.ss) AS s WHERE true ${ON_CONFLICT}`;
const UPSERT_PG =
  'WITH g AS MATERIALIZED (SELECT r ->> 0 AS m, r ->> 1 AS t, r ->> 2 AS st, r ->> 3 AS sy, ' +
  `(r ->> 4)::float8 AS l, (r ->> 5)::timestamptz AT TIME ZONE 'UTC' AS o, ` +
  `(r ->> 6)::timestamptz AT TIME ZONE 'UTC' AS u, r -> 7 AS ss FROM jsonb_array_elements($1::jsonb) AS r) ` +
  `INSERT INTO "delivery_ledger" (${COLUMNS}) SELECT g.m, s.slave, g.t, g.st, g.sy, g.l, g.o, g.u ` +
  `FROM g CROSS JOIN LATERAL jsonb_array_elements_text(g.ss) AS s(slave) ${ON_CONFLICT}`;
/** Rows per statement: bounds one statement's parameter text. */
const UPSERT_CHUNK = 2000;

function* chunks<T>(xs: T[], size: number): Generator<T[]> {
  for (let i = 0; i < xs.length; i += size) yield xs.slice(i, i + size);
}

type Group = [string, string, string, string | null, number | null, string, string, string[]];

/**
 * The rows as one JSON parameter, grouped (see UPSERT_SQLITE). Dates as Prisma's adapters would bind them
 * (`driverDate`). Numbers go as their shortest round-trip form; PostgreSQL reads them back exactly, SQLite's own
 * decimal conversion can be one unit in the last place off for a 17-digit value (a lot size: no effect on a copy).
 */
function encodeRows(rows: DeliveryLedgerRow[], pg: boolean): string {
  const groups = new Map<string, Group>();
  for (const r of rows) {
    // No NUL in account ids (D18), decimal tickets, states, instants; the symbol JSON-quoted; lots last.
    const key = `${r.masterAccount}\u0000${r.ticket}\u0000${r.state}\u0000${r.openedAt.getTime()}\u0000${r.updatedAt.getTime()}\u0000${JSON.stringify(r.symbol)}\u0000${r.lots}`;
    const g = groups.get(key);
    if (g) g[7].push(r.slaveAccount);
    else {
      groups.set(key, [
        r.masterAccount,
        r.ticket,
        r.state,
        r.symbol,
        r.lots,
        driverDate(r.openedAt, pg),
        driverDate(r.updatedAt, pg),
        [r.slaveAccount],
      ]);
    }
  }
  return JSON.stringify([...groups.values()]);
}

const RAISE_SEQS_CONFLICT =
  'ON CONFLICT ("masterAccount", "slaveAccount") DO UPDATE SET "seq" = excluded."seq", ' +
  '"updatedAt" = excluded."updatedAt" WHERE excluded."seq" > "delivery_seq"."seq"';
// One JSON parameter, one element per signal: [master, seq, updatedAt, [slave, …]] (a stream signal raises every
// slave it reached to the same number at the same instant). With four parameters per row, a fan-out to 100 cost
// PostgreSQL 0.85 ms of CPU a write and the relay's database worker 0.3–0.4 ms, against 0.45 and 0.1–0.15 ms so:
// CPU the copies of the next signals need, on the slaves' relay, after every stream signal (docs/cluster.md).
const RAISE_SEQS_PG =
  'WITH g AS MATERIALIZED (SELECT r ->> 0 AS m, (r ->> 1)::bigint AS q, ' +
  `(r ->> 2)::timestamptz AT TIME ZONE 'UTC' AS u, r -> 3 AS ss FROM jsonb_array_elements($1::jsonb) AS r) ` +
  'INSERT INTO "delivery_seq" ("masterAccount", "slaveAccount", "seq", "updatedAt") SELECT g.m, s.slave, g.q, g.u ' +
  `FROM g CROSS JOIN LATERAL jsonb_array_elements_text(g.ss) AS s(slave) ${RAISE_SEQS_CONFLICT}`;

/** The rows grouped by (master, seq, instant), each member once with its highest number (see RAISE_SEQS_PG). */
function encodeSeqs(rows: DeliveredSeqRow[]): string {
  const highest = new Map<string, DeliveredSeqRow>();
  for (const r of rows) {
    const key = `${r.masterAccount}\u0000${r.slaveAccount}`;
    const had = highest.get(key);
    if (!had || r.seq > had.seq) highest.set(key, r);
  }
  const groups = new Map<string, [string, number, string, string[]]>();
  for (const r of highest.values()) {
    const key = `${r.masterAccount}\u0000${r.seq}\u0000${r.updatedAt.getTime()}`;
    const g = groups.get(key);
    if (g) g[3].push(r.slaveAccount);
    else groups.set(key, [r.masterAccount, r.seq, driverDate(r.updatedAt, true), [r.slaveAccount]]);
  }
  return JSON.stringify([...groups.values()]);
}

export function createDeliveryLedgerRepository(client: DbClient) {
  return {
    /**
     * Writes each row's current state (insert, or overwrite state/symbol/lots/updatedAt per member and ticket).
     * A signal fanned out to 1,000 slaves writes 1,000 rows, so the whole batch goes in one statement with one
     * parameter: the rows as a JSON array of arrays, expanded by the database (`json_each` / `jsonb_array_elements`).
     * One parameter instead of eight per row: binding parameters one by one (Prisma's mapping, then the driver's)
     * cost more CPU than the database spends on the row, and was most of the relay's storage-worker CPU
     * (BENCHMARKS.md, Optimisations).
     */
    async upsertMany(rows: DeliveryLedgerRow[]): Promise<void> {
      if (rows.length === 0) return;
      // The last state per ticket wins (a batch can hold an Open and its Close); one statement may not touch a
      // row twice (PostgreSQL refuses it).
      const last = new Map<string, DeliveryLedgerRow>();
      for (const r of rows) last.set(`${r.masterAccount}\u0000${r.slaveAccount}\u0000${r.ticket}`, r);
      const pg = providerOfClient(client) === 'postgresql';
      const sql = pg ? UPSERT_PG : UPSERT_SQLITE;
      // Straight on the driver when the client has one (not inside a transaction): Prisma's raw-query path
      // would cost more CPU than the statement itself.
      const direct = driverExecutor(client);
      for (const chunk of chunks([...last.values()], UPSERT_CHUNK)) {
        const json = encodeRows(chunk, pg);
        if (direct) await direct(sql, [json]);
        else await client.$executeRawUnsafe(sql, json);
      }
    },

    /** Every row not closed: what the relay must remember across a restart. */
    async listOpen(): Promise<DeliveryLedgerRow[]> {
      const rows = await client.deliveryLedger.findMany({ where: { state: { not: 'closed' } }, select });
      return rows as DeliveryLedgerRow[];
    },

    /** One member's rows, newest first (views). */
    async listForMember(
      masterAccount: string,
      slaveAccount: string,
      limit = 100,
    ): Promise<DeliveryLedgerRow[]> {
      const rows = await client.deliveryLedger.findMany({
        where: { masterAccount, slaveAccount },
        orderBy: { updatedAt: 'desc' },
        take: limit,
        select,
      });
      return rows as DeliveryLedgerRow[];
    },

    /** Every member's row for these masters' tickets (the Trades page joins them to journal entries). */
    async listForTickets(masterAccounts: string[], tickets: string[]): Promise<DeliveryLedgerRow[]> {
      if (masterAccounts.length === 0 || tickets.length === 0) return [];
      const rows = await client.deliveryLedger.findMany({
        where: { masterAccount: { in: masterAccounts }, ticket: { in: tickets } },
        select,
      });
      return rows as DeliveryLedgerRow[];
    },

    /**
     * Per-slave dedup of cluster signals (docs/cluster.md): raises each member's highest handed-over sequence
     * number (never lowers it: two batches may commit out of order).
     */
    async raiseDeliveredSeqs(rows: DeliveredSeqRow[]): Promise<void> {
      if (rows.length === 0) return;
      const pg = providerOfClient(client) === 'postgresql';
      // On PostgreSQL straight on the driver (not inside a transaction), as upsertMany: Prisma's raw-query path
      // costs several times the statement (its first call most), and the ack of stream signals waits for this
      // write (docs/cluster.md, A relay is killed and restarted). The instant goes as UTC text, as Prisma writes it.
      const direct = pg ? driverExecutor(client) : undefined;
      if (direct) {
        for (const chunk of chunks(rows, UPSERT_CHUNK)) await direct(RAISE_SEQS_PG, [encodeSeqs(chunk)]);
        return;
      }
      for (let i = 0; i < rows.length; i += 300) {
        const params: unknown[] = [];
        const values = rows
          .slice(i, i + 300)
          .map((r) => {
            const at = params.length;
            params.push(r.masterAccount, r.slaveAccount, r.seq, r.updatedAt);
            return pg ? `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4})` : '(?, ?, ?, ?)';
          })
          .join(', ');
        const sql = `INSERT INTO "delivery_seq" ("masterAccount", "slaveAccount", "seq", "updatedAt") VALUES ${values} ${RAISE_SEQS_CONFLICT}`;
        await client.$executeRawUnsafe(sql, ...params);
      }
    },

    /** Every member's highest handed-over sequence number (a relay's start in cluster mode). */
    async listDeliveredSeqs(): Promise<DeliveredSeqRow[]> {
      const rows = await client.deliverySeq.findMany();
      return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
    },

    /**
     * Forgets members' sequence numbers last raised before `before` (docs/cluster.md, Pruning the sequence
     * numbers): the caller passes an instant before which every signal they cover has left the stream, so no
     * replay can bring one back. Returns how many.
     */
    async pruneDeliveredSeqs(before: Date): Promise<number> {
      const { count } = await client.deliverySeq.deleteMany({ where: { updatedAt: { lt: before } } });
      return count;
    },

    /** Deletes rows last changed before `before`. Returns how many. */
    async pruneOlderThan(before: Date): Promise<number> {
      const { count } = await client.deliveryLedger.deleteMany({ where: { updatedAt: { lt: before } } });
      return count;
    },
  };
}
