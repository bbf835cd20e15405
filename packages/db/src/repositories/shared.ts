// Helpers shared by the repositories (not exported from the package's public API).
/** A JSON object as stored in Json columns (outbox payloads, journal payloads). */
export type JsonObject = { [key: string]: JsonValue };
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** BigInt column ↔ number: sequence numbers and tickets fit in 2^53 in practice; refuse silently lossy values. */
export function toSafeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`${what} ${value} is outside the safe integer range`);
  }
  return Number(value);
}

/**
 * A date as the database drivers take it in our JSON batch statements, the same text and instant Prisma's adapters
 * bind: SQLite keeps ISO 8601 text with `+00:00` (so stored text orders like Prisma's own writes); PostgreSQL gets
 * the UTC instant for its `timestamp(3)` columns.
 */
export const driverDate = (d: Date, pg: boolean): string =>
  pg ? d.toISOString() : `${d.toISOString().slice(0, -1)}+00:00`;
