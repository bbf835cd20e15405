// Routes sync requests and position snapshots between relays over core NATS (docs/cluster.md, Who does what): a
// slave's SyncRequest goes to the relay holding its master, a master's PositionSnapshot to the relays holding its
// slaves. Not persisted: an EA that gets no answer asks again.
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import type { ClusterNames } from '@sankey/shared/cluster/names';
import { decodeInbound, encodeInbound } from '@sankey/shared/protocol/codec';
import type {
  DecodedInbound,
  PositionSnapshotMessage,
  SyncRequestMessage,
} from '@sankey/shared/protocol/messages';
import type { Logger } from '../core/ports';
import { H_MASTER, H_RELAY, relayHeaders } from './headers';
import type { EaPlacement } from './placement';

export class SyncRouter {
  private subs: Subscription[] = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: ClusterNames,
    private readonly relayId: string,
    private readonly log: Logger,
    private readonly where: EaPlacement,
  ) {}

  /** A local slave's sync request for a master on another relay (`master`: the real one, behind an alias). */
  routeSync(msg: Extract<DecodedInbound, { type: 'SyncRequest' }>, master: string): void {
    this.publish(this.names.syncSubject(master, msg.message.slave_account), msg, master);
  }

  /** A local master's snapshot, for its slaves on other relays. */
  routeSnapshot(msg: Extract<DecodedInbound, { type: 'PositionSnapshot' }>): void {
    this.publish(this.names.snapshotSubject(msg.message.source_account), msg);
  }

  private publish(subject: string, msg: DecodedInbound, master?: string): void {
    try {
      const headers = relayHeaders(this.relayId);
      if (master !== undefined) headers.set(H_MASTER, master);
      this.nc.publish(subject, encodeInbound(msg), { headers });
    } catch (err) {
      this.log.warn({ err: String(err), subject }, 'cluster routing failed');
    }
  }

  /**
   * Listens for the other relays' requests and snapshots. `catchUp` applies the outbox rows committed so far (the
   * slave's relay may have applied a new member before this one).
   */
  start(catchUp: () => Promise<void>): void {
    const core = () => this.where.core;
    const onMsg = (kind: 'sync' | 'snapshot') => (err: Error | null, msg: Msg) => {
      if (err || msg.headers?.get(H_RELAY) === this.relayId) return;
      const decoded = decodeInbound(msg.data);
      if (!decoded.ok) return;
      const v = decoded.value;
      if (kind === 'sync' && v.type === 'SyncRequest') {
        const req = v.message as SyncRequestMessage;
        // Under an alias (D23), the request names the slave's alias and the header the real master, which the
        // request is passed on with (this relay may not have used the member's alias yet).
        const master = msg.headers?.get(H_MASTER) || req.master_account;
        if (!this.where.isLocalLive(master, 'Master')) return;
        const request: DecodedInbound = { type: 'SyncRequest', message: { ...req, master_account: master } };
        const known = () =>
          core()
            .membersOf(master)
            .some((m) => m.slaveAccount === req.slave_account);
        if (known()) core().handle(request, process.hrtime.bigint());
        // The slave's relay applied the new member first: apply the outbox here, then pass the request on.
        else void catchUp().then(() => core().handle(request, process.hrtime.bigint()));
      } else if (kind === 'snapshot' && v.type === 'PositionSnapshot') {
        const master = (v.message as PositionSnapshotMessage).source_account;
        if (this.where.hasLocalSlave(master)) core().handle(v, process.hrtime.bigint());
      }
    };
    this.subs.push(this.nc.subscribe(this.names.syncWildcard, { callback: onMsg('sync') }));
    this.subs.push(this.nc.subscribe(this.names.snapshotWildcard, { callback: onMsg('snapshot') }));
  }

  stop(): void {
    for (const s of this.subs) s.unsubscribe();
  }
}
