// Copies parked for a slave that is not listening (docs/protocol.md D19): written by the relay in batches, read
// back at start so a restart loses none, deleted when delivered or dead-lettered.
import type { DbClient } from '../client';

export interface ParkedFrameRow {
  /** The relay's ordering key: unique per parked frame. */
  key: string;
  masterAccount: string;
  slaveAccount: string;
  /** Order of parking (per relay, increasing). */
  parkSeq: number;
  action: string;
  ticket: string;
  /** The MessagePack TradeSignal as it was to be published. */
  payload: Uint8Array;
  parkedAt: Date;
  expiresAt: Date;
}

const select = {
  key: true,
  masterAccount: true,
  slaveAccount: true,
  parkSeq: true,
  action: true,
  ticket: true,
  payload: true,
  parkedAt: true,
  expiresAt: true,
} as const;

export function createParkedFrameRepository(client: DbClient) {
  return {
    /** Inserts new parked frames; a key already stored is left as it is (re-writing after a failed batch). */
    async addMany(rows: ParkedFrameRow[]): Promise<void> {
      if (rows.length === 0) return;
      const existing = new Set(
        (
          await client.parkedFrame.findMany({
            where: { key: { in: rows.map((r) => r.key) } },
            select: { key: true },
          })
        ).map((r) => r.key),
      );
      const fresh = rows.filter((r) => !existing.has(r.key));
      if (fresh.length === 0) return;
      await client.parkedFrame.createMany({
        data: fresh.map((r) => ({ ...r, parkSeq: BigInt(r.parkSeq), payload: new Uint8Array(r.payload) })),
      });
    },

    async deleteKeys(keys: string[]): Promise<number> {
      if (keys.length === 0) return 0;
      return (await client.parkedFrame.deleteMany({ where: { key: { in: keys } } })).count;
    },

    /** Everything parked, in parking order. */
    async listAll(): Promise<ParkedFrameRow[]> {
      const rows = await client.parkedFrame.findMany({ orderBy: { parkSeq: 'asc' }, select });
      return rows.map((r) => ({ ...r, parkSeq: Number(r.parkSeq), payload: new Uint8Array(r.payload) }));
    },
  };
}
