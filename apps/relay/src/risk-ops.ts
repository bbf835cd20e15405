// The operator's side of the per-account risk controls (docs/risk-controls.md, docs/api.md "Risk"): equity guards
// (set, remove, reset a trip), master close-only and closeAll. Settings and state are stored in `account_risk`
// before they take effect, and the guards' own changes (a new day, a trip) are written as they happen, in order,
// so that a restart keeps a trip and the day-start equity.
import type { MemberControlsView } from '@sankey/shared/api/risk-views';
import type { EquityGuard } from '@sankey/shared/domain/risk';
import type { Logger } from './core/ports';
import type { RelayCore } from './core/relay-core';
import type { CloseAllResult } from './core/risk/close-all';
import type { AccountRiskView, MemberRiskState } from './core/risk/controls';
import type { GuardEvent, GuardState, GuardStore } from './core/risk/equity-guard';
import { applySharedRow } from './core/risk/shared-row';
import type { LiveEvents } from './http/live-events';
import type { RelayMetrics } from './observability/metrics';
import type { RelayStorage } from './outbox/storage';

type RiskStorage = Pick<
  RelayStorage,
  'loadAccountRisk' | 'setEquityGuard' | 'saveGuardDayStart' | 'saveGuardTrip' | 'setMasterCloseOnly'
>;

export type SetGuardResult =
  | { ok: true; view: AccountRiskView }
  | { ok: false; error: 'shared_delivery'; message: string };

export interface RelayRiskSource {
  accounts(): AccountRiskView[];
  members(): MemberRiskState[];
  /**
   * Every member with a control set, each with its state and until when; in cluster mode a member whose slave is
   * on another relay as that relay computes it.
   */
  controls(): Promise<MemberControlsView[]>;
  account(accountId: string): AccountRiskView;
  setGuard(accountId: string, guard: EquityGuard): Promise<SetGuardResult>;
  removeGuard(accountId: string): Promise<boolean>;
  reset(accountId: string): boolean;
  setMasterCloseOnly(masterId: string, on: boolean): Promise<AccountRiskView>;
  closeAll(accountId: string): CloseAllResult;
}

export class RelayRiskOps implements RelayRiskSource {
  /** Set once the core is built (the core writes through `store`). */
  core!: RelayCore;
  /** Cluster mode: the other relays, told after each write of an account's row (docs/cluster.md). */
  peers: { notify(accountId: string): void } | null = null;
  /** Cluster mode: members of slaves on other relays as those relays compute them (docs/cluster.md). */
  remoteControls: ((local: MemberControlsView[]) => Promise<MemberControlsView[]>) | null = null;
  /** Writes in call order: a day start followed by its equity must not land the other way round. */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly storage: RiskStorage,
    private readonly metrics: RelayMetrics,
    private readonly events: LiveEvents,
    private readonly log: Logger,
  ) {}

  /** Runs `fn` after every write queued before it (operator changes too: a late trip write must not follow them). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Writes the account's row after every earlier write, then tells the other relays (cluster mode). */
  private stored(accountId: string, fn: () => Promise<void>): Promise<void> {
    return this.serial(fn).then(() => this.peers?.notify(accountId));
  }

  private write(what: string, accountId: string, fn: () => Promise<void>): void {
    this.stored(accountId, fn).catch((err: unknown) => {
      this.log.error({ err, accountId }, `equity guard ${what} not stored (a restart may not keep it)`);
    });
  }

  /** Waits for the guards' own writes (tests, shutdown). */
  flush(): Promise<void> {
    return this.chain;
  }

  readonly store: GuardStore = {
    saveDayStart: (accountId, day, equity) =>
      this.write('day start', accountId, () => this.storage.saveGuardDayStart(accountId, day, equity)),
    saveTrip: (accountId, t) =>
      this.write('trip', accountId, () =>
        this.storage.saveGuardTrip(
          accountId,
          t ? { reason: t.reason, at: new Date(t.atMs), equity: t.equity } : null,
        ),
      ),
  };

  readonly onGuardEvent = (event: GuardEvent, accountId: string, st: GuardState): void => {
    this.metrics.risk.equityGuardEvents.inc({ event });
    const detail = {
      accountId,
      event,
      reason: st.tripped?.reason ?? null,
      equity: st.tripped?.equity ?? null,
    };
    if (event === 'tripped') this.log.warn(detail, 'equity guard tripped: the account is close-only');
    else this.log.info(detail, `equity guard ${event === 'reset' ? 'reset' : 'cleared by the day start'}`);
    this.events.emit('equity_guard', detail);
  };

  /** Stored state, before the groups are loaded. */
  async load(): Promise<number> {
    const rows = await this.storage.loadAccountRisk();
    for (const r of rows)
      if (r.guardError)
        this.log.error({ accountId: r.accountId, error: r.guardError }, 'stored equity guard unreadable');
    this.core.restoreRisk(
      rows.map((r) => ({
        ...r,
        tripped: r.tripped && {
          reason: r.tripped.reason,
          atMs: r.tripped.at.getTime(),
          equity: r.tripped.equity,
        },
      })),
    );
    return rows.length;
  }

  /**
   * Cluster mode: another relay changed this account's row (or, without an id, a periodic catch-up of every row).
   * Read after every write queued here, so this relay's own latest changes are in what it reads.
   */
  async applyShared(accountId?: string): Promise<void> {
    const since = this.core.risk.now();
    const rows = await this.serial(() => this.storage.loadAccountRisk());
    const byId = new Map(rows.map((r) => [r.accountId, r]));
    const ids = accountId ? [accountId] : [...new Set([...byId.keys(), ...this.core.risk.accounts()])];
    for (const id of ids) {
      const r = byId.get(id);
      const row = r
        ? {
            ...r,
            tripped: r.tripped && {
              reason: r.tripped.reason,
              atMs: r.tripped.at.getTime(),
              equity: r.tripped.equity,
            },
          }
        : null;
      applySharedRow(this.core.risk, id, row, since);
    }
  }

  accounts(): AccountRiskView[] {
    return this.core.risk.accounts().map((id) => this.core.risk.view(id));
  }

  members(): MemberRiskState[] {
    return this.core.risk.memberStates();
  }

  localControls(): MemberControlsView[] {
    return this.core.risk.memberControls();
  }

  controls(): Promise<MemberControlsView[]> {
    const local = this.localControls();
    return this.remoteControls ? this.remoteControls(local) : Promise.resolve(local);
  }

  account(accountId: string): AccountRiskView {
    return this.core.risk.view(accountId);
  }

  async setGuard(accountId: string, guard: EquityGuard): Promise<SetGuardResult> {
    if (guard.closeAll) {
      const shared = this.core.sharedMastersOf(accountId);
      if (shared.length > 0)
        return {
          ok: false,
          error: 'shared_delivery',
          message:
            `closeAll needs isolated delivery: ${accountId} receives ${shared.join(', ')} in shared delivery, ` +
            'where a Close sent to it reaches every slave of the master. Switch those groups to isolated ' +
            'delivery, or save the guard without closeAll.',
        };
    }
    await this.stored(accountId, () => this.storage.setEquityGuard(accountId, guard));
    this.core.risk.setEquityGuard(accountId, guard);
    return { ok: true, view: this.account(accountId) };
  }

  async removeGuard(accountId: string): Promise<boolean> {
    const had = this.core.risk.guards.guard(accountId) !== undefined;
    await this.stored(accountId, () => this.storage.setEquityGuard(accountId, null));
    this.core.risk.setEquityGuard(accountId, null);
    return had;
  }

  reset(accountId: string): boolean {
    return this.core.risk.resetEquityGuard(accountId);
  }

  async setMasterCloseOnly(masterId: string, on: boolean): Promise<AccountRiskView> {
    await this.stored(masterId, () => this.storage.setMasterCloseOnly(masterId, on));
    this.core.risk.setMasterCloseOnly(masterId, on);
    return this.account(masterId);
  }

  closeAll(accountId: string): CloseAllResult {
    return this.core.closeAll(accountId);
  }
}
