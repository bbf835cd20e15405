// The relay's message handling (protocol-and-relay.md §6, §7; README D1–D5, D13): pure logic over in-memory
// state and ports. One instance; messages are handed to it strictly one at a time, in arrival order.
import type { GlobalSettings } from '@sankey/shared/domain/settings';
import { encodeOutbound, encodePayload, frameWithTopic } from '@sankey/shared/protocol/codec';
import { type FilterReason, Status, warningsFromMask } from '@sankey/shared/protocol/constants';
import type {
  DecodedInbound,
  HeartbeatMessage,
  OutboundMessage,
  PositionInfo,
  PositionSnapshotMessage,
  RegisterMessage,
  RequestConfigMessage,
  SyncRequestMessage,
  TradeSignal,
  UnregisterMessage,
} from '@sankey/shared/protocol/messages';
import {
  buildMasterConfigMessage,
  buildRemovalMasterConfig,
  buildRemovalSlaveConfig,
  buildSlaveConfigMessage,
} from '@sankey/shared/protocol/settings-wire';
import { configTopic, GLOBAL_CONFIG_TOPIC, syncTopic, tradeTopic } from '@sankey/shared/protocol/topics';
import {
  type ConnectionEntry,
  type ConnectionSnapshot,
  ConnectionTable,
  eaTypeKey,
} from '../state/connections';
import { type GroupState, GroupStore, type MemberState } from '../state/groups';
import type { Engine, SignalInput } from './engine';
import { Evaluator, type MasterResult, type MemberResult, UNKNOWN_RESULT } from './evaluation';
import { globalConfigMessage } from './global-config';
import {
  type Clock,
  type ConfigTrigger,
  type CoreMetrics,
  type EventSink,
  type FrameSink,
  type Logger,
  PRIORITY_HIGH,
  PRIORITY_LOW,
  PRIORITY_NORMAL,
  type Priority,
  type SendTracker,
  type SignalRecorder,
  type StatusWriter,
} from './ports';
import { splitSnapshot } from './snapshot-split';

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
}

export class RelayCore {
  readonly connections = new ConnectionTable();
  readonly store = new GroupStore();
  private readonly eval: Evaluator;
  private globalSettings: GlobalSettings;

  constructor(private readonly deps: RelayCoreDeps) {
    this.eval = new Evaluator(deps.engine);
    this.globalSettings = deps.globalSettings;
    deps.engine.setSynonymGroups(this.globalSettings.synonymGroups);
  }

  get events(): EventSink {
    return this.deps.events;
  }

  get settings(): GlobalSettings {
    return this.globalSettings;
  }

  /** Dispatches one decoded inbound message. `receivedAtNs` is when its frame arrived. */
  handle(msg: DecodedInbound, receivedAtNs: bigint): void {
    switch (msg.type) {
      case 'Register':
        return this.onRegister(msg.message);
      case 'Heartbeat':
        return this.onHeartbeat(msg.message);
      case 'RequestConfig':
        return this.onRequestConfig(msg.message);
      case 'Unregister':
        return this.onUnregister(msg.message);
      case 'TradeSignal':
        return this.onTradeSignal(msg.message, receivedAtNs);
      case 'SyncRequest':
        return this.onSyncRequest(msg.message);
      case 'PositionSnapshot':
        return this.onPositionSnapshot(msg.message);
    }
  }

  // ---------------------------------------------------------------- evaluation helpers (§6.2)

  masterStatus(masterId: string): MasterResult {
    return this.eval.master(
      this.store.getGroup(masterId),
      this.connections.snapshotOf(this.connections.getMaster(masterId)),
    );
  }

  evaluateMember(
    member: MemberState,
    master: MasterResult = this.masterStatus(member.tradeGroupId),
  ): MemberResult {
    const slave = this.connections.snapshotOf(this.connections.getSlave(member.slaveAccount));
    return this.eval.member(member.enabled, slave, master);
  }

  private slaveConfig(member: MemberState, result: MemberResult): OutboundMessage {
    const masterEntry = this.connections.getMaster(member.tradeGroupId);
    return {
      type: 'SlaveConfig',
      message: buildSlaveConfigMessage({
        slaveAccount: member.slaveAccount,
        masterAccount: member.tradeGroupId,
        status: result.status,
        allowNewOrders: result.allowNewOrders,
        warningCodes: warningsFromMask(result.warnings),
        masterEquity: masterEntry ? masterEntry.equity : null,
        settings: member.settings,
        timestampMs: this.deps.clock.nowMs(),
      }),
    };
  }

  private masterConfig(group: GroupState, result: MasterResult): OutboundMessage {
    return {
      type: 'MasterConfig',
      message: buildMasterConfigMessage({
        masterAccount: group.id,
        status: result.status,
        warningCodes: warningsFromMask(result.warnings),
        settings: group,
        timestampMs: this.deps.clock.nowMs(),
      }),
    };
  }

  private publishConfig(
    accountId: string,
    msg: OutboundMessage,
    trigger: ConfigTrigger,
    priority: Priority,
  ): void {
    const frame = this.encode(configTopic(accountId), msg);
    if (!frame) return;
    this.deps.frames.send(frame, configTopic(accountId), priority);
    this.deps.metrics.configSent(msg.type === 'MasterConfig' ? 'master' : 'slave', trigger);
  }

  private publishSlaveConfig(member: MemberState, result: MemberResult, trigger: ConfigTrigger): void {
    this.publishConfig(member.slaveAccount, this.slaveConfig(member, result), trigger, PRIORITY_NORMAL);
  }

  private publishMasterConfig(group: GroupState, result: MasterResult, trigger: ConfigTrigger): void {
    this.publishConfig(group.id, this.masterConfig(group, result), trigger, PRIORITY_NORMAL);
  }

  /** Encodes or refuses (counted, logged): a frame the EA cannot hold is never published (D3). */
  private encode(topic: string, msg: OutboundMessage): Buffer | null {
    try {
      return encodeOutbound(topic, msg);
    } catch (err) {
      this.deps.metrics.frameRefused(err instanceof Error ? err.name : 'encode_error');
      this.deps.log.error({ err, topic }, 'outbound frame refused');
      this.deps.events.emit('delivery_failed', {
        topic,
        reason: err instanceof Error ? err.message : String(err),
      });
      return null;
    }
  }

  /** Records the runtime status (D2): memory, the copy gate, and the DB — only when it changed. */
  private persistStatus(member: MemberState, status: number): boolean {
    if (member.status === status) return false;
    member.status = status;
    this.deps.engine.setMemberStatus(member.tradeGroupId, member.slaveAccount, status);
    this.deps.statusWriter.write(member.tradeGroupId, member.slaveAccount, status);
    return true;
  }

  private publishGlobalConfig(trigger: ConfigTrigger): void {
    const msg = globalConfigMessage(this.globalSettings.logShipping, new Date(this.deps.clock.nowMs()));
    if (!msg) return;
    const frame = this.encode(GLOBAL_CONFIG_TOPIC, { type: 'GlobalConfig', message: msg });
    if (!frame) return;
    this.deps.frames.send(frame, GLOBAL_CONFIG_TOPIC, PRIORITY_NORMAL);
    this.deps.metrics.configSent('global', trigger);
  }

  /** (Re)compiles a master's members into the copy engine. */
  compile(masterId: string): void {
    const group = this.store.getGroup(masterId);
    if (!group) {
      this.deps.engine.removeMaster(masterId);
      return;
    }
    this.deps.engine.compileMaster(
      masterId,
      { symbolPrefix: group.symbolPrefix, symbolSuffix: group.symbolSuffix },
      this.store.membersOf(masterId).map((m) => ({
        slaveAccount: m.slaveAccount,
        status: m.status,
        settings: m.settings,
        symbolContext: this.connections.getSlave(m.slaveAccount)?.symbolContext ?? null,
      })),
    );
  }

  // ---------------------------------------------------------------- Register (§6.3)

  private onRegister(msg: RegisterMessage): void {
    const before = this.connections.get(msg.account_id, eaTypeKey(msg.ea_type))?.symbolContext;
    const entry = this.connections.register(msg, this.deps.clock.nowMs());
    this.deps.log.info({ accountId: msg.account_id, eaType: msg.ea_type }, 'EA registered');
    this.deps.events.snapshotChanged();
    if (entry.eaType === 'Slave' && entry.symbolContext !== before) {
      for (const m of this.store.membershipsOf(entry.accountId)) this.compile(m.tradeGroupId);
    }
    this.publishGlobalConfig('register');

    if (msg.ea_type === 'Master') {
      const group = this.store.getGroup(msg.account_id);
      if (!group) return;
      const forced = this.eval.master(group, { status: 'Online', isTradeAllowed: entry.isTradeAllowed });
      this.publishMasterConfig(group, forced, 'register');
      const master = this.masterStatus(group.id);
      for (const member of this.store.membersOf(group.id)) {
        this.publishSlaveConfig(member, this.evaluateMember(member, master), 'register');
      }
    } else if (msg.ea_type === 'Slave') {
      for (const member of this.store.membershipsOf(msg.account_id)) {
        this.publishSlaveConfig(member, this.evaluateMember(member), 'register');
      }
    }
  }

  // ---------------------------------------------------------------- Heartbeat (§6.4)

  private onHeartbeat(msg: HeartbeatMessage): void {
    const prev = this.connections.get(msg.account_id, eaTypeKey(msg.ea_type));
    const old: ConnectionSnapshot | null = prev
      ? { status: prev.status, isTradeAllowed: prev.isTradeAllowed }
      : null;
    const isNew = this.connections.heartbeat(msg, this.deps.clock.nowMs());
    if (isNew) this.publishGlobalConfig('register');
    if (old?.status !== 'Online' || old.isTradeAllowed !== msg.is_trade_allowed) {
      this.deps.events.emit('ea_connected', { accountId: msg.account_id, eaType: eaTypeKey(msg.ea_type) });
      this.deps.events.snapshotChanged();
    } else {
      this.deps.events.snapshotChanged(true);
    }

    if (msg.ea_type === 'Master') this.onMasterHeartbeat(msg, old);
    else if (msg.ea_type === 'Slave') this.onSlaveHeartbeat(msg, old);
    else
      this.deps.log.warn(
        { accountId: msg.account_id, eaType: msg.ea_type },
        'heartbeat with unknown ea_type',
      );
  }

  private onMasterHeartbeat(msg: HeartbeatMessage, old: ConnectionSnapshot | null): void {
    const group = this.store.getGroup(msg.account_id);
    if (!group) {
      this.deps.log.debug({ accountId: msg.account_id }, 'master heartbeat without a trade group');
      return;
    }
    const current = this.connections.getMaster(msg.account_id)!;
    const now = this.eval.master(group, { status: current.status, isTradeAllowed: msg.is_trade_allowed });
    const before: MasterResult = old ? this.eval.master(group, old) : UNKNOWN_RESULT;
    let changed = this.eval.changed(now, before);
    // The Register handler already sent this config (§6.4 step 5).
    if (changed && old?.status === 'Registered' && old.isTradeAllowed === msg.is_trade_allowed)
      changed = false;
    if (changed) this.publishMasterConfig(group, now, 'heartbeat');
    this.updateRelatedSlaves(group.id, before, 'heartbeat');
  }

  /** §6.4.1: members whose evaluation changed against the old master result get a config. */
  private updateRelatedSlaves(masterId: string, oldMaster: MasterResult, trigger: ConfigTrigger): void {
    const master = this.masterStatus(masterId);
    let anyChanged = false;
    for (const member of this.store.membersOf(masterId)) {
      const now = this.evaluateMember(member, master);
      const before = this.evaluateMember(member, oldMaster);
      if (this.eval.changed(now, before)) {
        this.publishSlaveConfig(member, now, trigger);
        this.emitSettingsUpdated(member, now);
        anyChanged = true;
      }
      if (this.persistStatus(member, now.status)) anyChanged = true;
    }
    if (anyChanged) this.deps.events.snapshotChanged();
  }

  private onSlaveHeartbeat(msg: HeartbeatMessage, old: ConnectionSnapshot | null): void {
    for (const member of this.store.membershipsOf(msg.account_id)) {
      const master = this.masterStatus(member.tradeGroupId);
      const now = this.evaluateMember(member, master);
      const before = old ? this.eval.member(member.enabled, old, master) : UNKNOWN_RESULT;
      if (this.eval.changed(now, before) || member.status !== now.status) {
        this.publishSlaveConfig(member, now, 'heartbeat');
        this.emitSettingsUpdated(member, now);
        this.deps.events.snapshotChanged();
      }
      this.persistStatus(member, now.status);
    }
  }

  // ---------------------------------------------------------------- RequestConfig (§6.5)

  private onRequestConfig(msg: RequestConfigMessage): void {
    if (msg.ea_type === 'Master') {
      const group = this.store.getGroup(msg.account_id);
      if (!group) {
        this.deps.log.warn(
          { accountId: msg.account_id },
          'RequestConfig from a master without a trade group',
        );
        return;
      }
      const entry = this.connections.getMaster(msg.account_id);
      const snap: ConnectionSnapshot = entry
        ? { status: entry.status, isTradeAllowed: entry.isTradeAllowed }
        : { status: null, isTradeAllowed: true };
      this.publishMasterConfig(group, this.eval.master(group, snap), 'request_config');
    } else if (msg.ea_type === 'Slave') {
      const memberships = this.store.membershipsOf(msg.account_id);
      if (memberships.length === 0) {
        this.deps.log.info({ accountId: msg.account_id }, 'slave is waiting for configuration in the web UI');
        return;
      }
      for (const member of memberships) {
        const now = this.evaluateMember(member);
        this.persistStatus(member, now.status);
        this.publishSlaveConfig(member, now, 'request_config');
      }
    } else {
      this.deps.log.warn(
        { accountId: msg.account_id, eaType: msg.ea_type },
        'RequestConfig with unknown ea_type',
      );
    }
  }

  // ---------------------------------------------------------------- Unregister (§6.6, D4) and offline (§6.9)

  private onUnregister(msg: UnregisterMessage): void {
    const byType =
      msg.ea_type === 'Master' || msg.ea_type === 'Slave'
        ? this.connections.get(msg.account_id, msg.ea_type)
        : undefined;
    const entry = byType ?? this.connections.getEa(msg.account_id);
    if (entry) entry.status = 'Offline';
    this.deps.events.emit('ea_disconnected', { accountId: msg.account_id, eaType: entry?.eaType ?? null });
    this.deps.events.snapshotChanged();
    if (!entry) return;
    if (entry.eaType === 'Master') this.masterOffline(entry.accountId);
    else this.slaveOffline(entry.accountId);
  }

  /** Runs the timeout check (every second, D9). */
  checkTimeouts(timeoutS: number): void {
    const timedOut = this.connections.checkTimeouts(this.deps.clock.nowMs(), timeoutS);
    for (const e of timedOut) {
      this.deps.log.warn({ accountId: e.accountId, eaType: e.eaType }, 'EA heartbeat timeout');
      this.deps.events.emit('ea_disconnected', { accountId: e.accountId, eaType: e.eaType });
      if (e.eaType === 'Master') this.masterOffline(e.accountId);
      else this.slaveOffline(e.accountId);
    }
    if (timedOut.length > 0) this.deps.events.snapshotChanged();
  }

  private masterOffline(masterId: string): void {
    const members = this.store.membersOf(masterId);
    for (const m of members) if (m.status === Status.CONNECTED) this.persistStatus(m, Status.ENABLED);
    const master = this.masterStatus(masterId);
    for (const member of members) {
      const now = this.evaluateMember(member, master);
      this.publishSlaveConfig(member, now, 'offline');
      this.persistStatus(member, now.status);
      this.emitSettingsUpdated(member, now);
    }
  }

  private slaveOffline(slaveId: string): void {
    for (const member of this.store.membershipsOf(slaveId)) {
      const now = this.evaluateMember(member);
      if (this.persistStatus(member, now.status)) this.emitSettingsUpdated(member, now);
    }
  }

  private emitSettingsUpdated(member: MemberState, result: MemberResult): void {
    this.deps.events.emit('settings_updated', {
      masterAccount: member.tradeGroupId,
      slaveAccount: member.slaveAccount,
      status: result.status,
      enabled: member.enabled,
      warningCodes: warningsFromMask(result.warnings),
      slaveSettings: member.settings,
    });
  }

  // ---------------------------------------------------------------- TradeSignal (§6.7, §10)

  private onTradeSignal(sig: TradeSignal, receivedAtNs: bigint): void {
    const masterId = sig.source_account;
    this.deps.events.emit('trade_received', {
      sourceAccount: masterId,
      action: sig.action,
      ticket: sig.ticket,
      symbol: sig.symbol ?? null,
      lots: sig.lots ?? null,
      at: new Date(this.deps.clock.nowMs()).toISOString(),
    });
    const members = this.store.membersOf(masterId);
    if (members.length === 0) {
      this.deps.journal?.record(sig, 0, {});
      return;
    }

    const input: SignalInput = { action: sig.action };
    if (sig.order_type !== undefined) input.orderType = sig.order_type;
    if (sig.lots !== undefined) input.lots = sig.lots;
    if (sig.symbol !== undefined) input.symbol = sig.symbol;
    if (sig.magic_number !== undefined) input.magicNumber = sig.magic_number;
    const results = this.deps.engine.evaluateSignal(masterId, input);

    const priority: Priority =
      sig.action === 'Close' ? PRIORITY_HIGH : sig.action === 'Modify' ? PRIORITY_NORMAL : PRIORITY_LOW;
    const events = this.deps.events;
    const live = events.active;
    let acceptedCount = 0;
    const filtered: Partial<Record<FilterReason, number>> = {};
    for (let i = 0; i < results.length; i++) {
      if (results.accepted(i)) {
        acceptedCount++;
        continue;
      }
      const reason = results.reason(i);
      filtered[reason] = (filtered[reason] ?? 0) + 1;
      this.deps.metrics.signalFiltered(reason);
      if (live) {
        const slaveAccount = results.slaveAccount(i);
        events.emit('trade_filtered', { masterAccount: masterId, slaveAccount, ticket: sig.ticket, reason });
      }
    }
    this.deps.journal?.record(sig, acceptedCount, filtered);
    if (acceptedCount === 0) return;

    const tracker = this.tracker(receivedAtNs, acceptedCount);
    // The payload differs between members only by symbol: encode once per distinct output symbol.
    let lastSymbol: string | undefined;
    let lastPayload: Buffer | undefined;
    const payloads = new Map<string | undefined, Buffer>();
    for (let i = 0; i < results.length; i++) {
      if (!results.accepted(i)) continue;
      const slave = results.slaveAccount(i);
      const symbol = results.symbol(i);
      let payload = lastPayload !== undefined && symbol === lastSymbol ? lastPayload : payloads.get(symbol);
      if (!payload) {
        payload = encodePayload({
          type: 'TradeSignal',
          message: symbol === undefined ? sig : { ...sig, symbol },
        });
        payloads.set(symbol, payload);
      }
      lastSymbol = symbol;
      lastPayload = payload;
      const topic = tradeTopic(masterId, slave);
      let frame: Buffer;
      try {
        frame = frameWithTopic(topic, payload);
      } catch (err) {
        this.deps.metrics.frameRefused('FrameTooLargeError');
        this.deps.log.error({ err, topic }, 'trade frame refused');
        if (--tracker.pending === 0) tracker.onDone(process.hrtime.bigint() - receivedAtNs);
        continue;
      }
      this.deps.frames.send(frame, topic, priority, tracker);
      this.deps.metrics.signalCopied();
      if (live) {
        // The engine evaluates members in the order they were compiled, which is the store's order.
        const member =
          members[i]?.slaveAccount === slave ? members[i] : this.store.getMember(masterId, slave);
        events.emit('trade_copied', {
          masterAccount: masterId,
          slaveAccount: slave,
          memberId: member?.id ?? 0,
          action: sig.action,
          ticket: sig.ticket,
          symbol: symbol ?? null,
          lots: sig.lots ?? null,
          relayLatencyUs: Number((process.hrtime.bigint() - receivedAtNs) / 1000n),
        });
      }
    }
  }

  /** Latency observers get the time from frame received to the last frame handed to the socket. */
  onSignalDelivered: (latencyNs: bigint) => void = () => {};

  private tracker(receivedAtNs: bigint, pending: number): SendTracker {
    return { receivedAtNs, pending, onDone: (ns) => this.onSignalDelivered(ns) };
  }

  // ---------------------------------------------------------------- SyncRequest / PositionSnapshot (§6.8, D5)

  private onSyncRequest(msg: SyncRequestMessage): void {
    this.deps.events.emit('sync_request', {
      slaveAccount: msg.slave_account,
      masterAccount: msg.master_account,
    });
    if (!this.store.getMember(msg.master_account, msg.slave_account)) {
      this.deps.log.warn(
        { masterAccount: msg.master_account, slaveAccount: msg.slave_account },
        'SyncRequest from a slave that is not a member',
      );
      return;
    }
    const topic = syncTopic(msg.master_account, msg.slave_account);
    const frame = this.encode(topic, { type: 'SyncRequest', message: msg });
    if (frame) this.deps.frames.send(frame, topic, PRIORITY_NORMAL);
  }

  private onPositionSnapshot(msg: PositionSnapshotMessage): void {
    const masterId = msg.source_account;
    this.deps.events.emit('position_snapshot', {
      sourceAccount: masterId,
      positions: msg.positions.map((p) => ({
        ticket: p.ticket,
        symbol: p.symbol,
        orderType: p.order_type,
        lots: p.lots,
        openPrice: p.open_price,
      })),
    });
    const members = this.store.membersOf(masterId);
    if (members.length === 0) return;
    // Filter every position as an Open and convert its symbol, per member (D5).
    const perMember: PositionInfo[][] = members.map(() => []);
    for (const pos of msg.positions) {
      const results = this.deps.engine.evaluateSignal(masterId, {
        action: 'Open',
        orderType: pos.order_type,
        lots: pos.lots,
        symbol: pos.symbol,
        ...(pos.magic_number !== undefined ? { magicNumber: pos.magic_number } : {}),
      });
      for (let i = 0; i < results.length; i++) {
        if (results.accepted(i)) perMember[i]!.push({ ...pos, symbol: results.symbol(i) ?? pos.symbol });
      }
    }
    for (let i = 0; i < members.length; i++) {
      const member = members[i]!;
      if (member.status !== Status.CONNECTED) continue;
      const topic = syncTopic(masterId, member.slaveAccount);
      for (const frame of splitSnapshot(topic, { ...msg, positions: perMember[i]! })) {
        this.deps.frames.send(frame, topic, PRIORITY_NORMAL);
      }
    }
  }

  // ---------------------------------------------------------------- admin changes (README §7 → §7.4 rows)

  loadGroup(group: GroupState, members: MemberState[]): void {
    this.store.putGroup(group);
    this.store.setMembers(group.id, members);
    this.compile(group.id);
  }

  /** group.created: master config and every initial member's config; statuses persisted. */
  applyGroupCreated(group: GroupState, members: MemberState[]): void {
    this.loadGroup(group, members);
    this.publishMasterConfig(group, this.masterStatus(group.id), 'group_created');
    this.distributeMembers(group.id, 'group_created', false);
    this.deps.events.snapshotChanged();
  }

  /** group.updated: master config only (slaves get nothing, §7.4). */
  applyGroupUpdated(group: GroupState): void {
    const members = [...this.store.membersOf(group.id)];
    this.loadGroup(group, members);
    this.publishMasterConfig(group, this.masterStatus(group.id), 'group_updated');
    this.deps.events.snapshotChanged();
  }

  /** group.toggled: master config and all member configs, `settings_updated` per member. */
  applyGroupToggled(group: GroupState): void {
    const members = [...this.store.membersOf(group.id)];
    this.loadGroup(group, members);
    this.publishMasterConfig(group, this.masterStatus(group.id), 'group_toggled');
    this.distributeMembers(group.id, 'group_toggled', true);
    this.deps.events.snapshotChanged();
  }

  private distributeMembers(masterId: string, trigger: ConfigTrigger, emit: boolean): void {
    const master = this.masterStatus(masterId);
    for (const member of this.store.membersOf(masterId)) {
      const now = this.evaluateMember(member, master);
      this.persistStatus(member, now.status);
      this.publishSlaveConfig(member, now, trigger);
      if (emit) this.emitSettingsUpdated(member, now);
    }
  }

  /** group.deleted (D13): -1 configs to every member and the master, then forget the group. */
  applyGroupDeleted(masterId: string, slaveAccounts: readonly string[]): void {
    const now = this.deps.clock.nowMs();
    for (const slave of slaveAccounts) {
      this.publishConfig(
        slave,
        { type: 'SlaveConfig', message: buildRemovalSlaveConfig(slave, masterId, now) },
        'group_deleted',
        PRIORITY_HIGH,
      );
    }
    this.publishConfig(
      masterId,
      { type: 'MasterConfig', message: buildRemovalMasterConfig(masterId, now) },
      'group_deleted',
      PRIORITY_HIGH,
    );
    this.store.removeGroup(masterId);
    this.deps.engine.removeMaster(masterId);
    this.deps.events.snapshotChanged();
  }

  /** member.added / member.updated / member.toggled: that member's config; status persisted. */
  applyMemberChanged(
    member: MemberState,
    trigger: 'member_added' | 'member_updated' | 'member_toggled',
  ): MemberResult {
    const existing = this.store.getMember(member.tradeGroupId, member.slaveAccount);
    // The DB row carries the status the relay last wrote (or 0 for a new row); memory is the owner.
    if (existing) member.status = existing.status;
    this.store.putMember(member);
    this.compile(member.tradeGroupId);
    const now = this.evaluateMember(member);
    this.persistStatus(member, now.status);
    this.publishSlaveConfig(member, now, trigger);
    this.deps.events.snapshotChanged();
    return now;
  }

  /** member.deleted: -1 to that slave; if it was the last member, -1 master config and the group is gone. */
  applyMemberDeleted(masterId: string, slaveAccount: string, groupDeleted: boolean): void {
    const now = this.deps.clock.nowMs();
    this.publishConfig(
      slaveAccount,
      { type: 'SlaveConfig', message: buildRemovalSlaveConfig(slaveAccount, masterId, now) },
      'member_deleted',
      PRIORITY_HIGH,
    );
    this.store.removeMember(masterId, slaveAccount);
    if (groupDeleted) {
      this.publishConfig(
        masterId,
        { type: 'MasterConfig', message: buildRemovalMasterConfig(masterId, now) },
        'member_deleted',
        PRIORITY_HIGH,
      );
      this.store.removeGroup(masterId);
      this.deps.engine.removeMaster(masterId);
    } else {
      this.compile(masterId);
    }
    this.deps.events.emit('member_deleted', { tradeGroupId: masterId, slaveAccount });
    this.deps.events.snapshotChanged();
  }

  /** settings.updated: new synonym groups recompile the engine; a log-shipping change broadcasts config/global. */
  applyGlobalSettings(next: GlobalSettings): void {
    const prev = this.globalSettings;
    this.globalSettings = next;
    if (JSON.stringify(prev.synonymGroups) !== JSON.stringify(next.synonymGroups)) {
      this.deps.engine.setSynonymGroups(next.synonymGroups);
      for (const g of this.store.allGroups()) this.compile(g.id);
    }
    if (JSON.stringify(prev.logShipping) !== JSON.stringify(next.logShipping)) {
      this.publishGlobalConfig('global');
    }
    this.deps.events.emit('global_settings_updated', next);
  }

  connectionEntries(): ConnectionEntry[] {
    return this.connections.all();
  }
}
