// Keeps the KV bucket `<cluster>_ea` and this relay's view of it in step (docs/cluster.md, EA state): writes the
// state of local EAs when it changes or is due a refresh, and watches the others' entries, entering other relays'
// masters into the local connection table as heartbeats (the pure rules are in ea-state.ts).
import type { KV, KvWatchEntry } from '@nats-io/kv';
import { type ClusterNames, parseEaKey } from '@sankey/shared/cluster/names';
import type { Logger } from '../core/ports';
import type { ConnectionEntry } from '../state/connections';
import { type EaStateValue, eaStateValue, isDue, remoteInput, type Written } from './ea-state';
import type { ClusterMetrics } from './metrics';
import { type EaPlacement, keyOf } from './placement';

export class EaStateSync {
  /** What was last written to the bucket for each local EA (keyOf). */
  private readonly written = new Map<string, Written>();
  private readonly conflictsLogged = new Set<string>();
  /** Each key's relay and status as last read (a change of either can change which masters this relay consumes). */
  private readonly lastPlaced = new Map<string, string>();
  private stopWatch: (() => void) | null = null;

  constructor(
    private readonly eaKv: KV,
    private readonly names: ClusterNames,
    private readonly relayId: string,
    /** The refresh interval now (kvRefreshEveryMs of the heartbeat timeout in force: a settings change applies). */
    private readonly refreshEveryMs: () => number,
    private readonly metrics: ClusterMetrics,
    private readonly log: Logger,
    private readonly where: EaPlacement,
  ) {}

  /** Watches the bucket; resolves once the current entries are in (at most 2 s), before signals are consumed. */
  async watch(): Promise<void> {
    const watch = await this.eaKv.watch();
    this.stopWatch = () => watch.stop();
    let initialized: () => void = () => {};
    const ready = new Promise<void>((r) => {
      initialized = r;
    });
    if ((await this.eaKv.status()).values === 0) initialized();
    void (async () => {
      for await (const e of watch) {
        const v = e.operation === 'PUT' ? entryValue(e) : null;
        this.onEntry(e, v);
        if (this.placementChanged(e, v)) this.where.changed();
        if (e.delta === 0) initialized();
      }
    })().catch((err: unknown) => this.log.error({ err: String(err) }, 'EA state watch stopped'));
    await Promise.race([ready, new Promise((r) => setTimeout(r, 2000))]);
  }

  /** A deletion, a new key, or another relay or status under a key (not a mere refresh). */
  private placementChanged(e: KvWatchEntry, v: EaStateValue | null): boolean {
    if (e.operation !== 'PUT') return this.lastPlaced.delete(e.key);
    if (!v) return false;
    const placed = `${v.relayId}\u0000${v.status}`;
    if (this.lastPlaced.get(e.key) === placed) return false;
    this.lastPlaced.set(e.key, placed);
    return true;
  }

  /** `v`: the entry's value (null for a deletion, or a value that does not parse). */
  private onEntry(e: KvWatchEntry, v: EaStateValue | null): void {
    const where = this.where;
    const parsed = parseEaKey(e.key);
    if (!parsed) return;
    const key = keyOf(parsed.accountId, parsed.kind);
    if (e.operation !== 'PUT') {
      if (where.forget(key)) where.onRemoteSlave(parsed.accountId);
      where.mine.delete(key);
      if (where.injected.has(key)) this.enterRemote(parsed.accountId, key, null);
      this.metrics.remoteEas.set(where.remote.size);
      return;
    }
    if (!v) return;
    if (v.relayId === this.relayId) {
      if (!where.isLocal(parsed.accountId, parsed.kind)) where.mine.add(key);
      // The key now holds this relay's entry: what another relay wrote under it before (the EA moved here) is gone.
      if (where.forget(key)) where.onRemoteSlave(parsed.accountId);
      this.metrics.remoteEas.set(where.remote.size);
      return;
    }
    where.mine.delete(key);
    if (where.isLocalLive(parsed.accountId, parsed.kind)) {
      if (!this.conflictsLogged.has(key)) {
        this.conflictsLogged.add(key);
        this.log.warn(
          { accountId: parsed.accountId, eaType: parsed.kind, otherRelay: v.relayId },
          'EA seen at two relays: this relay keeps copying for its own connection',
        );
      }
      return;
    }
    // A slave's members are shown as its relay evaluates them: the UI is told when that changed.
    const slaveChanged = where.seen(key, v);
    this.metrics.remoteEas.set(where.remote.size);
    if (parsed.kind === 'Master') this.enterRemote(parsed.accountId, key, v);
    else if (slaveChanged) where.onRemoteSlave(parsed.accountId);
  }

  /** Another relay's master into the local connection table (only masters with a trade group here). */
  private enterRemote(accountId: string, key: string, v: EaStateValue | null): void {
    const { core, injected } = this.where;
    if (!core.group(accountId) && !injected.has(key)) return;
    const input: ReturnType<typeof remoteInput> = v
      ? remoteInput(v, Date.now())
      : {
          type: 'Unregister',
          message: {
            message_type: 'Unregister',
            account_id: accountId,
            timestamp: Date.now(),
            ea_type: 'Master',
          },
        };
    if (!input) return;
    injected.add(key);
    core.handleRemote(input);
  }

  /** A local EA's state into the bucket when it changed or is due a refresh (retried at the next tick on failure). */
  write(key: string, entry: ConnectionEntry): void {
    const now = performance.now();
    if (!isDue(this.written.get(key), entry, now, this.refreshEveryMs())) return;
    this.written.set(key, {
      status: entry.status,
      isTradeAllowed: entry.isTradeAllowed,
      lastHeartbeatMs: entry.lastHeartbeatMs,
      atMono: now,
    });
    this.eaKv
      .put(this.names.eaKey(entry.accountId, entry.eaType), JSON.stringify(eaStateValue(this.relayId, entry)))
      .then(
        () => this.metrics.kvWrites.inc({ outcome: 'ok' }),
        () => {
          this.metrics.kvWrites.inc({ outcome: 'failed' });
          // Written again at the next tick.
          this.written.delete(key);
        },
      );
  }

  /** Every local EA: statuses that changed without a message (timeouts) and refreshes. */
  tick(): void {
    for (const e of this.where.localConnections()) this.write(keyOf(e.accountId, e.eaType), e);
  }

  stop(): void {
    this.stopWatch?.();
  }
}

/** A bucket entry's value, parsed once for all its readers (null when it does not parse). */
function entryValue(e: KvWatchEntry): EaStateValue | null {
  try {
    return e.json<EaStateValue>();
  } catch {
    return null;
  }
}
