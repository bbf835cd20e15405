// Risk controls of members whose slave is on another relay (docs/cluster.md, "Risk state across relays"): the view
// (`GET /internal/v1/risk/controls`, the member's card, drawer and details) comes from the relay holding the slave
// EA, which has its open copies (max positions), its equity and runs its guard. Asked on demand over core NATS
// request/reply (`<cluster>.riskview.<relayId>`); a relay that does not answer in time leaves this relay's own
// computation for its slaves (mirrored settings and guard row, no equity, no open copies), so the view never fails.
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { type MemberControlsView, memberControlsSchema } from '@sankey/shared/api/risk-views';
import type { ClusterNames } from '@sankey/shared/cluster/names';
import { z } from 'zod';
import type { Logger } from '../core/ports';
import type { EaPlacement } from './placement';

const answerSchema = z.array(memberControlsSchema);

/**
 * This relay's controls with the members of each remote slave replaced by what its relay answered (`owners`: the
 * relay of each remote slave; `answers`: each relay's own members, or null when it did not answer). Pure.
 */
export function mergeControls(
  local: readonly MemberControlsView[],
  owners: ReadonlyMap<string, string>,
  answers: ReadonlyMap<string, readonly MemberControlsView[] | null>,
): MemberControlsView[] {
  const answered = (slave: string) => {
    const relay = owners.get(slave);
    return relay !== undefined && answers.get(relay) != null;
  };
  const out = local.filter((m) => !answered(m.slaveAccount));
  for (const [relayId, list] of answers)
    for (const m of list ?? []) if (owners.get(m.slaveAccount) === relayId) out.push({ ...m, relayId });
  return out;
}

export class RiskViews {
  private sub: Subscription | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: ClusterNames,
    private readonly relayId: string,
    private readonly log: Logger,
    private readonly where: EaPlacement,
    private readonly timeoutMs = 1000,
  ) {}

  /** Answers the other relays with the controls of the members whose slave is here. */
  start(local: () => MemberControlsView[]): void {
    this.sub = this.nc.subscribe(this.names.riskViewSubject(this.relayId), {
      callback: (err, msg) => {
        if (err) return;
        const own = local().filter((m) => this.where.isLocal(m.slaveAccount, 'Slave'));
        msg.respond(JSON.stringify(own));
      },
    });
  }

  /** `local` with each remote slave's members as its relay computes them (docs/cluster.md). */
  async merge(local: MemberControlsView[]): Promise<MemberControlsView[]> {
    const owners = new Map<string, string>();
    for (const v of this.where.remote.values())
      if (v.eaType === 'Slave' && v.relayId !== this.relayId && this.where.isElsewhere(v.accountId, 'Slave'))
        owners.set(v.accountId, v.relayId);
    if (owners.size === 0) return local;
    const relays = [...new Set(owners.values())];
    const answers = new Map(await Promise.all(relays.map(async (r) => [r, await this.ask(r)] as const)));
    return mergeControls(local, owners, answers);
  }

  private async ask(relayId: string): Promise<MemberControlsView[] | null> {
    try {
      const msg = await this.nc.request(this.names.riskViewSubject(relayId), undefined, {
        timeout: this.timeoutMs,
      });
      return answerSchema.parse(JSON.parse(msg.string()));
    } catch (err) {
      this.log.debug(
        { err: String(err), relayId },
        'risk controls not answered by the slave’s relay: shown as computed here',
      );
      return null;
    }
  }

  stop(): void {
    this.sub?.unsubscribe();
    this.sub = null;
  }
}
