// The relay's dependencies and its close cause (relay.ts).
import type { Engine } from './core/engine';
import type { Clock } from './core/ports';
import type { RelayStorage } from './outbox/storage';
import type { ShutdownDeadlineHook } from './shutdown-deadline';

export interface RelayDeps {
  storage: RelayStorage;
  engine: Engine;
  clock?: Clock;
  /** Told what the shutdown deadline left undone (dead letters `shutdown_deadline`, D20, are to be written here). */
  onShutdownDeadline?: ShutdownDeadlineHook;
}

export type CloseCause = { reason: 'closed' | 'signal' | 'error'; error?: unknown };

export const systemClock: Clock = { nowMs: () => Date.now(), monoMs: () => performance.now() };
