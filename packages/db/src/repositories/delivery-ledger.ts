// The delivery ledger (docs/protocol.md D15): one row per member (master, slave) and master ticket with what the
// relay did with the copy. Written by the relay in batches (last state per ticket wins); the open set (everything
// not closed) is read back at start; closed rows are pruned by age.
import type { DbClient } from '../client';

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
    /** Writes each row's current state (insert or overwrite per member and ticket), all in one transaction. */
    async upsertMany(rows: DeliveryLedgerRow[]): Promise<void> {
      if (rows.length === 0) return;
      const write = (c: DbClient) =>
        Promise.all(
          rows.map((r) =>
            c.deliveryLedger.upsert({
              where: {
                masterAccount_slaveAccount_ticket: {
                  masterAccount: r.masterAccount,
                  slaveAccount: r.slaveAccount,
                  ticket: r.ticket,
                },
              },
              create: r,
              update: { state: r.state, symbol: r.symbol, lots: r.lots, updatedAt: r.updatedAt },
            }),
          ),
        );
      if ('$transaction' in client) await client.$transaction(async (tx) => void (await write(tx)));
      else await write(client);
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

    /** Deletes rows last changed before `before`. Returns how many. */
    async pruneOlderThan(before: Date): Promise<number> {
      const { count } = await client.deliveryLedger.deleteMany({ where: { updatedAt: { lt: before } } });
      return count;
    },
  };
}
