// Switching a member between shared and isolated delivery (docs/protocol.md D23), one member at a time and without
// a restart of the EA: config for the new id with status 1 → wait until the slave listens under it (fall back
// after 6 s) → the normal config under the new id → copies under the new id → -1 for the old id. The first config
// for the new id has status 1, so the EA's new entry does not ask for a position sync.
import { Status } from '@sankey/shared/protocol/constants';
import { tradePrefix } from '@sankey/shared/protocol/topics';
import type { GroupState, MemberState } from '../state/groups';
import type { ConfigPublisher } from './config-publisher';
import type { Listeners } from './listening';
import type { Clock, EventSink } from './ports';
import type { CoreState } from './state';

export class DeliverySwitch {
  constructor(
    private readonly state: CoreState,
    private readonly configs: ConfigPublisher,
    private readonly listeners: Listeners,
    private readonly clock: Clock,
    private readonly events: EventSink,
  ) {}

  /** Every member of a group whose delivery mode changed starts its switch (byte order of the slave id). */
  groupModeChanged(group: GroupState): void {
    const target = group.delivery ?? 'shared';
    for (const member of this.state.store.membersOf(group.id)) this.begin(member, target);
  }

  /** A member's starting route when no switch is needed (start-up, member added). */
  settle(member: MemberState): void {
    const group = this.state.store.getGroup(member.tradeGroupId);
    this.state.isolation.settle(member.tradeGroupId, member.slaveAccount, group?.delivery ?? 'shared');
  }

  begin(member: MemberState, target: 'shared' | 'isolated'): void {
    const { isolation } = this.state;
    const master = member.tradeGroupId;
    const slave = member.slaveAccount;
    const phase = isolation.phase(master, slave);
    if ((target === 'isolated') === (phase === 'isolated' || phase === 'joining')) return;
    if (phase === 'joining' || phase === 'leaving') {
      // Reversed before it finished: the member is still under its old id, nothing of the new one is in use.
      const unused = phase === 'joining' ? isolation.aliasOf(master, slave) : master;
      isolation.settle(master, slave, target);
      this.configs.slaveRemoval(slave, unused, 'delivery_switch', master);
      this.progress(member);
      return;
    }
    const alias = isolation.aliasOf(master, slave);
    const next = target === 'isolated' ? alias : master;
    isolation.begin(master, slave, target === 'isolated' ? 'joining' : 'leaving', this.clock.monoMs());
    const result = this.state.evaluateMember(member);
    this.configs.slave(member, result, 'delivery_switch', {
      via: next,
      status: Math.min(result.status, Status.ENABLED),
    });
    this.progress(member);
    if (this.listeningUnder(next, slave)) this.complete(member);
  }

  /** A subscription went live: a switch waiting for it goes on. */
  onSubscription(topic: string): void {
    for (const member of this.waiting()) {
      const next = this.nextId(member);
      if (topic === tradePrefix(next) || this.listeningUnder(next, member.slaveAccount))
        this.complete(member);
    }
  }

  /** Every second: a switch that waited 6 s goes on without the subscription report. */
  tick(): void {
    for (const { master, slave } of this.state.isolation.overdue(this.clock.monoMs())) {
      const member = this.state.store.getMember(master, slave);
      if (member) this.complete(member);
      else this.state.isolation.forget(master, slave);
    }
  }

  private complete(member: MemberState): void {
    const { isolation } = this.state;
    const master = member.tradeGroupId;
    const slave = member.slaveAccount;
    const mode = isolation.finish(master, slave);
    if (!mode) return;
    const alias = isolation.aliasOf(master, slave);
    // The normal config under the new id (status 2 when the evaluation says so); from here copies use that id.
    this.configs.slave(member, this.state.evaluateMember(member), 'delivery_switch');
    const old = mode === 'isolated' ? master : alias;
    // The EA forgets the old id: a stray frame under it finds no config and is dropped (docs/protocol.md D23).
    this.configs.slaveRemoval(slave, old, 'delivery_switch', master);
    this.progress(member);
  }

  /**
   * Isolated: the alias prefix `trade/A/` is the slave's alone. Shared: `trade/M/` is shared by every slave of M
   * (the socket reports only its first subscriber), so the slave's own exact `trade/M/S` is what tells.
   */
  private listeningUnder(id: string, slave: string): boolean {
    const member = this.state.isolation.resolve(id);
    if (member) return this.listeners.isSubscribed(tradePrefix(id)) || this.listeners.isListening(id, slave);
    return this.listeners.isListening(id, slave);
  }

  private nextId(member: MemberState): string {
    const { isolation } = this.state;
    const phase = isolation.phase(member.tradeGroupId, member.slaveAccount);
    return phase === 'joining'
      ? isolation.aliasOf(member.tradeGroupId, member.slaveAccount)
      : member.tradeGroupId;
  }

  private waiting(): MemberState[] {
    const out: MemberState[] = [];
    for (const { master, slave } of this.state.isolation.switching()) {
      const m = this.state.store.getMember(master, slave);
      if (m) out.push(m);
    }
    return out;
  }

  private progress(member: MemberState): void {
    const { isolation } = this.state;
    this.events.emit('member_delivery', {
      tradeGroupId: member.tradeGroupId,
      slaveAccount: member.slaveAccount,
      phase: isolation.phase(member.tradeGroupId, member.slaveAccount),
      alias: isolation.aliasOf(member.tradeGroupId, member.slaveAccount),
    });
  }
}
