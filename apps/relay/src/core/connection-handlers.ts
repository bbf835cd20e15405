// The EA lifecycle (docs/protocol.md §6.3–§6.6, §6.9, D4, D9): Register, Heartbeat, RequestConfig, Unregister and
// heartbeat timeouts. Each updates the connection table and sends the configs the trigger matrix (§7.4) names.
import { Status } from '@sankey/shared/protocol/constants';
import type {
  HeartbeatMessage,
  RegisterMessage,
  RequestConfigMessage,
  UnregisterMessage,
} from '@sankey/shared/protocol/messages';
import { type ConnectionSnapshot, eaTypeKey, type Now } from '../state/connections';
import type { ConfigPublisher } from './config-publisher';
import { type MasterResult, UNKNOWN_RESULT } from './evaluation';
import { RateLimitedLog } from './log-limiter';
import type { MemberStatus } from './member-status';
import type { Clock, ConfigTrigger, CoreMetrics, EventSink, Logger } from './ports';
import type { CoreState } from './state';

export interface ConnectionDeps {
  events: EventSink;
  log: Logger;
  clock: Clock;
  metrics: CoreMetrics;
}

/** D17: how far the master's equity may move before margin-ratio members get a fresh config, and how often. */
const EQUITY_REFRESH_RATIO = 0.05;
const EQUITY_REFRESH_EVERY_MS = 10_000;

export class ConnectionHandlers {
  private readonly refusals: RateLimitedLog;
  /** Monotonic time of the last D17 refresh, per master. */
  private readonly equityRefreshedAt = new Map<string, number>();
  /**
   * EAs sent a `config/global` in reply to their Register. The DLL subscribes `config/global` only after pushing
   * Register (docs/protocol.md §5.1), so that copy can miss it (slow joiner, §12 item 13): it goes once more with
   * the EA's next heartbeat, when the subscription is in place. EAs accept duplicate configs.
   */
  private readonly globalFollowUp = new Set<string>();

  constructor(
    private readonly state: CoreState,
    private readonly configs: ConfigPublisher,
    private readonly status: MemberStatus,
    private readonly deps: ConnectionDeps,
  ) {
    this.refusals = new RateLimitedLog(deps.log, () => deps.clock.monoMs());
  }

  private now(): Now {
    return { wallMs: this.deps.clock.nowMs(), monoMs: this.deps.clock.monoMs() };
  }

  /** D18: the connection table is full and the account is not linked — counted, logged at most once a minute. */
  private refuse(accountId: string): void {
    this.deps.metrics.inboundRefused('connection_table_full');
    this.refusals.warn(
      'connection_table_full',
      { accountId, entries: this.state.connections.size },
      'connection table full: unlinked EA refused',
    );
  }

  /** §6.3: the entry, global config, then the master's config forced Online and every related member's. */
  register(msg: RegisterMessage): void {
    const { connections, store } = this.state;
    const before = connections.get(msg.account_id, eaTypeKey(msg.ea_type))?.symbolContext;
    const entry = connections.register(msg, this.now());
    if (!entry) return this.refuse(msg.account_id);
    this.deps.log.info({ accountId: msg.account_id, eaType: msg.ea_type }, 'EA registered');
    this.deps.events.snapshotChanged();
    // A first Register without a symbol context changes nothing the engine reads: no recompile (one per
    // membership would make 1,000 slaves registering at once quadratic).
    if (entry.eaType === 'Slave' && (entry.symbolContext ?? null) !== (before ?? null)) {
      for (const m of store.membershipsOf(entry.accountId)) this.state.compile(m.tradeGroupId);
    }
    if (this.configs.global('register')) this.globalFollowUp.add(`${entry.eaType}:${entry.accountId}`);

    if (msg.ea_type === 'Master') {
      const group = store.getGroup(msg.account_id);
      if (!group) return;
      const forced = this.state.masterWith(group, { status: 'Online', isTradeAllowed: entry.isTradeAllowed });
      this.configs.master(group, forced, 'register');
      const master = this.state.masterStatus(group.id);
      for (const member of store.membersOf(group.id)) {
        this.configs.slave(member, this.state.evaluateMember(member, master), 'register');
      }
    } else if (msg.ea_type === 'Slave') {
      for (const member of store.membershipsOf(msg.account_id)) {
        this.configs.slave(member, this.state.evaluateMember(member), 'register');
      }
    }
  }

  /**
   * §6.4: configs only where an evaluation changed. `remote`: the heartbeat stands for a master connected to another
   * relay of the cluster (docs/cluster.md): its members here get their configs as usual, but nothing goes to the
   * master (it listens at its own relay) and nobody here gets a global config for it.
   */
  heartbeat(msg: HeartbeatMessage, origin: 'local' | 'remote' = 'local'): void {
    const prev = this.state.connections.get(msg.account_id, eaTypeKey(msg.ea_type));
    const old: ConnectionSnapshot | null = prev
      ? { status: prev.status, isTradeAllowed: prev.isTradeAllowed }
      : null;
    const seen = this.state.connections.heartbeat(msg, this.now());
    if (seen === null) return this.refuse(msg.account_id);
    const followUp = this.globalFollowUp.delete(`${eaTypeKey(msg.ea_type)}:${msg.account_id}`);
    if ((seen === 'new' || followUp) && origin === 'local') this.configs.global('register');
    if (old?.status !== 'Online' || old.isTradeAllowed !== msg.is_trade_allowed) {
      this.deps.events.emit('ea_connected', { accountId: msg.account_id, eaType: eaTypeKey(msg.ea_type) });
      this.deps.events.snapshotChanged();
    } else {
      this.deps.events.snapshotChanged(true);
    }

    if (msg.ea_type === 'Master') this.masterHeartbeat(msg, old, origin);
    else if (msg.ea_type === 'Slave') this.slaveHeartbeat(msg, old);
    else
      this.deps.log.warn(
        { accountId: msg.account_id, eaType: msg.ea_type },
        'heartbeat with unknown ea_type',
      );
  }

  private masterHeartbeat(
    msg: HeartbeatMessage,
    old: ConnectionSnapshot | null,
    origin: 'local' | 'remote',
  ): void {
    const group = this.state.store.getGroup(msg.account_id);
    if (!group) {
      this.deps.log.debug({ accountId: msg.account_id }, 'master heartbeat without a trade group');
      return;
    }
    const current = this.state.connections.getMaster(msg.account_id)!;
    const now = this.state.masterWith(group, {
      status: current.status,
      isTradeAllowed: msg.is_trade_allowed,
    });
    const before: MasterResult = old ? this.state.masterWith(group, old) : UNKNOWN_RESULT;
    let changed = this.state.changed(now, before);
    // The Register handler already sent this config (§6.4 step 5).
    if (changed && old?.status === 'Registered' && old.isTradeAllowed === msg.is_trade_allowed)
      changed = false;
    if (changed && origin === 'local') this.configs.master(group, now, 'heartbeat');
    this.updateRelatedSlaves(group.id, before, 'heartbeat');
    this.refreshMarginRatioConfigs(group.id, msg.equity);
  }

  /**
   * D17: margin-ratio members size lots by the master's equity in their config. When it moved by ≥ 5 % since the
   * last config they were sent, they get a fresh one — at most once per 10 s per master.
   */
  private refreshMarginRatioConfigs(masterId: string, equity: number): void {
    const sent = this.configs.masterEquitySent(masterId);
    if (sent === undefined || sent.equity === null || sent.equity <= 0) return;
    if (Math.abs(equity - sent.equity) / sent.equity < EQUITY_REFRESH_RATIO) return;
    const mono = this.deps.clock.monoMs();
    if (mono - (this.equityRefreshedAt.get(masterId) ?? Number.NEGATIVE_INFINITY) < EQUITY_REFRESH_EVERY_MS)
      return;
    this.equityRefreshedAt.set(masterId, mono);
    const master = this.state.masterStatus(masterId);
    for (const member of this.state.store.membersOf(masterId)) {
      if (member.settings.lotCalculationMode !== 'margin_ratio') continue;
      this.configs.slave(member, this.state.evaluateMember(member, master), 'equity');
    }
  }

  /** §6.4.1: members whose evaluation changed against the old master result get a config. */
  private updateRelatedSlaves(masterId: string, oldMaster: MasterResult, trigger: ConfigTrigger): void {
    const master = this.state.masterStatus(masterId);
    let anyChanged = false;
    for (const member of this.state.store.membersOf(masterId)) {
      const now = this.state.evaluateMember(member, master);
      const before = this.state.evaluateMember(member, oldMaster);
      if (this.state.changed(now, before)) {
        this.configs.slave(member, now, trigger);
        this.status.emitUpdated(member, now);
        anyChanged = true;
      }
      if (this.status.persist(member, now.status)) anyChanged = true;
    }
    if (anyChanged) this.deps.events.snapshotChanged();
  }

  private slaveHeartbeat(msg: HeartbeatMessage, old: ConnectionSnapshot | null): void {
    for (const member of this.state.store.membershipsOf(msg.account_id)) {
      const master = this.state.masterStatus(member.tradeGroupId);
      const now = this.state.evaluateMember(member, master);
      const before = old ? this.state.memberWith(member, old, master) : UNKNOWN_RESULT;
      if (this.state.changed(now, before) || member.status !== now.status) {
        this.configs.slave(member, now, 'heartbeat');
        this.status.emitUpdated(member, now);
        this.deps.events.snapshotChanged();
      }
      this.status.persist(member, now.status);
    }
  }

  /** §6.5: the master config always; every slave membership always. */
  requestConfig(msg: RequestConfigMessage): void {
    if (msg.ea_type === 'Master') {
      const group = this.state.store.getGroup(msg.account_id);
      if (!group) {
        this.deps.log.warn(
          { accountId: msg.account_id },
          'RequestConfig from a master without a trade group',
        );
        return;
      }
      const entry = this.state.connections.getMaster(msg.account_id);
      const snap: ConnectionSnapshot = entry
        ? { status: entry.status, isTradeAllowed: entry.isTradeAllowed }
        : { status: null, isTradeAllowed: true };
      this.configs.master(group, this.state.masterWith(group, snap), 'request_config');
    } else if (msg.ea_type === 'Slave') {
      const memberships = this.state.store.membershipsOf(msg.account_id);
      if (memberships.length === 0) {
        this.deps.log.info({ accountId: msg.account_id }, 'slave is waiting for configuration in the web UI');
        return;
      }
      for (const member of memberships) {
        const now = this.state.evaluateMember(member);
        this.status.persist(member, now.status);
        this.configs.slave(member, now, 'request_config');
      }
    } else {
      this.deps.log.warn(
        { accountId: msg.account_id, eaType: msg.ea_type },
        'RequestConfig with unknown ea_type',
      );
    }
  }

  /** §6.6 with D4: the entry named by `ea_type` when it is valid, else the master-priority lookup. */
  unregister(msg: UnregisterMessage): void {
    const { connections } = this.state;
    for (const t of msg.ea_type ? [eaTypeKey(msg.ea_type)] : ['Master', 'Slave'])
      this.globalFollowUp.delete(`${t}:${msg.account_id}`);
    const byType =
      msg.ea_type === 'Master' || msg.ea_type === 'Slave'
        ? connections.get(msg.account_id, msg.ea_type)
        : undefined;
    const entry = byType ?? connections.getEa(msg.account_id);
    if (entry) connections.setOffline(entry);
    this.deps.events.emit('ea_disconnected', { accountId: msg.account_id, eaType: entry?.eaType ?? null });
    this.deps.events.snapshotChanged();
    if (!entry) return;
    if (entry.eaType === 'Master') this.masterOffline(entry.accountId);
    else this.slaveOffline(entry.accountId);
  }

  /**
   * §6.9 with D9: run every second (or a 1/`slices` part of the table `slices` times a second); silent EAs go to
   * Timeout and take the offline path.
   */
  checkTimeouts(timeoutS: number, slices = 1): void {
    const timedOut = this.state.connections.checkTimeouts(this.deps.clock.monoMs(), timeoutS, slices);
    for (const e of timedOut) {
      this.deps.log.warn({ accountId: e.accountId, eaType: e.eaType }, 'EA heartbeat timeout');
      this.deps.events.emit('ea_disconnected', { accountId: e.accountId, eaType: e.eaType });
      if (e.eaType === 'Master') this.masterOffline(e.accountId);
      else this.slaveOffline(e.accountId);
    }
    if (timedOut.length > 0) this.deps.events.snapshotChanged();
  }

  private masterOffline(masterId: string): void {
    const members = this.state.store.membersOf(masterId);
    for (const m of members) if (m.status === Status.CONNECTED) this.status.persist(m, Status.ENABLED);
    const master = this.state.masterStatus(masterId);
    for (const member of members) {
      const now = this.state.evaluateMember(member, master);
      this.configs.slave(member, now, 'offline');
      this.status.persist(member, now.status);
      this.status.emitUpdated(member, now);
    }
  }

  private slaveOffline(slaveId: string): void {
    for (const member of this.state.store.membershipsOf(slaveId)) {
      const now = this.state.evaluateMember(member);
      if (this.status.persist(member, now.status)) this.status.emitUpdated(member, now);
    }
  }
}
