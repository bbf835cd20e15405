// Admin changes (docs/api.md, outbox; docs/protocol.md §7.4 rows): each applies fresh database state to memory,
// publishes the configs the trigger matrix names and emits the events the UI listens for.
import type { GlobalSettings, SlaveSettings } from '@sankey/shared/domain/settings';
import type { GroupState, MemberState } from '../state/groups';
import type { ConfigPublisher } from './config-publisher';
import type { DeliverySwitch } from './delivery-switch';
import type { MemberStatus } from './member-status';
import type { ConfigTrigger, EventSink } from './ports';
import type { CoreState } from './state';
import { memberView } from './views';

/**
 * Settings as the database row carries them: the same text means the same compiled rules. `configVersion` is left
 * out: every change bumps it (a toggle too) and the engine does not read it.
 */
const sameSettings = (a: SlaveSettings, b: SlaveSettings) =>
  JSON.stringify({ ...a, configVersion: 0 }) === JSON.stringify({ ...b, configVersion: 0 });

export type MemberChangeKind = 'member.added' | 'member.updated' | 'member.toggled';

const memberTrigger = {
  'member.added': 'member_added',
  'member.updated': 'member_updated',
  'member.toggled': 'member_toggled',
} as const satisfies Record<MemberChangeKind, ConfigTrigger>;

const memberEvent = {
  'member.added': 'member_added',
  'member.updated': 'member_updated',
  'member.toggled': 'member_status_changed',
} as const;

export class AdminChanges {
  constructor(
    private readonly state: CoreState,
    private readonly configs: ConfigPublisher,
    private readonly status: MemberStatus,
    private readonly events: EventSink,
    private readonly switches: DeliverySwitch,
  ) {}

  /** group.created: master config and every initial member's config; statuses persisted. */
  groupCreated(group: GroupState, members: MemberState[]): void {
    this.state.loadGroup(group, members);
    for (const m of members) this.switches.settle(m);
    this.configs.master(group, this.state.masterStatus(group.id), 'group_created');
    this.distributeMembers(group.id, 'group_created', false);
    this.events.snapshotChanged();
  }

  /**
   * group.updated: master config only (slaves get nothing, §7.4) — unless the delivery mode changed, which
   * switches every member (D23).
   */
  groupUpdated(group: GroupState): void {
    this.switchIfModeChanged(group, () =>
      this.state.loadGroup(group, [...this.state.store.membersOf(group.id)]),
    );
    this.configs.master(group, this.state.masterStatus(group.id), 'group_updated');
    this.events.snapshotChanged();
  }

  /** group.toggled: master config and all member configs, `settings_updated` per member. */
  groupToggled(group: GroupState): void {
    this.switchIfModeChanged(group, () =>
      this.state.loadGroup(group, [...this.state.store.membersOf(group.id)]),
    );
    this.configs.master(group, this.state.masterStatus(group.id), 'group_toggled');
    this.distributeMembers(group.id, 'group_toggled', true);
    this.events.snapshotChanged();
  }

  /**
   * A switch-off that may not wait behind a failing change of its group (docs/protocol.md, "Admin changes"): the
   * group and its members as stored now (runtime statuses kept, D2), master and every member config re-sent.
   */
  groupReloaded(group: GroupState, members: MemberState[]): void {
    for (const m of members) {
      const existing = this.state.store.getMember(m.tradeGroupId, m.slaveAccount);
      if (existing) m.status = existing.status;
    }
    this.switchIfModeChanged(group, () => this.state.loadGroup(group, members));
    this.configs.master(group, this.state.masterStatus(group.id), 'group_toggled');
    this.distributeMembers(group.id, 'group_toggled', true);
    this.events.snapshotChanged();
  }

  /** group.deleted (D13): -1 configs to every member and the master, then forget the group. */
  groupDeleted(masterId: string, slaveAccounts: readonly string[]): void {
    for (const slave of slaveAccounts) this.configs.slaveRemovalAll(slave, masterId, 'group_deleted');
    this.configs.masterRemoval(masterId, 'group_deleted');
    this.state.forgetGroup(masterId);
    this.events.snapshotChanged();
  }

  /**
   * member.added / updated / toggled: that member's config, status persisted, the member event. `group` is the
   * member's group as stored, used when the relay does not know the group yet.
   */
  memberChanged(group: GroupState, member: MemberState, kind: MemberChangeKind): void {
    const { store } = this.state;
    if (!store.getGroup(group.id)) this.state.loadGroup(group, []);
    // The row carries the status the relay last wrote (or 0 for a new row); memory is the owner (D2).
    const existing = store.getMember(member.tradeGroupId, member.slaveAccount);
    if (existing) member.status = existing.status;
    store.putMember(member);
    if (!existing) this.switches.settle(member);
    // A toggle leaves everything the engine compiles as it was: only this member's risk word is re-read (a
    // recompile of the whole group per toggle made 1,000 toggles of a 1,000-member group quadratic).
    if (existing && sameSettings(existing.settings, member.settings)) this.state.refreshRisk(member);
    else this.state.compile(member.tradeGroupId);
    const now = this.state.evaluateMember(member);
    this.status.persist(member, now.status);
    this.configs.slave(member, now, memberTrigger[kind]);
    this.events.snapshotChanged();
    this.events.emit(memberEvent[kind], memberView(member, this.status.shown(member, now)));
  }

  /** member.deleted: -1 to that slave; if it was the last member, -1 master config and the group is gone. */
  memberDeleted(masterId: string, slaveAccount: string, groupDeleted: boolean): void {
    this.configs.slaveRemovalAll(slaveAccount, masterId, 'member_deleted');
    this.state.store.removeMember(masterId, slaveAccount);
    if (groupDeleted) {
      this.configs.masterRemoval(masterId, 'member_deleted');
      this.state.forgetGroup(masterId);
    } else {
      this.state.compile(masterId);
    }
    this.events.emit('member_deleted', { tradeGroupId: masterId, slaveAccount });
    this.events.snapshotChanged();
  }

  /** settings.updated: new synonym groups recompile the engine; a log-shipping change broadcasts config/global. */
  globalSettings(next: GlobalSettings): void {
    const prev = this.state.settings;
    this.state.settings = next;
    if (JSON.stringify(prev.synonymGroups) !== JSON.stringify(next.synonymGroups)) {
      this.state.engine.setSynonymGroups(next.synonymGroups);
      for (const g of this.state.store.allGroups()) this.state.compile(g.id);
    }
    if (JSON.stringify(prev.logShipping) !== JSON.stringify(next.logShipping)) this.configs.global('global');
    this.events.emit('global_settings_updated', next);
  }

  /**
   * Applies the stored group; when its delivery mode changed (whichever change carried it), every member starts
   * its switch (D23). Members new to memory settle straight into the group's mode.
   */
  private switchIfModeChanged(group: GroupState, load: () => void): void {
    const { store } = this.state;
    const before = store.getGroup(group.id)?.delivery ?? 'shared';
    const known = new Set(store.membersOf(group.id).map((m) => m.slaveAccount));
    load();
    for (const m of store.membersOf(group.id)) if (!known.has(m.slaveAccount)) this.switches.settle(m);
    if ((group.delivery ?? 'shared') !== before) this.switches.groupModeChanged(group);
  }

  private distributeMembers(masterId: string, trigger: ConfigTrigger, emit: boolean): void {
    const master = this.state.masterStatus(masterId);
    for (const member of this.state.store.membersOf(masterId)) {
      const now = this.state.evaluateMember(member, master);
      this.status.persist(member, now.status);
      this.configs.slave(member, now, trigger);
      if (emit) this.status.emitUpdated(member, now);
    }
  }
}
