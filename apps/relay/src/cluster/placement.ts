// Where each EA of the cluster is, as this relay knows it (docs/cluster.md, Who does what): its own connections,
// other relays' EAs from the KV bucket, and the remote masters entered into the local connection table. Answers
// "here, live here, or elsewhere" for the other cluster modules; holds no I/O.
import type { EaKind } from '@sankey/shared/cluster/names';
import type { RelayCore } from '../core/relay-core';
import type { ConnectionEntry } from '../state/connections';
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
  /** Remote masters entered into the local connection table (keyOf). */
  readonly injected = new Set<string>();

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

  /** Some member of the master's trade group has its slave here. */
  hasLocalSlave(master: string): boolean {
    return this.core.membersOf(master).some((mem) => this.isLocal(mem.slaveAccount, 'Slave'));
  }
}
