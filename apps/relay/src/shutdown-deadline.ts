// The graceful shutdown's deadline (docs/architecture.md, Lifecycle): the drain runs for at most the deadline;
// whatever is still pending then is logged and counted, and handed to the hook where dead letters with reason
// `shutdown_deadline` (docs/protocol.md D20) are to be written.
import type { Logger } from './core/ports';
import type { RelayMetrics } from './observability/metrics';

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
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((r) => {
    timer = setTimeout(() => r('timeout'), deadlineMs);
  });
  const outcome = await Promise.race([work.then(() => 'done' as const), deadline]);
  clearTimeout(timer);
  return outcome === 'done' ? null : pending();
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
