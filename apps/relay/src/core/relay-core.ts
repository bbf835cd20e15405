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
import { dispatch, type InboundHandlers } from './dispatch';
import type { Engine } from './engine';
import type { MasterResult, MemberResult } from './evaluation';
import { MemberStatus } from './member-status';
import type {
  Clock,
  CoreMetrics,
  DeliveryLedgerPort,
  EventSink,
  FrameSink,
  Logger,
  SignalRecorder,
  StatusWriter,
} from './ports';
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
  /** Latency observer: frame received → last copy of the signal handed to the socket. */
  onSignalDelivered?: (latencyNs: bigint) => void;
}

export class RelayCore {
  private readonly state: CoreState;
  private readonly inbound: InboundHandlers;
  private readonly admin: AdminChanges;

  constructor(deps: RelayCoreDeps) {
    this.state = new CoreState(deps.engine, deps.globalSettings);
    const configs = new ConfigPublisher(this.state, deps);
    const status = new MemberStatus(this.state, deps.statusWriter, deps.events);
    this.inbound = {
      connections: new ConnectionHandlers(this.state, configs, status, deps),
      signals: new SignalPath(this.state, { ...deps, onDelivered: deps.onSignalDelivered ?? (() => {}) }),
      sync: new SyncRelay(this.state, configs, deps),
    };
    this.admin = new AdminChanges(this.state, configs, status, deps.events);
  }

  /** One decoded inbound message. `receivedAtNs` is when its frame arrived. */
  handle(msg: DecodedInbound, receivedAtNs: bigint): void {
    dispatch(this.inbound, msg, receivedAtNs);
  }

  /** The heartbeat timeout check (every second, D9), with the configured timeout. */
  checkTimeouts(): void {
    this.inbound.connections.checkTimeouts(this.state.settings.heartbeatTimeoutS);
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
    for (const g of groups) this.state.loadGroup(g, byGroup.get(g.id) ?? []);
  }

  /** Loads a group as stored, without sending anything (start-up). */
  loadGroup(group: GroupState, members: MemberState[]): void {
    this.state.loadGroup(group, members);
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

  masterStatus(masterId: string): MasterResult {
    return this.state.masterStatus(masterId);
  }

  evaluateMember(member: MemberState, master?: MasterResult): MemberResult {
    return this.state.evaluateMember(member, master);
  }
}
