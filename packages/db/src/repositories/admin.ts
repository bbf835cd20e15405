// The admin password hash (one row) and UI login sessions (keyed by a hash of the session token).
import type { Db, DbTx } from '../client';
import { clientOf } from './shared';

export interface AdminSessionDto {
  id: string;
  createdAt: Date;
  expiresAt: Date;
  lastSeenAt: Date | null;
}

const CREDENTIAL_ID = 1;
const sessionSelect = { id: true, createdAt: true, expiresAt: true, lastSeenAt: true } as const;

export function createAdminRepository(db: Db) {
  return {
    async getPasswordHash(tx?: DbTx): Promise<string | null> {
      const row = await clientOf(db, tx).adminCredential.findUnique({
        where: { id: CREDENTIAL_ID },
        select: { passwordHash: true },
      });
      return row?.passwordHash ?? null;
    },

    async setPasswordHash(passwordHash: string, tx?: DbTx): Promise<void> {
      await clientOf(db, tx).adminCredential.upsert({
        where: { id: CREDENTIAL_ID },
        create: { id: CREDENTIAL_ID, passwordHash },
        update: { passwordHash },
      });
    },

    createSession(
      session: { id: string; expiresAt: Date; createdAt?: Date },
      tx?: DbTx,
    ): Promise<AdminSessionDto> {
      return clientOf(db, tx).adminSession.create({ data: session, select: sessionSelect });
    },

    /** The session if it exists and has not expired at `now`. */
    getSession(id: string, now: Date = new Date(), tx?: DbTx): Promise<AdminSessionDto | null> {
      return clientOf(db, tx).adminSession.findFirst({
        where: { id, expiresAt: { gt: now } },
        select: sessionSelect,
      });
    },

    /** Records activity (and optionally extends the expiry). Returns false if the session is gone. */
    async touchSession(id: string, lastSeenAt: Date, expiresAt?: Date, tx?: DbTx): Promise<boolean> {
      const { count } = await clientOf(db, tx).adminSession.updateMany({
        where: { id },
        data: { lastSeenAt, ...(expiresAt && { expiresAt }) },
      });
      return count > 0;
    },

    async deleteSession(id: string, tx?: DbTx): Promise<boolean> {
      const { count } = await clientOf(db, tx).adminSession.deleteMany({ where: { id } });
      return count > 0;
    },

    /** Deletes every session (e.g. after a password change). */
    async deleteAllSessions(tx?: DbTx): Promise<number> {
      return (await clientOf(db, tx).adminSession.deleteMany({})).count;
    },

    /** Deletes every session but `keepId` (a password change keeps the session that made it); returns their ids. */
    async deleteOtherSessions(keepId: string | null, tx?: DbTx): Promise<string[]> {
      const client = clientOf(db, tx);
      const where = keepId === null ? {} : { id: { not: keepId } };
      const rows = await client.adminSession.findMany({ where, select: { id: true } });
      if (rows.length === 0) return [];
      await client.adminSession.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } });
      return rows.map((r) => r.id);
    },

    async deleteExpiredSessions(now: Date = new Date(), tx?: DbTx): Promise<number> {
      return (await clientOf(db, tx).adminSession.deleteMany({ where: { expiresAt: { lte: now } } })).count;
    },
  };
}

export type AdminRepository = ReturnType<typeof createAdminRepository>;
