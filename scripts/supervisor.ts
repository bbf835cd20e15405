// Keeps `npm start`'s processes running (docs/architecture.md, Supervision): every child is independent; one that
// exits on its own is restarted after a backoff (its exits and restarts logged and counted), and a stop request
// stops them all once, SIGKILL after a deadline. Spawning, time and randomness are injected for the unit tests.
import { type BackoffPolicy, backoffDelay } from '@sankey/shared/retry';

export interface ChildHandle {
  readonly pid: number | undefined;
  kill(signal: NodeJS.Signals): void;
  onExit(cb: (code: number | null, signal: NodeJS.Signals | null) => void): void;
}

export interface ChildSpec {
  name: string;
  /** Spawns one run of the child (called again for every restart). */
  start(): ChildHandle;
}

export interface SupervisorDeps {
  nowMs(): number;
  setTimer(fn: () => void, ms: number): { cancel(): void };
  random(): number;
  log(line: string): void;
}

export interface SupervisorOptions {
  /** Restart delays; `maxAttempts` quick exits in a row make the supervisor give up (exit code 1). */
  backoff: BackoffPolicy;
  /** A run at least this long counts as healthy: the next exit starts the backoff from its first step again. */
  stableAfterMs: number;
  /** After a stop request, children still running this much later get SIGKILL. */
  stopDeadlineMs: number;
}

export const DEFAULT_SUPERVISOR_OPTIONS: SupervisorOptions = {
  backoff: { baseMs: 500, maxMs: 15_000, maxAttempts: 10, jitter: 0.2 },
  stableAfterMs: 30_000,
  stopDeadlineMs: 35_000,
};

export interface ChildStats {
  starts: number;
  /** Exits nobody asked for. */
  crashes: number;
  /** Quick exits in a row (reset by a healthy run). */
  failuresInRow: number;
}

interface Slot {
  spec: ChildSpec;
  child: ChildHandle | null;
  stats: ChildStats;
  running: boolean;
  startedAt: number;
  /** How the last run ended: clean when it exited 0 or by the stop signal. */
  clean: boolean;
  exited: (() => void) | null;
  restart: { cancel(): void } | null;
}

const STOP_SIGNALS = new Set<string>(['SIGTERM', 'SIGINT']);
/** Exit codes of a process that ended itself because of SIGTERM or SIGINT (128 + signal number; Next.js does). */
const STOP_CODES = new Set([143, 130]);

export class Supervisor {
  private readonly slots = new Map<string, Slot>();
  private stopping: Promise<number> | null = null;
  private stopRequested = false;
  private gaveUp = false;
  private resolveDone!: (code: number) => void;
  private readonly donePromise = new Promise<number>((r) => {
    this.resolveDone = r;
  });

  constructor(
    private readonly deps: SupervisorDeps,
    private readonly opts: SupervisorOptions = DEFAULT_SUPERVISOR_OPTIONS,
  ) {}

  /** Starts the child now and keeps it running until `stop()`. */
  add(spec: ChildSpec): void {
    if (this.stopRequested) return;
    const slot: Slot = {
      spec,
      child: null,
      stats: { starts: 0, crashes: 0, failuresInRow: 0 },
      running: false,
      startedAt: 0,
      clean: true,
      exited: null,
      restart: null,
    };
    this.slots.set(spec.name, slot);
    this.run(slot);
  }

  stats(name: string): Readonly<ChildStats> | undefined {
    return this.slots.get(name)?.stats;
  }

  /** Settles with the exit code once every child has stopped: after `stop()`, or after giving up (1). */
  done(): Promise<number> {
    return this.donePromise;
  }

  /** One stop, however often it is asked for: SIGTERM to each running child once, SIGKILL at the deadline. */
  stop(): Promise<number> {
    this.stopRequested = true;
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private run(slot: Slot): void {
    slot.restart = null;
    slot.stats.starts++;
    slot.running = true;
    slot.startedAt = this.deps.nowMs();
    slot.child = slot.spec.start();
    slot.child.onExit((code, signal) => this.exited(slot, code, signal));
    this.deps.log(`${slot.spec.name} started (pid ${slot.child.pid}, run ${slot.stats.starts})`);
  }

  private exited(slot: Slot, code: number | null, signal: NodeJS.Signals | null): void {
    slot.running = false;
    const how = signal ?? `code ${code}`;
    if (this.stopRequested) {
      slot.clean =
        code === 0 ||
        (code !== null && STOP_CODES.has(code)) ||
        (signal !== null && STOP_SIGNALS.has(signal));
      this.deps.log(`${slot.spec.name} stopped (${how})`);
      slot.exited?.();
      return;
    }
    const { stats } = slot;
    stats.crashes++;
    const ranMs = this.deps.nowMs() - slot.startedAt;
    stats.failuresInRow = ranMs >= this.opts.stableAfterMs ? 1 : stats.failuresInRow + 1;
    if (stats.failuresInRow >= this.opts.backoff.maxAttempts) {
      this.deps.log(
        `${slot.spec.name} exited (${how}) after ${ranMs} ms; ${stats.failuresInRow} failed runs in a row, giving up`,
      );
      this.gaveUp = true;
      void this.stop();
      return;
    }
    const delayMs = backoffDelay(stats.failuresInRow, this.opts.backoff, this.deps.random);
    this.deps.log(
      `${slot.spec.name} exited (${how}) after ${ranMs} ms; restart ${stats.crashes} in ${delayMs} ms`,
    );
    slot.restart = this.deps.setTimer(() => this.run(slot), delayMs);
  }

  private async stopAll(): Promise<number> {
    const waits: Promise<void>[] = [];
    for (const slot of this.slots.values()) {
      slot.restart?.cancel();
      slot.restart = null;
      if (!slot.running) continue;
      waits.push(
        new Promise<void>((r) => {
          slot.exited = r;
        }),
      );
      slot.child?.kill('SIGTERM');
    }
    const force = this.deps.setTimer(() => {
      for (const slot of this.slots.values()) {
        if (!slot.running) continue;
        this.deps.log(`${slot.spec.name} still running after ${this.opts.stopDeadlineMs} ms: SIGKILL`);
        slot.child?.kill('SIGKILL');
      }
    }, this.opts.stopDeadlineMs);
    await Promise.all(waits);
    force.cancel();
    const clean = [...this.slots.values()].every((s) => s.clean);
    const code = this.gaveUp || !clean ? 1 : 0;
    this.resolveDone(code);
    return code;
  }
}
