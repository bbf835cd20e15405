// Keeps D14 order while a long job (a position snapshot) is built over several event-loop ticks: frames of a stream
// that has a job in progress wait here until the job has emitted its own frames, then follow in the order they
// were made. Other streams pass straight through, so one master's snapshot never delays another master's copies.
import type { FrameSink, OutboundFrame } from './ports';

/** A job run in slices; `step` emits frames through `emit` and returns true when it is finished. */
export interface SlicedJob {
  step(emit: (frame: OutboundFrame) => void): boolean;
}

/** Runs `fn` on a later event-loop tick (setImmediate in the relay). */
export type Later = (fn: () => void) => void;

type Entry = { job: SlicedJob } | { frame: OutboundFrame };

export class StreamGate implements FrameSink {
  /** Streams with a job in progress: the job at the head, then frames and jobs that came after it. */
  private readonly waiting = new Map<string, Entry[]>();
  private readonly emit: (frame: OutboundFrame) => void;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly sink: FrameSink,
    private readonly later: Later,
    private readonly onJobError: (err: unknown, stream: string) => void,
  ) {
    this.emit = (frame) => this.sink.send(frame);
  }

  /** Jobs (and the frames waiting behind them) not finished yet. */
  get pending(): number {
    let n = 0;
    for (const q of this.waiting.values()) n += q.length;
    return n;
  }

  /** Resolves when no job is running or waiting (shutdown lets snapshots finish before the socket drains). */
  idle(): Promise<void> {
    if (this.waiting.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  send(frame: OutboundFrame): void {
    const queue = this.waiting.get(frame.stream);
    if (queue) queue.push({ frame });
    else this.sink.send(frame);
  }

  /** Queues a job on `stream`: it runs after everything already sent on the stream, one slice per tick. */
  run(stream: string, job: SlicedJob): void {
    const queue = this.waiting.get(stream);
    if (queue) {
      queue.push({ job });
      return;
    }
    this.waiting.set(stream, [{ job }]);
    this.slice(stream);
  }

  private slice(stream: string): void {
    const queue = this.waiting.get(stream)!;
    const head = queue[0] as { job: SlicedJob };
    let done = true;
    try {
      done = head.job.step(this.emit);
    } catch (err) {
      this.onJobError(err, stream);
    }
    if (!done) {
      this.later(() => this.slice(stream));
      return;
    }
    queue.shift();
    // Release what waited behind the job, up to the next job.
    while (queue.length > 0) {
      const next = queue[0]!;
      if ('job' in next) {
        this.later(() => this.slice(stream));
        return;
      }
      queue.shift();
      this.sink.send(next.frame);
    }
    this.waiting.delete(stream);
    if (this.waiting.size === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
