// The environment of the Prisma CLI configs and the migration author (new-migration.ts): the only file under
// prisma/ that reads process.env (biome: noProcessEnv).

/** The database the Prisma CLI works on (migrate deploy/status/diff); undefined takes each config's default. */
export const databaseUrl = (): string | undefined => process.env['DATABASE_URL'] || undefined;

/** The tests' PostgreSQL server, an alternative source of a PostgreSQL URL for migration diffs. */
export const testPostgresUrl = (): string | undefined => process.env['TEST_POSTGRES_URL'] || undefined;

/** The environment a child process (the Prisma CLI) inherits, with `overrides` applied. */
export const childEnv = (overrides: Record<string, string>): Record<string, string | undefined> => ({
  ...process.env,
  ...overrides,
});
