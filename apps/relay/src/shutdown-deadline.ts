// The graceful shutdown's deadline (docs/architecture.md, Lifecycle): the drain runs for at most the deadline;
// whatever is still pending then is logged and counted, and every trade frame still waiting in the send queue
// becomes a dead letter with reason `shutdown_deadline` (docs/protocol.md D20), so an operator can retry it.
import type { Logger, OutboundFrame } from './core/ports';
import { storedLetter } from './delivery/dead-letter-writer';
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
  return (await finishedWithin(work, deadlineMs)) ? null : pending();
}

/** True when `work` resolved within `ms`; false at the deadline (the work is left running). */
async function finishedWithin(work: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((r) => {
    timer = setTimeout(() => r(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([work.then(() => true as const), deadline]);
  } finally {
    clearTimeout(timer);
  }
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
  /** How long the letters may take to write (default 5 s); the rest are given up, logged with their count. */
  timeoutMs?: number;
}

/**
 * Dead-letters the frames the deadline left in the send queue. Trade copies only: a config left behind is sent
 * again when the EA next registers or heartbeats (docs/protocol.md §7.4), so it is counted, not kept. Resolves
 * to the number of letters written; never throws.
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
  try {
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      if (!(await finishedWithin(deps.write(chunk), giveUpAt - Date.now())))
        throw new Error('dead-letter write timed out');
      written += chunk.length;
    }
  } catch (err) {
    deps.log.error(
      { err, written, lost: rows.length - written },
      'shutdown deadline: queued copies lost (dead letters not written)',
    );
  }
  if (written > 0) {
    deps.metrics.deadLetters.inc({ reason: 'shutdown_deadline' }, written);
    deps.log.warn({ frames: written }, 'shutdown deadline: queued copies written as dead letters');
  }
  return written;
}
