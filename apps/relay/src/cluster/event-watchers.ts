// Which other relays have a browser connected (docs/cluster.md, Live events). A relay whose browser is connected
// announces `watching` on `<cluster>.eventwatch.<relayId>` while it is (and `bye` when it stops); a relay that starts
// says `hello`, and the watching relays announce at once. The others forward their live events only while some
// relay watches: with nobody watching, the copy path builds no event at all (100 `trade_copied` per signal at a
// fan-out to 100, JSON-encoded and published for nobody).
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { ClusterNames } from '@sankey/shared/cluster/names';

export type WatchWord = 'hello' | 'watching' | 'bye';

/** Other relays' last `watching` (performance.now()), forgotten after `ttlMs` without one or on `bye`. */
export class WatcherTable {
  private readonly seen = new Map<string, number>();

  constructor(private readonly ttlMs: number) {}

  /** Returns true when the set of watching relays changed. */
  heard(relayId: string, word: WatchWord, now: number): boolean {
    if (word === 'hello') return false;
    const had = this.seen.has(relayId);
    if (word === 'bye') return this.seen.delete(relayId);
    this.seen.set(relayId, now);
    return !had;
  }

  /** True while some other relay watches. */
  any(now: number): boolean {
    for (const [relayId, at] of this.seen) if (now - at >= this.ttlMs) this.seen.delete(relayId);
    return this.seen.size > 0;
  }
}

export class EventWatchers {
  private sub: Subscription | null = null;
  private readonly table: WatcherTable;

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: ClusterNames,
    private readonly relayId: string,
    ttlMs: number,
    /** The set of watching relays changed, or a relay said hello (`hello`: announce now if watching). */
    private readonly changed: (hello: boolean) => void,
  ) {
    this.table = new WatcherTable(ttlMs);
  }

  start(): void {
    const own = this.names.eventWatchSubject(this.relayId);
    const prefix = this.names.eventWatchSubject('');
    this.sub = this.nc.subscribe(this.names.eventWatchWildcard, {
      callback: (err, msg) => {
        if (err || msg.subject === own) return;
        const word = msg.string();
        if (word !== 'hello' && word !== 'watching' && word !== 'bye') return;
        const changed = this.table.heard(msg.subject.slice(prefix.length), word, performance.now());
        if (word === 'hello' || changed) this.changed(word === 'hello');
      },
    });
    this.say('hello');
  }

  say(word: WatchWord): void {
    try {
      this.nc.publish(this.names.eventWatchSubject(this.relayId), word);
    } catch {
      // Closed or draining: the others forget this relay after the TTL.
    }
  }

  /** True while some other relay has a browser connected. */
  any(): boolean {
    return this.table.any(performance.now());
  }

  stop(): void {
    this.sub?.unsubscribe();
    this.sub = null;
  }
}
