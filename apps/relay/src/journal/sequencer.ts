// Per-master sequence numbers for inbound trade signals (docs/architecture.md, Delivery): seq = max(last + 1, now_ms), so
// they are monotonic across restarts (resumed from the journal) and across clock steps backwards.
export class SignalSequencer {
  private readonly last: Map<string, number>;

  constructor(
    resumeFrom: ReadonlyMap<string, number>,
    private readonly nowMs: () => number,
  ) {
    this.last = new Map(resumeFrom);
  }

  next(masterAccount: string): number {
    const seq = Math.max((this.last.get(masterAccount) ?? 0) + 1, this.nowMs());
    this.last.set(masterAccount, seq);
    return seq;
  }
}
