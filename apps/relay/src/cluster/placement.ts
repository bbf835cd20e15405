// Where each EA of the cluster is, as this relay knows it (docs/cluster.md, Who does what): its own connections,
// other relays' EAs from the KV bucket, and the remote masters entered into the local connection table. Answers
// "here, live here, or elsewhere" for the other cluster modules; holds no I/O.
import type { EaKind } from '@sankey/shared/cluster/names';
import type { RelayCore } from '../core/relay-core';
import type { ConnectionEntry, ConnectionSnapshot } from '../state/connections';
import type { EaStateValue } from './ea-state';

export const keyOf = (accountId: string, kind: EaKind) => `${kind}\u0000${accountId}`;
const liveStatus = (s: string | undefined) => s === 'Online' || s === 'Registered';

export class EaPlacement {
  /** The local relay core (set by ClusterNode.start). */
  core!: RelayCore;
  /** Other relays' EAs as the KV bucket last said, by keyOf. */
  readonly remote = new Map<string, EaStateValue>();
  /**
   * EAs the bucket says are on this relay though they have not reconnected since it started (after a restart):
   * their members still count as here, so the signals for them go through the core (D15 Closes, D19 parking).
   */
  readonly mine = new Set<string>();
  /** The accounts of the slaves in `remote` (the copy hot path asks it for members not connected here). */
  readonly remoteSlaves = new Set<string>();
  /** Remote masters entered into the local connection table (keyOf). */
  readonly injected = new Set<string>();
  /** When this relay last read each remote entry (performance.now(), by keyOf): its own clock times them out. */
  readonly seenAt = new Map<string, number>();
  /** Remote slaves shown as timed out: live in the bucket, but no update within the heartbeat timeout (keyOf). */
  readonly stale = new Set<string>();
  /** Told when a remote slave's state as views show it changed (set by ClusterNode.start). */
  onRemoteSlave: (accountId: string) => void = () => {};
  /** Told when a bucket entry came, went or changed relay or status (set by ClusterNode.start). */
  changed: () => void = () => {};

  /** The connections of EAs actually on this relay (not remote entries entered from the bucket). */
  localConnections(): ConnectionEntry[] {
    if (!this.core) return [];
    return this.core.connections().filter((e) => !this.injected.has(keyOf(e.accountId, e.eaType)));
  }

  /** An EA of this account and kind is live here (not a remote entry entered from the bucket). */
  isLocalLive(accountId: string, kind: EaKind): boolean {
    if (this.injected.has(keyOf(accountId, kind))) return false;
    return liveStatus(this.core.connection(accountId, kind)?.status);
  }

  /** Connected here, or named here by the bucket and not yet seen elsewhere. */
  isLocal(accountId: string, kind: EaKind): boolean {
    const key = keyOf(accountId, kind);
    if (this.injected.has(key)) return false;
    return (
      this.core.connection(accountId, kind) !== undefined || (this.mine.has(key) && !this.remote.has(key))
    );
  }

  isElsewhere(accountId: string, kind: EaKind): boolean {
    return this.remote.has(keyOf(accountId, kind)) && !this.isLocalLive(accountId, kind);
  }

  /** Another relay's entry, as the bucket gives it now; true when a slave's shown state may have changed. */
  seen(key: string, v: EaStateValue, nowMono = performance.now()): boolean {
    const before = this.remote.get(key);
    const wasStale = this.stale.delete(key);
    this.remote.set(key, v);
    if (v.eaType === 'Slave') this.remoteSlaves.add(v.accountId);
    this.seenAt.set(key, nowMono);
    return (
      v.eaType === 'Slave' &&
      (wasStale || before?.status !== v.status || before?.isTradeAllowed !== v.isTradeAllowed)
    );
  }

  /** Another relay's entry is gone from the bucket; true when it was a slave's. */
  forget(key: string): boolean {
    const v = this.remote.get(key);
    this.remote.delete(key);
    if (v?.eaType === 'Slave') this.remoteSlaves.delete(v.accountId);
    this.seenAt.delete(key);
    this.stale.delete(key);
    return v?.eaType === 'Slave';
  }

  /**
   * A slave on another relay as views show it (docs/cluster.md, Member status across relays): its state from the
   * KV bucket, Timeout once no update arrived within the heartbeat timeout on this relay's clock
   * (checkRemoteSlaves); undefined when the slave is not elsewhere.
   */
  remoteSlave(accountId: string): ConnectionSnapshot | undefined {
    if (!this.isElsewhere(accountId, 'Slave')) return undefined;
    const key = keyOf(accountId, 'Slave');
    const v = this.remote.get(key)!;
    const status = this.stale.has(key) && liveStatus(v.status) ? 'Timeout' : v.status;
    return { status, isTradeAllowed: v.isTradeAllowed };
  }

  /**
   * Other relays' EAs as this relay sees them (system.cluster, the graph and the Health page): each entry with how
   * long ago this relay read its last KV update (its own monotonic clock; wall clocks do not compare across
   * machines), and Timeout when a live entry was not refreshed within the heartbeat timeout.
   */
  remoteViews(nowMono = performance.now()): (EaStateValue & { ageMs: number })[] {
    const timeoutMs = this.core ? this.core.settings.heartbeatTimeoutS * 1000 : Number.POSITIVE_INFINITY;
    return [...this.remote].map(([key, v]) => {
      const ageMs = Math.max(0, Math.round(nowMono - (this.seenAt.get(key) ?? nowMono)));
      const stale = this.stale.has(key) || ageMs > timeoutMs;
      return { ...v, status: stale && liveStatus(v.status) ? 'Timeout' : v.status, ageMs };
    });
  }

  /** Every second: remote slaves whose entry stopped being refreshed are shown as timed out. */
  checkRemoteSlaves(nowMono = performance.now()): void {
    if (!this.core) return;
    const timeoutMs = this.core.settings.heartbeatTimeoutS * 1000;
    for (const [key, v] of this.remote) {
      if (v.eaType !== 'Slave' || this.stale.has(key) || !liveStatus(v.status)) continue;
      if (nowMono - (this.seenAt.get(key) ?? nowMono) <= timeoutMs) continue;
      this.stale.add(key);
      this.onRemoteSlave(v.accountId);
    }
  }

  /** Some member of the master's trade group has its slave here. */
  hasLocalSlave(master: string): boolean {
    return this.core.membersOf(master).some((mem) => this.isLocal(mem.slaveAccount, 'Slave'));
  }
}
