// The risk controls (docs/protocol.md D22): decide each member's risk word, hand it to the engine (which refuses
// Opens with the reason) and, when close-only starts or ends, re-send the member's config so that its EA refuses
// Opens itself whichever slave's topic they arrive on (shared delivery). Driven by the relay's 1 s tick (windows,
// equity, day starts) and by the signal path (open-position caps).
import type { MemberControlsView } from '@sankey/shared/api/risk-views';
import type { EquityGuard, TradingHours } from '@sankey/shared/domain/risk';
import type { MemberState } from '../../state/groups';
import type { ConfigPublisher } from '../config-publisher';
import { RISK } from '../engine';
import type { Clock, Logger } from '../ports';
import type { CoreState } from '../state';
import type { CloseAllResult } from './close-all';
import { type AccountRiskView, type MemberRiskState, memberControlStates } from './control-states';
import {
  EquityGuards,
  type GuardEvent,
  type GuardRow,
  type GuardState,
  type GuardStore,
  nextDayStart,
} from './equity-guard';
import { inWindows } from './trading-hours';
import { type LocalTime, localTime } from './zone-clock';

/** What the controls read of the delivery ledger: copies of a member still open. */
export interface OpenCopies {
  openCount(master: string, slave: string): number;
}

export interface RiskDeps {
  clock: Clock;
  log: Logger;
  ledger: OpenCopies;
  /** Persists the equity guards' days, day-start equities and trips (absent: kept in memory only). */
  guardStore?: GuardStore | undefined;
  /** Told of each guard trip, reset and trip cleared by a new day (metrics, log, live events). */
  onGuardEvent?: ((event: GuardEvent, accountId: string, state: GuardState) => void) | undefined;
}

export type { AccountRiskView, MemberRiskState } from './control-states';

const key = (master: string, slave: string) => `${master}\u0000${slave}`;

export class RiskControls {
  readonly guards: EquityGuards;
  /** The cap each member's open-copy count was last compared with (a changed cap forces a recount). */
  private readonly countedCap = new Map<string, number | null>();
  /** Accounts whose guard tripped with `closeAll` on: their open copies are closed once after the configs went. */
  private readonly pendingCloseAll: string[] = [];
  /** Installed by the core: closes every open copy of a slave account (isolated delivery only). */
  closeAll: (slave: string) => CloseAllResult = () => ({ ok: true, closes: 0, members: [] });
  /** Whether this relay runs the account's guard (cluster: the relay holding its slave EA; docs/cluster.md). */
  ownsAccount: (accountId: string) => boolean = () => true;
  /** Master accounts whose Opens are refused for every member (manual close-only per master). */
  private readonly closeOnlyMasters = new Set<string>();

  constructor(
    private readonly state: CoreState,
    private readonly configs: ConfigPublisher,
    private readonly deps: RiskDeps,
  ) {
    this.guards = new EquityGuards(deps.guardStore, (event, accountId, st) => {
      deps.onGuardEvent?.(event, accountId, st);
      if (event === 'tripped' && this.guards.guard(accountId)?.closeAll) this.pendingCloseAll.push(accountId);
    });
    state.risk.evaluate = (m) => this.evaluate(m, deps.clock.nowMs(), new Map(), false);
  }

  /** The 1 s tick: day starts and equity first (they cover all of an account's memberships), then every member. */
  tick(): void {
    const now = this.deps.clock.nowMs();
    for (const account of this.guards.accounts())
      if (this.ownsAccount(account)) this.guards.check(account, this.equityOf(account), now);
    const zones = new Map<string, LocalTime>();
    for (const group of this.state.store.allGroups())
      for (const m of this.state.store.membersOf(group.id)) this.apply(m, now, zones, false);
    this.runCloseAll();
  }

  /** After a trip's close-only configs went out: the guard's closeAll, once per trip. */
  private runCloseAll(): void {
    for (const accountId of this.pendingCloseAll.splice(0)) {
      const r = this.closeAll(accountId);
      if (!r.ok)
        this.deps.log.warn({ accountId, error: r.error }, `equity guard closeAll not done: ${r.message}`);
    }
  }

  /**
   * Before an Open of this master is evaluated: a window that ended since the last tick (≤ 1 s ago) takes effect
   * for this Open, and the member's close-only config goes out ahead of it on the master's stream.
   */
  beforeOpen(masterId: string): void {
    let zones: Map<string, LocalTime> | undefined;
    let now = 0;
    for (const m of this.state.store.membersOf(masterId)) {
      if (!m.settings.risk.tradingHours) continue;
      if (!zones) {
        zones = new Map();
        now = this.deps.clock.nowMs();
      }
      this.apply(m, now, zones, false);
    }
  }

  /** After a signal of this master went out: Opens and Closes move members' open-copy counts. */
  afterSignal(masterId: string, action: string): void {
    if (action === 'Modify') return;
    const now = this.deps.clock.nowMs();
    const zones = new Map<string, LocalTime>();
    for (const m of this.state.store.membersOf(masterId))
      if (m.settings.risk.maxOpenPositions !== null || this.state.risk.get(masterId, m.slaveAccount) !== 0)
        this.apply(m, now, zones, true);
  }

  setEquityGuard(accountId: string, guard: EquityGuard | null): void {
    this.guards.configure(accountId, guard);
    this.refreshAccount(accountId);
  }

  /** Operator reset of a tripped equity guard. Returns false when it was not tripped. */
  resetEquityGuard(accountId: string): boolean {
    if (!this.guards.reset(accountId, this.equityOf(accountId))) return false;
    this.refreshAccount(accountId);
    return true;
  }

  /** Stored state at start, before groups are loaded: guards with their day and trip, master close-only flags. */
  restore(rows: readonly (GuardRow & { equityGuard: EquityGuard | null; masterCloseOnly: boolean })[]): void {
    for (const r of rows) {
      if (r.equityGuard) this.guards.configure(r.accountId, r.equityGuard);
      if (r.masterCloseOnly) this.closeOnlyMasters.add(r.accountId);
    }
    this.guards.restore(rows.filter((r) => r.equityGuard !== null));
  }

  /** Manual close-only for every member of a master (Closes and Modifies still pass). */
  setMasterCloseOnly(masterId: string, on: boolean): void {
    if (on) this.closeOnlyMasters.add(masterId);
    else this.closeOnlyMasters.delete(masterId);
    const now = this.deps.clock.nowMs();
    const zones = new Map<string, LocalTime>();
    for (const m of this.state.store.membersOf(masterId)) this.apply(m, now, zones, false);
  }

  /** The controls' clock (trip times are on it). */
  now(): number {
    return this.deps.clock.nowMs();
  }

  isMasterCloseOnly(masterId: string): boolean {
    return this.closeOnlyMasters.has(masterId);
  }

  /** Accounts with a guard or a master close-only flag, by id. */
  accounts(): string[] {
    return [...new Set([...this.guards.accounts(), ...this.closeOnlyMasters])].sort();
  }

  /** Members with a control in force now, with why (the UI's close-only badges and the member drawer). */
  memberStates(): MemberRiskState[] {
    const out: MemberRiskState[] = [];
    for (const group of this.state.store.allGroups())
      for (const m of this.state.store.membersOf(group.id)) {
        const word = this.state.risk.get(m.tradeGroupId, m.slaveAccount);
        if (word === 0) continue;
        const reasons: MemberRiskState['reasons'] = [];
        if (word & RISK.MANUAL) {
          if (m.settings.risk.closeOnly) reasons.push('manual_close_only');
          if (this.closeOnlyMasters.has(m.tradeGroupId)) reasons.push('master_close_only');
        }
        if (word & RISK.EQUITY) reasons.push('equity_guard');
        if (word & RISK.POSITIONS) reasons.push('max_positions');
        if (word & RISK.HOURS) reasons.push('outside_trading_hours');
        out.push({
          tradeGroupId: m.tradeGroupId,
          slaveAccount: m.slaveAccount,
          reasons,
          openCopies: this.deps.ledger.openCount(m.tradeGroupId, m.slaveAccount),
        });
      }
    return out;
  }

  /** Every member with a control set, each control with its state and until when (card, drawer, details). */
  memberControls(): MemberControlsView[] {
    const now = this.deps.clock.nowMs();
    const out: MemberControlsView[] = [];
    for (const group of this.state.store.allGroups())
      for (const m of this.state.store.membersOf(group.id)) {
        const { tradeGroupId: master, slaveAccount: slave } = m;
        const controls = memberControlStates(
          {
            risk: m.settings.risk,
            masterCloseOnly: this.closeOnlyMasters.has(master),
            word: this.state.risk.get(master, slave),
            openCopies:
              m.settings.risk.maxOpenPositions === null ? 0 : this.deps.ledger.openCount(master, slave),
            guard: this.guards.guard(slave),
            guardState: this.guards.state(slave),
            equity: this.equityOf(slave),
          },
          now,
        );
        if (controls.length > 0) out.push({ tradeGroupId: master, slaveAccount: slave, controls });
      }
    return out;
  }

  view(accountId: string): AccountRiskView {
    const guard = this.guards.guard(accountId) ?? null;
    const st = guard ? this.guards.state(accountId) : undefined;
    const t = st?.tripped;
    return {
      accountId,
      equityGuard: guard,
      day: st?.day ?? null,
      dayStartEquity: st?.dayStartEquity ?? null,
      tripped:
        t && guard
          ? {
              reason: t.reason,
              at: new Date(t.atMs).toISOString(),
              equity: t.equity,
              until: new Date(nextDayStart(guard, this.deps.clock.nowMs())).toISOString(),
            }
          : null,
      masterCloseOnly: this.closeOnlyMasters.has(accountId),
    };
  }

  /** Equity as reported by heartbeats; null before the first one (a Register carries none). */
  private equityOf(accountId: string): number | null {
    const e = this.state.connections.getSlave(accountId);
    return e && e.status !== 'Registered' ? e.equity : null;
  }

  /** Re-checks the account's guard (where it runs) and applies its memberships (configs when that changed). */
  refreshAccount(accountId: string): void {
    const now = this.deps.clock.nowMs();
    if (this.ownsAccount(accountId)) this.guards.check(accountId, this.equityOf(accountId), now);
    const zones = new Map<string, LocalTime>();
    for (const m of this.state.store.membershipsOf(accountId)) this.apply(m, now, zones, false);
    this.runCloseAll();
  }

  /** The member's risk word now; the position bit is recounted only when asked or when its cap changed. */
  evaluate(m: MemberState, now: number, zones: Map<string, LocalTime>, recount: boolean): number {
    const r = m.settings.risk;
    const k = key(m.tradeGroupId, m.slaveAccount);
    let word = 0;
    if (r.closeOnly || this.closeOnlyMasters.has(m.tradeGroupId)) word |= RISK.MANUAL;
    if (this.guards.isTripped(m.slaveAccount)) word |= RISK.EQUITY;
    const cap = r.maxOpenPositions;
    if (recount || this.countedCap.get(k) !== cap) {
      this.countedCap.set(k, cap);
      if (cap !== null && this.deps.ledger.openCount(m.tradeGroupId, m.slaveAccount) >= cap)
        word |= RISK.POSITIONS;
    } else {
      word |= this.state.risk.get(m.tradeGroupId, m.slaveAccount) & RISK.POSITIONS;
    }
    if (r.tradingHours && !this.inHours(r.tradingHours, now, zones)) word |= RISK.HOURS;
    return word;
  }

  private inHours(hours: TradingHours, now: number, zones: Map<string, LocalTime>): boolean {
    let local = zones.get(hours.timeZone);
    if (!local) {
      local = localTime(hours.timeZone, now);
      zones.set(hours.timeZone, local);
    }
    return inWindows(hours, local);
  }

  private apply(m: MemberState, now: number, zones: Map<string, LocalTime>, recount: boolean): void {
    const { tradeGroupId: master, slaveAccount: slave } = m;
    const word = this.evaluate(m, now, zones, recount);
    if (word !== this.state.risk.get(master, slave)) {
      this.state.risk.set(master, slave, word);
      this.state.engine.setMemberRisk(master, slave, word);
    }
    // D22: a control that trips or clears re-sends the config (allow_new_orders follows the word).
    if (this.state.risk.stale(master, slave)) this.configs.slave(m, this.state.evaluateMember(m), 'risk');
  }
}
