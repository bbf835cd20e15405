// The relay's core: pure logic over in-memory state and ports (docs/architecture.md, "Relay core"). This class
// only wires the parts and is the one door to them: inbound messages (dispatch.ts → connection-handlers.ts,
// signal-path.ts, sync.ts), admin changes (admin-changes.ts), all configs through config-publisher.ts. Its state
// (state.ts) is private; callers read it through the read-only methods below.
import type { GlobalSettings } from '@sankey/shared/domain/settings';
import type { DecodedInbound } from '@sankey/shared/protocol/messages';
import type { ConnectionEntry } from '../state/connections';
import type { GroupState, MemberState } from '../state/groups';
import { AdminChanges, type MemberChangeKind } from './admin-changes';
import { ConfigPublisher } from './config-publisher';
import { ConnectionHandlers } from './connection-handlers';
import { Delivery } from './delivery';
import { DeliverySwitch } from './delivery-switch';
import { dispatch, type InboundHandlers } from './dispatch';
import type { Engine } from './engine';
import type { MasterResult, MemberResult } from './evaluation';
import type { AliasRow, AliasStorePort } from './isolation';
import { Listeners } from './listening';
import { MemberStatus } from './member-status';
import { type ParkedCopy, ParkingLot, type ParkingOptions, type ParkingStorePort } from './parking';
import type {
  Clock,
  CoreMetrics,
  DeadLetterSink,
  DeliveryLedgerPort,
  EventSink,
  FrameSink,
  IsBlocked,
  Logger,
  SignalRecorder,
  StatusWriter,
} from './ports';
import { RiskControls } from './risk/controls';
import type { DayStartRow, DayStartStore } from './risk/equity-guard';
import { SignalPath } from './signal-path';
import { CoreState } from './state';
import { SyncRelay } from './sync';

export interface RelayCoreDeps {
  engine: Engine;
  frames: FrameSink;
  events: EventSink;
  statusWriter: StatusWriter;
  metrics: CoreMetrics;
  log: Logger;
  clock: Clock;
  globalSettings: GlobalSettings;
  /** Optional: the signal journal (absent in unit tests that do not look at it). */
  journal?: SignalRecorder;
  /** The delivery ledger (D15): what was copied to whom. */
  ledger: DeliveryLedgerPort;
  /** Where dead letters go (D20), and where parked copies are persisted (D19). */
  deadLetters: DeadLetterSink;
  parkingStore: ParkingStorePort;
  /** Where new member aliases are stored (D23); kept in memory only when absent. */
  aliasStore?: AliasStorePort;
  parking?: Partial<ParkingOptions>;
  /** The blocklist: blocked EAs get no configs and no copies (docs/api.md, blocklist). */
  isBlocked?: IsBlocked;
  /** Connection-table cap (D18); unbounded when absent. */
  maxConnections?: number;
  /** Latency observer: frame received → last copy of the signal handed to the socket. */
  onSignalDelivered?: (latencyNs: bigint) => void;
  /** Where the equity guards' day-start equities are persisted (D22); memory only when absent. */
  dayStarts?: DayStartStore;
  /** Told after new global settings were applied (log shipping follows them). */
  onGlobalSettings?: (next: GlobalSettings) => void;
}

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

  constructor(deps: RelayCoreDeps) {
    this.state = new CoreState(deps.engine, deps.globalSettings, deps.maxConnections);
    this.state.onCompileError = (err, masterId) =>
      deps.log.error({ err, masterId }, 'copy rules not recompiled: the previous ones stay in force');
    this.onGlobalSettings = deps.onGlobalSettings ?? (() => {});
    const configs = new ConfigPublisher(this.state, deps);
    this.configs = configs;
    const parking = new ParkingLot(
      { maxPerSlave: 10_000, closeTtlMs: 86_400_000, ...deps.parking },
      deps.parkingStore,
    );
    if (deps.aliasStore) this.state.isolation.useStore(deps.aliasStore);
    const isolation = this.state.isolation;
    this.delivery = new Delivery(new Listeners(), parking, deps, (m, s) => isolation.via(m, s));
    this.switches = new DeliverySwitch(this.state, configs, this.delivery.listeners, deps.clock, deps.events);
    this.risk = new RiskControls(this.state, configs, deps);
    const status = new MemberStatus(this.state, deps.statusWriter, deps.events);
    this.inbound = {
      connections: new ConnectionHandlers(this.state, configs, status, deps),
      signals: new SignalPath(this.state, {
        ...deps,
        delivery: this.delivery,
        onDelivered: deps.onSignalDelivered ?? (() => {}),
        risk: this.risk,
      }),
      sync: new SyncRelay(this.state, configs, deps),
    };
    this.admin = new AdminChanges(this.state, configs, status, deps.events, this.switches);
  }

  /** One decoded inbound message. `receivedAtNs` is when its frame arrived. */
  handle(msg: DecodedInbound, receivedAtNs: bigint): void {
    dispatch(this.inbound, msg, receivedAtNs);
  }

  /**
   * A master connected to another relay of the cluster, as its shared state says (docs/cluster.md): a Heartbeat
   * while it is live there, an Unregister when it went offline. Local members are evaluated against it.
   */
  handleRemote(msg: Extract<DecodedInbound, { type: 'Heartbeat' | 'Unregister' }>): void {
    if (msg.type === 'Heartbeat') this.inbound.connections.heartbeat(msg.message, 'remote');
    else this.inbound.connections.unregister(msg.message);
  }

  /** The heartbeat timeout check (every second, D9), with the configured timeout; parked copies past their time. */
  checkTimeouts(): void {
    this.inbound.connections.checkTimeouts(this.state.settings.heartbeatTimeoutS);
    this.delivery.sweep();
    this.risk.tick();
    this.switches.tick();
  }

  /**
   * A subscription the XPUB socket reported (D19). When slave S starts listening for master M again, S gets its
   * config for M first, then the copies parked for it, in order.
   */
  onSubscription(topic: string, live: boolean): void {
    const change = this.delivery.listeners.apply(topic, live);
    if (live) this.switches.onSubscription(topic);
    if (!change?.live) return;
    // A live `trade/<alias>/<slave>` stands for its member's real master (D23).
    const alias = this.state.isolation.resolve(change.master);
    const master = alias && alias.slaveAccount === change.slave ? alias.masterAccount : change.master;
    if (this.state.isolation.via(master, change.slave) !== change.master) return;
    const member = this.state.store.getMember(master, change.slave);
    this.delivery.release(master, change.slave, () => {
      if (member) this.configs.slave(member, this.state.evaluateMember(member), 'listening');
    });
  }

  /** Day-start equities of the equity guards restored from the database at start. */
  restoreDayStarts(rows: readonly DayStartRow[]): void {
    this.risk.restoreDayStarts(rows);
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

  /** The id slave S knows master M by now, and the phase of its delivery switch (D23). */
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
}
