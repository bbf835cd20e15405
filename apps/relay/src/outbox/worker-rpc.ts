// The message shapes between the relay's main thread and its database worker (storage-worker.ts), and how an
// error crosses the boundary. Structured cloning keeps an Error's message but drops its own properties, so the
// code the caller branches on (Prisma's `P2002`, SQLite's `SQLITE_BUSY`) would be lost: errors travel as plain
// { name, message, code } and are rebuilt on the other side.

export interface WorkerRequest {
  id: number;
  method: string;
  args: unknown[];
}

export interface WireError {
  name: string;
  message: string;
  code?: string | number;
}

/** Sent by the worker unasked: a member row a reload left out (db-storage.ts `onUnreadable`). */
export type WorkerNotice =
  | { unreadableMember: { tradeGroupId: string; slaveAccount: string; error: string } }
  | { poolError: string };

export type WorkerReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: WireError };

export function toWireError(err: unknown): WireError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const code = (err as { code?: unknown }).code;
  return {
    name: err.name,
    message: err.message,
    ...((typeof code === 'string' || typeof code === 'number') && { code }),
  };
}

/** An Error with the worker-side name, message and code (the stack is this thread's: where the call was awaited). */
export function fromWireError(wire: WireError): Error & { code?: string | number } {
  const err: Error & { code?: string | number } = new Error(wire.message);
  err.name = wire.name;
  if (wire.code !== undefined) err.code = wire.code;
  return err;
}

/**
 * A storage call the worker did not answer in time. `ETIMEDOUT` makes it a transient failure for
 * `classifyFailure` (docs/protocol.md D20), so callers that retry will retry it.
 */
export class StorageTimeoutError extends Error {
  override readonly name = 'StorageTimeoutError';
  readonly code = 'ETIMEDOUT';
  constructor(
    readonly method: string,
    readonly timeoutMs: number,
  ) {
    super(`database call ${method} timed out after ${timeoutMs} ms`);
  }
}
