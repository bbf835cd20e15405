// The journal annex (cluster mode, docs/cluster.md, Trades page across relays): per journalled signal and relay,
// the filter reasons that relay gave its own slaves. Written in batches by the slaves' relays, read by the Trades
// page next to the master relay's journal entry, pruned with the journal.
import type { DbClient } from '../client';
import { driverDate, type JsonObject, toSafeNumber } from './shared';

export interface SignalAnnexRow {
  masterAccount: string;
  /** The sequence number of the master relay's journal entry. */
  seq: number;
  relayId: string;
  receivedAt: Date;
  /** Slave account → filter reason. */
  filteredBy: Record<string, string>;
}

// One statement per batch; a row already written (a retried batch, a signal replayed after a restart) is kept.
// `WHERE true`: SQLite would otherwise read `ON CONFLICT` as part of the SELECT's join.
const COLUMNS = '"masterAccount", "seq", "relayId", "receivedAt", "filteredBy"';
const APPEND_SQLITE =
  `INSERT INTO "trade_signal_annex" (${COLUMNS}) SELECT r.value ->> 0, r.value ->> 1, r.value ->> 2, ` +
  'r.value ->> 3, r.value ->> 4 FROM json_each(?) AS r WHERE true ON CONFLICT DO NOTHING';
const APPEND_PG =
  `INSERT INTO "trade_signal_annex" (${COLUMNS}) SELECT r ->> 0, (r ->> 1)::bigint, r ->> 2, ` +
  `(r ->> 3)::timestamptz AT TIME ZONE 'UTC', (r ->> 4)::jsonb FROM jsonb_array_elements($1::jsonb) AS r ` +
  'ON CONFLICT DO NOTHING';

const isPg = (client: DbClient) =>
  (client as unknown as { _activeProvider?: unknown })._activeProvider === 'postgresql';

export function createSignalAnnexRepository(client: DbClient) {
  return {
    /** Inserts a batch in one statement; rows whose (masterAccount, seq, relayId) exists are skipped. */
    async appendBatch(rows: SignalAnnexRow[]): Promise<void> {
      if (rows.length === 0) return;
      const pg = isPg(client);
      // Dates as Prisma stores them (driverDate).
      const json = JSON.stringify(
        rows.map((r) => [
          r.masterAccount,
          r.seq,
          r.relayId,
          driverDate(r.receivedAt, pg),
          JSON.stringify(r.filteredBy),
        ]),
      );
      await client.$executeRawUnsafe(pg ? APPEND_PG : APPEND_SQLITE, json);
    },

    /** The rows of these journal entries (any relay), for the Trades page. */
    async forSignals(keys: { masterAccount: string; seq: number }[]): Promise<SignalAnnexRow[]> {
      if (keys.length === 0) return [];
      const rows = await client.tradeSignalAnnex.findMany({
        where: { OR: keys.map((k) => ({ masterAccount: k.masterAccount, seq: BigInt(k.seq) })) },
      });
      return rows.map((r) => ({
        masterAccount: r.masterAccount,
        seq: toSafeNumber(r.seq, 'seq'),
        relayId: r.relayId,
        receivedAt: r.receivedAt,
        filteredBy: r.filteredBy as JsonObject as Record<string, string>,
      }));
    },

    /** Retention, with the journal: deletes rows received before `before`. Returns the count. */
    async pruneOlderThan(before: Date): Promise<number> {
      return (await client.tradeSignalAnnex.deleteMany({ where: { receivedAt: { lt: before } } })).count;
    },
  };
}

export type SignalAnnexRepository = ReturnType<typeof createSignalAnnexRepository>;
