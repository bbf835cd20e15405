// The delivery ledger (docs/protocol.md D15): one row per member (master, slave) and master ticket with what the
// relay did with the copy. Written by the relay in batches (last state per ticket wins); the open set (everything
// not closed) is read back at start; closed rows are pruned by age.
import { type DbClient, providerOfClient } from '../client';

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

export function createDeliveryLedgerRepository(client: DbClient) {
  return {
    /**
     * Writes each row's current state (insert, or overwrite state/symbol/lots/updatedAt per member and ticket):
     * one multi-row `INSERT … ON CONFLICT DO UPDATE` per 200 rows — a signal fanned out to 1,000 slaves writes 1,000
     * rows, so one statement per row would fall behind the signal path.
     */
    async upsertMany(rows: DeliveryLedgerRow[]): Promise<void> {
      if (rows.length === 0) return;
      // The last state per ticket wins (a batch can hold an Open and its Close).
      const last = new Map<string, DeliveryLedgerRow>();
      for (const r of rows) last.set(`${r.masterAccount}\u0000${r.slaveAccount}\u0000${r.ticket}`, r);
      const unique = [...last.values()];
      const pg = providerOfClient(client) === 'postgresql';
      for (let i = 0; i < unique.length; i += 200) {
        const chunk = unique.slice(i, i + 200);
        const params: unknown[] = [];
        const tuple = (r: DeliveryLedgerRow) => {
          const at = params.length;
          params.push(
            r.masterAccount,
            r.slaveAccount,
            r.ticket,
            r.state,
            r.symbol,
            r.lots,
            r.openedAt,
            r.updatedAt,
          );
          const ph = (k: number) => (pg ? `$${at + k}` : '?');
          return `(${[1, 2, 3, 4, 5, 6, 7, 8].map(ph).join(', ')})`;
        };
        const values = chunk.map(tuple).join(', ');
        await client.$executeRawUnsafe(
          `INSERT INTO "delivery_ledger" ("masterAccount", "slaveAccount", "ticket", "state", "symbol", "lots", "openedAt", "updatedAt") VALUES ${values} ON CONFLICT ("masterAccount", "slaveAccount", "ticket") DO UPDATE SET "state" = excluded."state", "symbol" = excluded."symbol", "lots" = excluded."lots", "updatedAt" = excluded."updatedAt"`,
          ...params,
        );
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
      for (let i = 0; i < rows.length; i += 300) {
        const params: unknown[] = [];
        const values = rows
          .slice(i, i + 300)
          .map((r) => {
            const at = params.length;
            params.push(r.masterAccount, r.slaveAccount, r.seq, r.updatedAt);
            return `(${[1, 2, 3, 4].map((k) => (pg ? `$${at + k}` : '?')).join(', ')})`;
          })
          .join(', ');
        await client.$executeRawUnsafe(
          `INSERT INTO "delivery_seq" ("masterAccount", "slaveAccount", "seq", "updatedAt") VALUES ${values} ON CONFLICT ("masterAccount", "slaveAccount") DO UPDATE SET "seq" = excluded."seq", "updatedAt" = excluded."updatedAt" WHERE excluded."seq" > "delivery_seq"."seq"`,
          ...params,
        );
      }
    },

    /** Every member's highest handed-over sequence number (a relay's start in cluster mode). */
    async listDeliveredSeqs(): Promise<DeliveredSeqRow[]> {
      const rows = await client.deliverySeq.findMany();
      return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
    },

    /** Deletes rows last changed before `before`. Returns how many. */
    async pruneOlderThan(before: Date): Promise<number> {
      const { count } = await client.deliveryLedger.deleteMany({ where: { updatedAt: { lt: before } } });
      return count;
    },
  };
}
