// An append-only, bounded log with awaitable matching: "the first item matching P received so far or later",
// "items after this mark", "nothing matching P arrives in this window".

interface Waiter<T> {
  predicate: (item: T) => boolean;
  minSeq: number;
  resolve: (item: T) => void;
}

interface Watcher<T> {
  predicate: (item: T) => boolean;
  reject: (item: T) => void;
}

export class EventLog<T> {
  private entries: { seq: number; item: T }[] = [];
  private seq = 0;
  private waiters = new Set<Waiter<T>>();
  private watchers = new Set<Watcher<T>>();

  constructor(
    private readonly maxEntries: number,
    private readonly describe: (item: T) => string,
  ) {}

  /** Sequence number of the latest item (0 when empty); items after a mark have a larger seq. */
  get lastSeq(): number {
    return this.seq;
  }

  push(item: T): number {
    this.seq++;
    this.entries.push({ seq: this.seq, item });
    if (this.entries.length > this.maxEntries) this.entries.splice(0, this.entries.length - this.maxEntries);
    for (const w of [...this.waiters]) {
      if (this.seq > w.minSeq && w.predicate(item)) {
        this.waiters.delete(w);
        w.resolve(item);
      }
    }
    for (const w of [...this.watchers]) if (w.predicate(item)) w.reject(item);
    return this.seq;
  }

  all(): T[] {
    return this.entries.map((e) => e.item);
  }

  since(mark: number): T[] {
    return this.entries.filter((e) => e.seq > mark).map((e) => e.item);
  }

  clear(): void {
    this.entries = [];
  }

  /** Resolves with the first item after `since` (default: from the beginning) matching `predicate`. */
  waitFor(predicate: (item: T) => boolean, timeoutMs: number, since: number, what: string): Promise<T> {
    const found = this.entries.find((e) => e.seq > since && predicate(e.item));
    if (found) return Promise.resolve(found.item);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        predicate,
        minSeq: since,
        resolve: (item) => {
          clearTimeout(timer);
          resolve(item);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`${what}: nothing matched within ${timeoutMs} ms; ${this.summary(since)}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Resolves after `windowMs` if no item after `since` matches; rejects as soon as one does. */
  expectNone(predicate: (item: T) => boolean, windowMs: number, since: number, what: string): Promise<void> {
    const fail = (item: T): Error => new Error(`${what}: unexpected ${this.describe(item)}`);
    const existing = this.entries.find((e) => e.seq > since && predicate(e.item));
    if (existing) return Promise.reject(fail(existing.item));
    return new Promise<void>((resolve, reject) => {
      const watcher: Watcher<T> = {
        predicate,
        reject: (item) => {
          clearTimeout(timer);
          this.watchers.delete(watcher);
          reject(fail(item));
        },
      };
      const timer = setTimeout(() => {
        this.watchers.delete(watcher);
        resolve();
      }, windowMs);
      this.watchers.add(watcher);
    });
  }

  private summary(since: number): string {
    const after = this.entries.filter((e) => e.seq > since);
    if (after.length === 0) return 'nothing at all arrived';
    const shown = after.slice(-8).map((e) => this.describe(e.item));
    return `${after.length} item(s) arrived, last: [${shown.join('; ')}]`;
  }
}
