// Isolated delivery (docs/protocol.md D23): the alias table (alias → master, slave) and each member's route —
// the id its config and copies carry — including the steps of a switch between shared and isolated delivery.
import { memberAlias } from '@sankey/shared/domain/alias';

/**
 * `shared`: config and copies under M. `joining`: still M, an alias config with status 1 was sent and the relay
 * waits for `trade/A/`. `isolated`: under A. `leaving`: still A, a config for M with status 1 was sent and the
 * relay waits for `trade/M/S`.
 */
export type RoutePhase = 'shared' | 'joining' | 'isolated' | 'leaving';

export interface AliasRow {
  alias: string;
  masterAccount: string;
  slaveAccount: string;
}

/** Where new aliases are kept so they survive a restart (the alias table). */
export interface AliasStorePort {
  saved(row: AliasRow): void;
}

/** How long a switch waits for the subscription before going on anyway (docs/protocol.md D23). */
export const SWITCH_FALLBACK_MS = 6000;

interface Pending {
  phase: 'joining' | 'leaving';
  deadlineMono: number;
}

const key = (master: string, slave: string) => `${master}\u0000${slave}`;

export class Isolation {
  private readonly byAlias = new Map<string, AliasRow>();
  private readonly byMember = new Map<string, string>();
  private readonly settled = new Map<string, 'shared' | 'isolated'>();
  private readonly pending = new Map<string, Pending>();
  /** Members settled as isolated: while none is, and no switch runs, every route is the master's (fast path). */
  private isolatedCount = 0;

  constructor(
    /** Whether an id is a real account id the relay knows (an alias must never equal one). */
    private readonly isAccount: (id: string) => boolean,
    private store: AliasStorePort = { saved() {} },
  ) {}

  useStore(store: AliasStorePort): void {
    this.store = store;
  }

  /** The stored table at start-up: never recomputed, so a stored alias stays what it was. */
  restore(rows: readonly AliasRow[]): void {
    for (const r of rows) {
      this.byAlias.set(r.alias, r);
      this.byMember.set(key(r.masterAccount, r.slaveAccount), r.alias);
    }
  }

  /** The member's alias, allocated (and stored) on first use. */
  aliasOf(master: string, slave: string): string {
    const k = key(master, slave);
    const known = this.byMember.get(k);
    if (known !== undefined) return known;
    let salt = 0;
    let alias = memberAlias(master, slave);
    while (this.byAlias.has(alias) || this.isAccount(alias)) alias = memberAlias(master, slave, ++salt);
    const row = { alias, masterAccount: master, slaveAccount: slave };
    this.byAlias.set(alias, row);
    this.byMember.set(k, alias);
    this.store.saved(row);
    return alias;
  }

  /** The member an alias stands for (looked up, never parsed from the string). */
  resolve(alias: string): AliasRow | undefined {
    return this.byAlias.get(alias);
  }

  phase(master: string, slave: string): RoutePhase {
    const k = key(master, slave);
    return this.pending.get(k)?.phase ?? this.settled.get(k) ?? 'shared';
  }

  /** The id the member's config and copies carry now. */
  via(master: string, slave: string): string {
    // The signal path asks this for every copy: no key is built while nobody is isolated or switching.
    if (this.isolatedCount === 0 && this.pending.size === 0) return master;
    const p = this.phase(master, slave);
    return p === 'isolated' || p === 'leaving' ? this.aliasOf(master, slave) : master;
  }

  /** A member's settled mode without a switch (start-up, a member added to a group). */
  settle(master: string, slave: string, mode: 'shared' | 'isolated'): void {
    const k = key(master, slave);
    this.pending.delete(k);
    if (mode === 'isolated') this.aliasOf(master, slave);
    this.setSettled(k, mode);
  }

  private setSettled(k: string, mode: 'shared' | 'isolated' | undefined): void {
    const was = this.settled.get(k);
    if (was === 'isolated') this.isolatedCount--;
    if (mode === 'isolated') this.isolatedCount++;
    if (mode === undefined) this.settled.delete(k);
    else this.settled.set(k, mode);
  }

  begin(master: string, slave: string, phase: 'joining' | 'leaving', nowMono: number): void {
    this.pending.set(key(master, slave), { phase, deadlineMono: nowMono + SWITCH_FALLBACK_MS });
  }

  /** Ends a switch: the member is settled in its new mode. */
  finish(master: string, slave: string): 'shared' | 'isolated' | null {
    const k = key(master, slave);
    const p = this.pending.get(k);
    if (!p) return null;
    this.pending.delete(k);
    const mode = p.phase === 'joining' ? 'isolated' : 'shared';
    this.setSettled(k, mode);
    return mode;
  }

  /** Switches whose wait ran out (all running switches when `nowMono` is infinite). */
  overdue(nowMono: number): { master: string; slave: string }[] {
    const out: { master: string; slave: string }[] = [];
    for (const [k, p] of this.pending) {
      if (p.deadlineMono > nowMono) continue;
      const [master, slave] = k.split('\u0000') as [string, string];
      out.push({ master, slave });
    }
    return out;
  }

  /** Members in the middle of a switch (only these look at subscription reports). */
  switching(): { master: string; slave: string }[] {
    return this.pending.size === 0 ? [] : this.overdue(Number.POSITIVE_INFINITY);
  }

  forget(master: string, slave: string): void {
    const k = key(master, slave);
    this.pending.delete(k);
    this.setSettled(k, undefined);
  }
}
