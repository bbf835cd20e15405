// Logs each kind of refusal at most once a minute (D18): a hostile or broken sender must not flood the log, but
// an operator still sees that it is happening, with how many were refused since the last line.
import type { Logger } from './ports';

export class RateLimitedLog {
  private readonly last = new Map<string, { atMs: number; suppressed: number }>();

  constructor(
    private readonly log: Logger,
    private readonly monoMs: () => number,
    private readonly everyMs = 60_000,
  ) {}

  warn(reason: string, obj: object, msg: string): void {
    const now = this.monoMs();
    const seen = this.last.get(reason);
    if (seen && now - seen.atMs < this.everyMs) {
      seen.suppressed++;
      return;
    }
    this.log.warn({ reason, ...obj, ...(seen ? { suppressedSinceLast: seen.suppressed } : {}) }, msg);
    this.last.set(reason, { atMs: now, suppressed: 0 });
  }
}
