// The relay's core: pure logic over in-memory state and ports (docs/architecture.md, "Relay core"). This class
// only wires the parts and is the one door to them: inbound messages (dispatch.ts → connection-handlers.ts,
// signal-path.ts, sync.ts), admin changes (admin-changes.ts), all configs through config-publisher.ts. Its state
// (state.ts) is private; callers read it through the read-only methods below.

import type { EquityGuard } from '@sankey/shared/domain/risk';
import type { GlobalSettings } from '@sankey/shared/domain/settings';
import type { DecodedInbound, TradeSignal } from '@sankey/shared/protocol/messages';
import type { ConnectionEntry } from '../state/connections';
import type { GroupState, MemberState } from '../state/groups';
import { AdminChanges, type MemberChangeKind } from './admin-changes';
import { ConfigPublisher } from './config-publisher';
import { ConnectionHandlers } from './connection-handlers';
import { type CopyFrame, framesIgnoringAge } from './copies-ignoring-age';
import { Delivery } from './delivery';
import { DeliverySwitch } from './delivery-switch';
import { dispatch, type InboundHandlers } from './dispatch';
import type { MasterResult, MemberResult } from './evaluation';
import type { AliasRow } from './isolation';
import { Listeners } from './listening';
import { MemberStatus } from './member-status';
import { type ParkedCopy, ParkingLot } from './parking';
import type { RelayCoreDeps } from './relay-core-deps';
import { type CloseAllResult, closeAll, sharedMasters } from './risk/close-all';
import { RiskControls } from './risk/controls';
import type { GuardRow } from './risk/equity-guard';
import { SignalPath } from './signal-path';
import { CoreState, type RemoteSlaveView } from './state';
import { StreamGate } from './stream-gate';
import { SyncRelay } from './sync';

export type { RelayCoreDeps } from './relay-core-deps';

export class RelayCore {
  private readonly state: CoreState;
  private readonly inbound: InboundHandlers;
  private readonly admin: AdminChanges;
  private readonly configs: ConfigPublisher;
  private readonly onGlobalSettings: (next: GlobalSettings) => void;
  readonly delivery: Delivery;
  /** Risk controls (D22): equity guards and their resets, the tick that follows windows and day starts. */
  readonly risk: RiskControls;
  private readonly switches: DeliverySwitch;
  private readonly gate: StreamGate;
  private readonly status: MemberStatus;

  constructor(rawDeps: RelayCoreDeps) {
    // Every frame goes through the gate, so a snapshot built over several ticks keeps its master's order (D14).
    const gate = new StreamGate(rawDeps.frames, rawDeps.later ?? setImmediate, (err, stream) =>
      rawDeps.log.error({ err, stream }, 'snapshot job failed'),
    );
    const deps = { ...rawDeps, frames: gate };
    this.gate = gate;
    this.state = new CoreState(deps.engine, deps.globalSettings, deps.maxConnections);
    this.state.onCompileError = (err, masterId) =>
      deps.log.error({ err, masterId }, 'copy rules not recompiled: the previous ones stay in force');
    this.onGlobalSettings = deps.onGlobalSettings ?? (() => {});
    const configs = new ConfigPublisher(this.state, deps);
    this.configs = configs;
    configs.onSlaveConfig = (master, slave, opensAccepted) => {
      if (opensAccepted) this.delivery.releaseHeld(master, slave);
    };
    const parking = new ParkingLot(
      { maxPerSlave: 10_000, closeTtlMs: 86_400_000, ...deps.parking },
      deps.parkingStore,
    );
    if (deps.aliasStore) this.state.isolation.useStore(deps.aliasStore);
    const isolation = this.state.isolation;
    this.delivery = new Delivery(new Listeners(), parking, deps, (m, s) => isolation.via(m, s));
    this.switches = new DeliverySwitch(this.state, configs, this.delivery.listeners, deps.clock, deps.events);
    this.risk = new RiskControls(this.state, configs, deps);
    this.risk.closeAll = (slave) =>
      closeAll(this.state, slave, {
        ...deps,
        delivery: this.delivery,
        onClose: deps.onCloseAllClose ?? (() => {}),
      });
    const status = new MemberStatus(this.state, deps.statusWriter, deps.events);
    this.status = status;
    this.inbound = {
      connections: new ConnectionHandlers(this.state, configs, status, deps),
      signals: new SignalPath(this.state, {
        ...deps,
        delivery: this.delivery,
        onDelivered: deps.onSignalDelivered ?? (() => {}),
        risk: this.risk,
      }),
      sync: new SyncRelay(this.state, configs, { ...deps, gate, sliceBudget: deps.snapshotSlice }),
    };
    this.admin = new AdminChanges(this.state, configs, status, deps.events, this.switches);
  }

  /** One decoded inbound message. `receivedAtNs` is when its frame arrived. */
  handle(msg: DecodedInbound, receivedAtNs: bigint): void {
    dispatch(this.inbound, msg, receivedAtNs);
  }

  /** Resolves when every snapshot being built in slices has sent its frames (shutdown waits for it). */
  settled(): Promise<void> {
    return this.gate.idle();
  }

  /** A master on another relay (docs/cluster.md): a Heartbeat while live there, an Unregister when it went offline. */
  handleRemote(msg: Extract<DecodedInbound, { type: 'Heartbeat' | 'Unregister' }>): void {
    if (msg.type === 'Heartbeat') this.inbound.connections.heartbeat(msg.message, 'remote');
    else this.inbound.connections.unregister(msg.message);
  }

  /** The heartbeat timeout check (D9) with the configured timeout, then `tick` (relay-ticks.ts runs them apart). */
  checkTimeouts(): void {
    this.checkConnectionTimeouts(1);
    this.tick();
  }
  /** The timeout check of the next 1/`slices` of the connection table (state/sweep-cursor.ts). */
  checkConnectionTimeouts(slices: number): void {
    this.inbound.connections.checkTimeouts(this.state.settings.heartbeatTimeoutS, slices);
  }
  /** Every second: parked copies past their time, risk controls, delivery switches. */
  tick(): void {
    this.delivery.sweep();
    this.risk.tick();
    this.switches.tick();
  }

  /** A subscription the XPUB socket reported (D19): a slave listening again gets its config, then its parked copies. */
  onSubscription(topic: string, live: boolean): void {
    const change = this.delivery.listeners.apply(topic, live);
    if (live) this.switches.onSubscription(topic);
    if (!change?.live) return;
    // A live `trade/<alias>/<slave>` stands for its member's real master (D23).
    const alias = this.state.isolation.resolve(change.master);
    const master = alias && alias.slaveAccount === change.slave ? alias.masterAccount : change.master;
    if (this.state.isolation.via(master, change.slave) !== change.master) return;
    const member = this.state.store.getMember(master, change.slave);
    this.delivery.release(master, change.slave, () =>
      member ? this.configs.slave(member, this.state.evaluateMember(member), 'listening') : true,
    );
  }

  /** Stored per-account risk state (equity guards, master close-only), before groups are loaded. */
  restoreRisk(
    rows: readonly (GuardRow & { equityGuard: EquityGuard | null; masterCloseOnly: boolean })[],
  ): void {
    this.risk.restore(rows);
  }

  /** One Close per copy still open on the slave account (D22); refused unless all its delivery is isolated. */
  closeAll(slave: string): CloseAllResult {
    return this.risk.closeAll(slave);
  }

  /** The masters the slave account still receives in shared delivery (closeAll is refused while any). */
  sharedMastersOf(slave: string): string[] {
    return sharedMasters(this.state, slave);
  }

  /** Parked copies restored from the database at start. */
  restoreParked(copies: ParkedCopy[]): void {
    this.delivery.parking.restore(copies);
  }

  // ------------------------------------------------------------------ admin changes (the outbox consumer)

  /** Loads every group and member as stored, without sending anything (start-up). */
  loadAll(groups: readonly GroupState[], members: readonly MemberState[]): void {
    const byGroup = new Map<string, MemberState[]>();
    for (const m of members) {
      const list = byGroup.get(m.tradeGroupId) ?? [];
      list.push(m);
      byGroup.set(m.tradeGroupId, list);
    }
    for (const g of groups) this.loadGroup(g, byGroup.get(g.id) ?? []);
  }

  /** The stored alias table (D23), before groups are loaded. */
  restoreAliases(rows: readonly AliasRow[]): void {
    this.state.isolation.restore(rows);
  }

  /** The master an id a slave asks under stands for: its alias's master (isolated delivery, D23), or the id. */
  masterFor(id: string, slave: string): string {
    const alias = this.state.isolation.resolve(id);
    return alias && alias.slaveAccount === slave ? alias.masterAccount : id;
  }

  /** The frames a live copy would carry to the wanted members, ignoring the Open's age (copies-ignoring-age.ts). */
  framesIgnoringAge(sig: TradeSignal, wanted: (slave: string) => boolean): CopyFrame[] {
    return framesIgnoringAge(this.state, sig, wanted);
  }

  deliveryRoute(master: string, slave: string) {
    const { isolation } = this.state;
    return { via: isolation.via(master, slave), phase: isolation.phase(master, slave) };
  }

  /** Loads a group as stored, without sending anything (start-up). */
  loadGroup(group: GroupState, members: MemberState[]): void {
    this.state.loadGroup(group, members);
    for (const m of members) this.switches.settle(m);
  }

  applyGroupCreated(group: GroupState, members: MemberState[]): void {
    this.admin.groupCreated(group, members);
  }

  applyGroupUpdated(group: GroupState): void {
    this.admin.groupUpdated(group);
  }

  applyGroupToggled(group: GroupState): void {
    this.admin.groupToggled(group);
  }

  applyGroupReloaded(group: GroupState, members: MemberState[]): void {
    this.admin.groupReloaded(group, members);
  }

  applyGroupDeleted(masterId: string, slaveAccounts: readonly string[]): void {
    this.admin.groupDeleted(masterId, slaveAccounts);
  }

  applyMemberChanged(group: GroupState, member: MemberState, kind: MemberChangeKind): void {
    this.admin.memberChanged(group, member, kind);
  }

  applyMemberDeleted(masterId: string, slaveAccount: string, groupDeleted: boolean): void {
    this.admin.memberDeleted(masterId, slaveAccount, groupDeleted);
  }

  applyGlobalSettings(next: GlobalSettings): void {
    this.admin.globalSettings(next);
    this.onGlobalSettings(next);
  }

  // ------------------------------------------------------------------ read model (views, control API, tests)

  get settings(): GlobalSettings {
    return this.state.settings;
  }

  groups(): readonly GroupState[] {
    return this.state.store.allGroups();
  }

  group(id: string): GroupState | undefined {
    return this.state.store.getGroup(id);
  }

  membersOf(masterId: string): readonly MemberState[] {
    return this.state.store.membersOf(masterId);
  }

  member(masterId: string, slaveAccount: string): MemberState | undefined {
    return this.state.store.getMember(masterId, slaveAccount);
  }

  connections(): readonly ConnectionEntry[] {
    return this.state.connections.all();
  }

  connection(accountId: string, eaType: 'Master' | 'Slave'): ConnectionEntry | undefined {
    return this.state.connections.get(accountId, eaType);
  }

  /** Copy-engine figures for /metrics: interned symbols, compactions, memory; and failed compiles. */
  engineStats() {
    return { ...this.state.engine.stats(), compileErrors: this.state.compileErrors };
  }

  masterStatus(masterId: string): MasterResult {
    return this.state.masterStatus(masterId);
  }

  evaluateMember(member: MemberState, master?: MasterResult): MemberResult {
    return this.state.evaluateMember(member, master);
  }

  /** The evaluation views and the UI's events show: a slave on another relay counts as its relay says. */
  viewMember(member: MemberState, master?: MasterResult): MemberResult {
    return this.state.viewMember(member, master);
  }

  /**
   * Cluster mode (docs/cluster.md, Member status across relays): slaves on other relays, their state for views
   * and their accounts for the copy path, which does not report those members as filtered (their relay copies).
   */
  useRemoteSlaves(remote: RemoteSlaveView, accounts?: ReadonlySet<string>): void {
    this.state.remoteSlave = remote;
    this.state.slavesElsewhere = accounts ?? null;
  }

  /** A slave on another relay changed there: its members' `settings_updated`, with the new evaluation. */
  remoteSlaveChanged(slaveAccount: string): void {
    for (const member of this.state.store.membershipsOf(slaveAccount)) {
      this.status.emitUpdated(member, this.state.viewMember(member));
    }
  }
}
