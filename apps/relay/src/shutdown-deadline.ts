// The graceful shutdown's deadline (docs/architecture.md, Lifecycle): the drain runs for at most the deadline;
// whatever is still pending then is logged and counted, and every trade frame still waiting in the send queue
// becomes a dead letter with reason `shutdown_deadline` (docs/protocol.md D20), so an operator can retry it.
import type { Logger, OutboundFrame } from './core/ports';
import { storedLetter } from './delivery/dead-letter-writer';
import type { SpilledRow } from './delivery/letter-spill';
import type { RelayMetrics } from './observability/metrics';
import type { StoredDeadLetter } from './outbox/storage';
import { letterOf } from './transport/publish-outcomes';

/** What the shutdown could not finish: frames still queued for the PUB socket, unwritten journal and ledger entries. */
export interface LeftAtDeadline {
  frames: number;
  journal: number;
  ledger: number;
}

export type ShutdownDeadlineHook = (left: LeftAtDeadline) => void;

/** Waits for `work` up to `deadlineMs`; null when it finished, else what `pending()` reports at the deadline. */
export async function drainWithDeadline(
  work: Promise<void>,
  deadlineMs: number,
  pending: () => LeftAtDeadline,
): Promise<LeftAtDeadline | null> {
  const finished = await settledWithin(
    work.then(() => true),
    deadlineMs,
  );
  return finished ? null : pending();
}

export function reportLeftBehind(
  left: LeftAtDeadline,
  metrics: RelayMetrics,
  log: Logger,
  hook: ShutdownDeadlineHook | undefined,
): void {
  for (const [kind, n] of Object.entries(left)) if (n > 0) metrics.shutdownLeftBehind.inc({ kind }, n);
  log.warn({ left }, 'shutdown deadline reached; closing with work pending');
  hook?.(left);
}

export interface AbandonedFramesDeps {
  write: (rows: StoredDeadLetter[]) => Promise<void>;
  metrics: RelayMetrics;
  log: Logger;
  now: Date;
  /** How long the letters may take to write (default 5 s); the rest go to `spill`. */
  timeoutMs?: number;
  /** Writes rows the database did not take in time to the spill file (delivery/letter-spill.ts); its path. */
  spill?: (rows: SpilledRow[]) => string;
}

/**
 * Dead-letters the frames the deadline left in the send queue. Trade copies only: a config left behind is sent
 * again when the EA next registers or heartbeats (docs/protocol.md §7.4), so it is counted, not kept. What the
 * database does not take within the time allowed is spilled to a file the next start imports. Resolves to the
 * number of letters kept (stored or spilled); never throws.
 */
export async function deadLetterAbandoned(
  frames: OutboundFrame[],
  deps: AbandonedFramesDeps,
): Promise<number> {
  const trades = frames.filter((f) => f.topic.startsWith('trade/'));
  if (trades.length === 0) return 0;
  const rows = trades.map((f) => storedLetter(letterOf(f, 'shutdown_deadline'), deps.now));
  const giveUpAt = Date.now() + (deps.timeoutMs ?? 5000);
  let written = 0;
  let failure: unknown = null;
  const left: SpilledRow[] = [];
  let i = 0;
  for (; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const done = deps.write(chunk).then(
      () => true,
      (err: unknown) => {
        failure ??= err;
        return false;
      },
    );
    const outcome = await settledWithin(done, giveUpAt - Date.now());
    if (outcome === true) {
      written += chunk.length;
      continue;
    }
    // Refused, or still in flight at the deadline: give it one more second to say which.
    const late = outcome === false ? false : await settledWithin(done, 1000);
    if (late === true) written += chunk.length;
    else for (const row of chunk) left.push({ row, maybeWritten: late === undefined });
    i += 500;
    break;
  }
  for (const row of rows.slice(i)) left.push({ row, maybeWritten: false });
  let spilled = 0;
  if (left.length > 0) {
    try {
      if (!deps.spill) throw new Error('no spill file configured');
      const file = deps.spill(left);
      spilled = left.length;
      deps.log.warn(
        { file, spilled, written, err: failure ?? undefined },
        'shutdown deadline: queued copies the database did not take in time spilled to a file; the next start imports them as dead letters',
      );
    } catch (err) {
      deps.log.error(
        { err, dbErr: failure ?? undefined, written, lost: left.length },
        'shutdown deadline: queued copies lost (dead letters neither written nor spilled)',
      );
    }
  }
  const kept = written + spilled;
  if (kept > 0) {
    deps.metrics.deadLetters.inc({ reason: 'shutdown_deadline' }, kept);
    deps.log.warn(
      { frames: kept, written, spilled },
      'shutdown deadline: queued copies kept as dead letters',
    );
  }
  return kept;
}

/** `work`'s value when it settles within `ms`; undefined at the deadline (the work is left running). */
async function settledWithin<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((r) => {
    timer = setTimeout(() => r(undefined), Math.max(0, ms));
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
