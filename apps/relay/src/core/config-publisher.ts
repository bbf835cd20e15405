// The one place configs are built, encoded and published (docs/protocol.md §7.4): master, slave, removal (-1)
// and global configs. Every part of the core that sends a config goes through here, so counting, refusing
// oversized frames (D3) and ordering are decided once.
import { encodeOutbound } from '@sankey/shared/protocol/codec';
import { warningsFromMask } from '@sankey/shared/protocol/constants';
import type { OutboundMessage } from '@sankey/shared/protocol/messages';
import {
  buildMasterConfigMessage,
  buildRemovalMasterConfig,
  buildRemovalSlaveConfig,
  buildSlaveConfigMessage,
} from '@sankey/shared/protocol/settings-wire';
import { configTopic, GLOBAL_CONFIG_TOPIC } from '@sankey/shared/protocol/topics';
import type { GroupState, MemberState } from '../state/groups';
import type { MasterResult, MemberResult } from './evaluation';
import { globalConfigMessage } from './global-config';
import type { Clock, ConfigTrigger, CoreMetrics, EventSink, FrameSink, IsBlocked, Logger } from './ports';
import type { CoreState } from './state';

export interface PublisherDeps {
  frames: FrameSink;
  events: EventSink;
  metrics: CoreMetrics;
  log: Logger;
  clock: Clock;
  isBlocked?: IsBlocked;
}

export class ConfigPublisher {
  /** The master equity carried by the last config sent to a margin-ratio member of each master (D17). */
  private readonly equitySent = new Map<string, { equity: number | null }>();

  /**
   * Told after every slave config, with whether it lets the slave's EA take Opens (status > 0 and
   * allow_new_orders): copies parked for it may go then (docs/protocol.md D19).
   */
  onSlaveConfig: (master: string, slave: string, opensAccepted: boolean) => void = () => {};

  constructor(
    private readonly state: CoreState,
    private readonly deps: PublisherDeps,
  ) {}

  masterEquitySent(masterId: string): { equity: number | null } | undefined {
    return this.equitySent.get(masterId);
  }

  /**
   * The member's config under the id it knows its master by (docs/protocol.md D23: the alias in isolated
   * delivery); `step` names the id and status explicitly for a step of a delivery switch.
   */
  slave(
    member: MemberState,
    result: MemberResult,
    trigger: ConfigTrigger,
    step?: { via: string; status: number },
  ): boolean {
    const via = step?.via ?? this.state.isolation.via(member.tradeGroupId, member.slaveAccount);
    const masterEntry = this.state.connections.getMaster(member.tradeGroupId);
    if (member.settings.lotCalculationMode === 'margin_ratio') {
      this.equitySent.set(member.tradeGroupId, { equity: masterEntry ? masterEntry.equity : null });
    }
    const message = buildSlaveConfigMessage({
      slaveAccount: member.slaveAccount,
      masterAccount: via,
      status: step?.status ?? result.status,
      // D22: a tripped risk control makes the member close-only; its EA then refuses Opens on any topic.
      allowNewOrders:
        result.allowNewOrders && !this.state.risk.markSent(member.tradeGroupId, member.slaveAccount),
      warningCodes: warningsFromMask(result.warnings),
      masterEquity: masterEntry ? masterEntry.equity : null,
      settings: member.settings,
      timestampMs: this.deps.clock.nowMs(),
    });
    this.send(member.slaveAccount, member.tradeGroupId, { type: 'SlaveConfig', message }, trigger);
    const opensAccepted = message.allow_new_orders && message.status > 0;
    this.onSlaveConfig(member.tradeGroupId, member.slaveAccount, opensAccepted);
    return opensAccepted;
  }

  master(group: GroupState, result: MasterResult, trigger: ConfigTrigger): void {
    const message = buildMasterConfigMessage({
      masterAccount: group.id,
      status: result.status,
      warningCodes: warningsFromMask(result.warnings),
      settings: group,
      timestampMs: this.deps.clock.nowMs(),
    });
    this.send(group.id, group.id, { type: 'MasterConfig', message }, trigger);
  }

  /**
   * The -1 config that tells a slave to forget a master id (member or group deleted, or the id a delivery switch
   * left); `stream` is the real master when `masterId` is an alias.
   */
  slaveRemoval(slaveAccount: string, masterId: string, trigger: ConfigTrigger, stream = masterId): void {
    const message = buildRemovalSlaveConfig(slaveAccount, masterId, this.deps.clock.nowMs());
    this.send(slaveAccount, stream, { type: 'SlaveConfig', message }, trigger);
  }

  /** -1 for every id under which the slave may hold a config for this master (shared id, alias). */
  slaveRemovalAll(slaveAccount: string, masterId: string, trigger: ConfigTrigger): void {
    const { isolation } = this.state;
    const phase = isolation.phase(masterId, slaveAccount);
    if (phase !== 'isolated') this.slaveRemoval(slaveAccount, masterId, trigger);
    if (phase !== 'shared') {
      this.slaveRemoval(slaveAccount, isolation.aliasOf(masterId, slaveAccount), trigger, masterId);
    }
    isolation.forget(masterId, slaveAccount);
  }

  masterRemoval(masterId: string, trigger: ConfigTrigger): void {
    const message = buildRemovalMasterConfig(masterId, this.deps.clock.nowMs());
    this.send(masterId, masterId, { type: 'MasterConfig', message }, trigger);
  }

  /** `config/global`, only when a log host is configured (docs/protocol.md §6.3 step 2); true when it was queued. */
  global(trigger: ConfigTrigger): boolean {
    const msg = globalConfigMessage(this.state.settings.logShipping, new Date(this.deps.clock.nowMs()));
    if (!msg) return false;
    const frame = this.encode(GLOBAL_CONFIG_TOPIC, { type: 'GlobalConfig', message: msg });
    if (!frame) return false;
    this.deps.frames.send({ frame, topic: GLOBAL_CONFIG_TOPIC, stream: '', cls: 'control' });
    this.deps.metrics.configSent('global', trigger);
    return true;
  }

  /** Encodes or refuses (counted, logged): a frame the EA cannot hold is never published (D3). */
  encode(topic: string, msg: OutboundMessage): Buffer | null {
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

  /**
   * A config joins the stream of the master it is about, so it keeps its order relative to that master's copies
   * to the same EA and to the EA's other configs for that master (D14).
   */
  private send(accountId: string, masterId: string, msg: OutboundMessage, trigger: ConfigTrigger): void {
    if (this.deps.isBlocked?.(accountId)) return;
    const topic = configTopic(accountId);
    const frame = this.encode(topic, msg);
    if (!frame) return;
    this.deps.frames.send({ frame, topic, stream: masterId, cls: 'control' });
    this.deps.metrics.configSent(msg.type === 'MasterConfig' ? 'master' : 'slave', trigger);
  }
}
