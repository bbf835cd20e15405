// The relay-owned runtime member status (D2): memory, the copy gate and the database, written only on change,
// and the `settings_updated` event that tells the UI a member's evaluation moved.
import { warningsFromMask } from '@sankey/shared/protocol/constants';
import type { MemberState } from '../state/groups';
import type { MemberResult } from './evaluation';
import type { EventSink, StatusWriter } from './ports';
import type { CoreState } from './state';

export class MemberStatus {
  constructor(
    private readonly state: CoreState,
    private readonly writer: StatusWriter,
    private readonly events: EventSink,
  ) {}

  /** Records `status` if it changed; returns whether it did. */
  persist(member: MemberState, status: number): boolean {
    if (member.status === status) return false;
    member.status = status;
    this.state.engine.setMemberStatus(member.tradeGroupId, member.slaveAccount, status);
    this.writer.write(member.tradeGroupId, member.slaveAccount, status);
    return true;
  }

  /** The evaluation the UI is shown: this relay's own, or for a slave on another relay its state there. */
  shown(member: MemberState, own: MemberResult): MemberResult {
    return this.state.remoteSlave(member.slaveAccount) ? this.state.viewMember(member) : own;
  }

  /** Tells the UI of the member's evaluation. */
  emitUpdated(member: MemberState, own: MemberResult): void {
    const result = this.shown(member, own);
    this.events.emit('settings_updated', {
      masterAccount: member.tradeGroupId,
      slaveAccount: member.slaveAccount,
      status: result.status,
      enabled: member.enabled,
      warningCodes: warningsFromMask(result.warnings),
      slaveSettings: member.settings,
    });
  }
}
