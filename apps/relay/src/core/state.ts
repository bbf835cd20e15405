// The core's in-memory model (D1, D2): connection table, groups and members, global settings, and the status
// evaluations over them. Private to the core: the modules of the core share it, nothing outside reads it.
import type { GlobalSettings, SlaveSettings } from '@sankey/shared/domain/settings';
import { type ConnectionSnapshot, ConnectionTable } from '../state/connections';
import { type GroupState, GroupStore, type MemberState } from '../state/groups';
import type { Engine } from './engine';
import { Evaluator, type MasterResult, type MemberResult } from './evaluation';
import { Isolation } from './isolation';
import { RiskBook } from './risk/book';

/** A slave on another relay of the cluster as views show it; undefined when it is not elsewhere. */
export type RemoteSlaveView = (slaveAccount: string) => ConnectionSnapshot | undefined;

export class CoreState {
  readonly store = new GroupStore();
  /** Members' risk words (docs/protocol.md D22), kept across recompiles. */
  readonly risk = new RiskBook();
  readonly connections: ConnectionTable;
  /** Member aliases and routes (docs/protocol.md D23). */
  readonly isolation: Isolation;
  compileErrors = 0;
  onCompileError: (err: unknown, masterId: string) => void = () => {};
  /**
   * A slave connected to another relay of the cluster, as the cluster's shared state says (docs/cluster.md,
   * Member status across relays); undefined when the slave is here, or alone. For views only: copying goes by
   * this relay's own table.
   */
  remoteSlave: RemoteSlaveView = () => undefined;
  /**
   * Cluster mode: slave accounts with a live-or-known EA on another relay (kept by the placement). A member the
   * engine finds not connected here whose slave is in it is copied by that relay: not filtered here. Alone: null.
   */
  slavesElsewhere: ReadonlySet<string> | null = null;
  private readonly evaluator: Evaluator;

  constructor(
    readonly engine: Engine,
    public settings: GlobalSettings,
    maxConnections = Number.POSITIVE_INFINITY,
  ) {
    this.connections = new ConnectionTable({
      maxEntries: maxConnections,
      isLinked: (id) => this.store.isLinked(id),
    });
    this.evaluator = new Evaluator(engine);
    this.isolation = new Isolation(
      (id) =>
        this.store.isLinked(id) ||
        this.connections.getMaster(id) !== undefined ||
        this.connections.getSlave(id) !== undefined,
    );
    engine.setSynonymGroups(settings.synonymGroups);
  }

  /** docs/protocol.md §6.2: the master's evaluation from its group and connection entry. */
  masterStatus(masterId: string): MasterResult {
    return this.masterWith(
      this.store.getGroup(masterId),
      this.connections.snapshotOf(this.connections.getMaster(masterId)),
    );
  }

  masterWith(group: GroupState | undefined, conn: ConnectionSnapshot): MasterResult {
    return this.evaluator.master(group, conn);
  }

  evaluateMember(member: MemberState, master: MasterResult = this.masterStatus(member.tradeGroupId)) {
    const slave = this.connections.snapshotOf(this.connections.getSlave(member.slaveAccount));
    return this.evaluator.member(member.enabled, slave, master);
  }

  /** The evaluation views show: a slave on another relay is evaluated from its state there. */
  viewMember(member: MemberState, master: MasterResult = this.masterStatus(member.tradeGroupId)) {
    const remote = this.remoteSlave(member.slaveAccount);
    return remote
      ? this.evaluator.member(member.enabled, remote, master)
      : this.evaluateMember(member, master);
  }

  memberWith(member: MemberState, slave: ConnectionSnapshot, master: MasterResult): MemberResult {
    return this.evaluator.member(member.enabled, slave, master);
  }

  changed(a: MasterResult, b: MasterResult): boolean {
    return this.evaluator.changed(a, b);
  }

  /** (Re)compiles a master's members into the copy engine; a master without a group is removed from it. */
  compile(masterId: string): void {
    const group = this.store.getGroup(masterId);
    if (!group) {
      this.engine.removeMaster(masterId);
      return;
    }
    try {
      this.engine.compileMaster(
        masterId,
        { symbolPrefix: group.symbolPrefix, symbolSuffix: group.symbolSuffix },
        this.store.membersOf(masterId).map((m) => ({
          slaveAccount: m.slaveAccount,
          status: m.status,
          risk: this.risk.refresh(m),
          settings: m.settings.usePendingOrderForDelayed ? withoutAgeLimit(m.settings) : m.settings,
          symbolContext: this.connections.getSlave(m.slaveAccount)?.symbolContext ?? null,
        })),
      );
    } catch (err) {
      // A member the engine cannot compile (settings the API would refuse): the previous compile stays in force.
      this.compileErrors++;
      this.onCompileError(err, masterId);
    }
  }

  /** A member whose compiled inputs did not change: its risk word recomputed, the engine told if it moved. */
  refreshRisk(member: MemberState): void {
    const { tradeGroupId: master, slaveAccount: slave } = member;
    const before = this.risk.get(master, slave);
    const word = this.risk.refresh(member);
    if (word !== before) this.engine.setMemberRisk(master, slave, word);
  }

  loadGroup(group: GroupState, members: MemberState[]): void {
    this.store.putGroup(group);
    this.store.setMembers(group.id, members);
    this.compile(group.id);
  }

  forgetGroup(masterId: string): void {
    this.store.removeGroup(masterId);
    this.engine.removeMaster(masterId);
  }
}

/**
 * docs/protocol.md §5.3 step 3: with `use_pending_order_for_delayed` the EA places a late Open as a pending order
 * instead of dropping it, so the relay's stale-signal guard (D22) must not refuse it either.
 */
function withoutAgeLimit({
  maxSignalDelayMs: _,
  ...rest
}: SlaveSettings): Omit<SlaveSettings, 'maxSignalDelayMs'> {
  return rest;
}
