// The admin password hash (one row) and UI login sessions (keyed by a hash of the session token).
import type { DbClient } from '../client';

export interface AdminSessionDto {
  id: string;
  createdAt: Date;
  expiresAt: Date;
  lastSeenAt: Date | null;
}

const CREDENTIAL_ID = 1;
const sessionSelect = { id: true, createdAt: true, expiresAt: true, lastSeenAt: true } as const;

export function createAdminRepository(client: DbClient) {
  return {
    async getPasswordHash(): Promise<string | null> {
      const row = await client.adminCredential.findUnique({
        where: { id: CREDENTIAL_ID },
        select: { passwordHash: true },
      });
      return row?.passwordHash ?? null;
    },

    async setPasswordHash(passwordHash: string): Promise<void> {
      await client.adminCredential.upsert({
        where: { id: CREDENTIAL_ID },
        create: { id: CREDENTIAL_ID, passwordHash },
        update: { passwordHash },
      });
    },

    createSession(session: { id: string; expiresAt: Date; createdAt?: Date }): Promise<AdminSessionDto> {
      return client.adminSession.create({ data: session, select: sessionSelect });
    },

    /** The session if it exists and has not expired at `now`. */
    getSession(id: string, now: Date = new Date()): Promise<AdminSessionDto | null> {
      return client.adminSession.findFirst({
        where: { id, expiresAt: { gt: now } },
        select: sessionSelect,
      });
    },

    /** Records activity (and optionally extends the expiry). Returns false if the session is gone. */
    async touchSession(id: string, lastSeenAt: Date, expiresAt?: Date): Promise<boolean> {
      const { count } = await client.adminSession.updateMany({
        where: { id },
        data: { lastSeenAt, ...(expiresAt && { expiresAt }) },
      });
      return count > 0;
    },

    async deleteSession(id: string): Promise<boolean> {
      const { count } = await client.adminSession.deleteMany({ where: { id } });
      return count > 0;
    },

    /** Deletes every session (e.g. after a password change). */
    async deleteAllSessions(): Promise<number> {
      return (await client.adminSession.deleteMany({})).count;
    },

    /** Deletes every session but `keepId` (a password change keeps the session that made it); returns their ids. */
    async deleteOtherSessions(keepId: string | null): Promise<string[]> {
      const where = keepId === null ? {} : { id: { not: keepId } };
      const rows = await client.adminSession.findMany({ where, select: { id: true } });
      if (rows.length === 0) return [];
      await client.adminSession.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } });
      return rows.map((r) => r.id);
    },

    async deleteExpiredSessions(now: Date = new Date()): Promise<number> {
      return (await client.adminSession.deleteMany({ where: { expiresAt: { lte: now } } })).count;
    },
  };
}

export type AdminRepository = ReturnType<typeof createAdminRepository>;
