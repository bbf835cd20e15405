// Risk state across relays (docs/cluster.md, "Risk state across relays"): `account_risk` in PostgreSQL is the
// shared record; after a relay wrote an account's row (a trip, a day start, a reset, a guard or master close-only
// set) it says so on `<cluster>.risk.<account>` and the other relays re-read that row. Core NATS (not persisted):
// a relay that missed a message while NATS was down catches up by re-reading every row every `resyncMs`.
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { MemberControlsView } from '@sankey/shared/api/risk-views';
import { accountOfRiskSubject, type ClusterNames } from '@sankey/shared/cluster/names';
import type { Logger } from '../core/ports';
import { H_RELAY, relayHeaders } from './headers';

export interface RiskPeerSide {
  /** Re-reads one account's row (or every row) from the database and applies it. */
  applyShared(accountId?: string): Promise<void>;
  peers: { notify(accountId: string): void } | null;
  /** Every member's controls as this relay computes them (the other relays ask for those of its own slaves). */
  localControls(): MemberControlsView[];
  /** Set in cluster mode: the members of slaves on other relays as those relays compute them (risk-views.ts). */
  remoteControls: ((local: MemberControlsView[]) => Promise<MemberControlsView[]>) | null;
}

export class RiskSync {
  private sub: Subscription | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: ClusterNames,
    private readonly relayId: string,
    private readonly log: Logger,
  ) {}

  notify(accountId: string): void {
    try {
      this.nc.publish(this.names.riskSubject(accountId), undefined, { headers: relayHeaders(this.relayId) });
    } catch (err) {
      this.log.warn({ err: String(err), accountId }, 'risk change not announced to the cluster');
    }
  }

  start(side: RiskPeerSide, resyncMs: number): void {
    side.peers = this;
    const apply = (accountId?: string) =>
      side.applyShared(accountId).catch((err: unknown) => {
        this.log.error({ err, accountId }, 'shared risk state not applied (retried at the next resync)');
      });
    this.sub = this.nc.subscribe(this.names.riskWildcard, {
      callback: (err, msg) => {
        if (err || msg.headers?.get(H_RELAY) === this.relayId) return;
        const accountId = accountOfRiskSubject(this.names, msg.subject);
        if (accountId !== null) void apply(accountId);
      },
    });
    this.timer = setInterval(() => void apply(), resyncMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sub?.unsubscribe();
    this.sub = null;
  }
}
