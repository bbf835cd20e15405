// The operator's side of delivery (docs/api.md: dead letters, delivery metrics, endpoints, blocklist): the source
// of the control API's operator routes, plus the per-EA figures and the blocklist the transport consults.
import type {
  BlockedEaView,
  DeadLetterView,
  DeliveryMetrics,
  EndpointStatsView,
  ParkedView,
} from '@sankey/shared/api/ops-views';
import type { RelayCore } from './core/relay-core';
import { deliveryReport } from './delivery/delivery-report';
import { parkedView, symbolAndLots } from './delivery/parked-view';
import { type RetryResult, retryDeadLetter } from './delivery/retry-dead-letter';
import type { LiveEvents } from './http/live-events';
import { EndpointStats } from './observability/endpoint-stats';
import type { RelayMetrics } from './observability/metrics';
import type { RelayStorage } from './outbox/storage';
import type { RelayPersistence } from './persistence';
import { Blocklist } from './state/blocklist';
import type { InboundEndpoints } from './transport/inbound';

export interface RelayOpsSource {
  deadLetters(q: {
    reason?: string;
    account?: string;
    limit: number;
    beforeId?: number;
  }): Promise<DeadLetterView[]>;
  retryDeadLetter(id: number, force: boolean): Promise<RetryResult>;
  purgeDeadLetters(olderThanDays: number): Promise<number>;
  /** What waits for slaves that are away: per slave, and the copies oldest first. */
  parked(q: { account?: string; limit: number }): ParkedView;
  deliveryMetrics(window: number): Promise<DeliveryMetrics>;
  endpoints(): Promise<EndpointStatsView[]>;
  blocklist(): BlockedEaView[];
  block(accountId: string, reason: string): Promise<BlockedEaView>;
  unblock(accountId: string): Promise<boolean>;
}

const blockedView = (b: { accountId: string; reason: string; blockedAt: Date }): BlockedEaView => ({
  ...b,
  blockedAt: b.blockedAt.toISOString(),
});

export class RelayOps implements RelayOpsSource {
  readonly blocked: Blocklist;
  readonly stats: EndpointStats;
  /** Set once the core is built (the core itself consults `blocked`). */
  core!: RelayCore;

  constructor(
    private readonly storage: RelayStorage,
    private readonly metrics: RelayMetrics,
    private readonly events: LiveEvents,
    private readonly nowMs: () => number,
    private readonly persistence: RelayPersistence,
    highWater?: number,
  ) {
    this.blocked = new Blocklist(storage);
    this.stats = new EndpointStats(nowMs, highWater);
  }

  /** What the inbound path needs: the blocklist, and per-EA counting. */
  get inbound(): InboundEndpoints {
    const { stats, metrics } = this;
    return {
      isBlocked: this.blocked.has,
      frameIn: (ea, bytes) => stats.frameIn(ea, bytes),
      decodeError: (ea, bytes) => stats.decodeError(ea, bytes),
      blockedFrame: (ea) => {
        stats.blockedFrame(ea);
        metrics.blockedFrames.inc();
      },
    };
  }

  /** Every second: the high-water watch over parked copies (docs/api.md, `ea_throttled`). */
  tick(): void {
    this.stats.watch(this.core.delivery.parking.countsBySlave(), {
      throttled: (accountId, parked, highWater) => {
        this.metrics.eaThrottled.inc({ event: 'throttled' });
        this.events.emit('ea_throttled', { accountId, parked, highWater });
      },
      recovered: (accountId, parked) => {
        this.metrics.eaThrottled.inc({ event: 'recovered' });
        this.events.emit('ea_recovered', { accountId, parked });
      },
    });
  }

  async deadLetters(q: { reason?: string; account?: string; limit: number; beforeId?: number }) {
    await this.persistence.deadLetters.writer.flush();
    const rows = await this.storage.listDeadLetters({
      limit: q.limit,
      ...(q.reason !== undefined && { reason: q.reason }),
      ...(q.account !== undefined && { destination: q.account }),
      ...(q.beforeId !== undefined && { beforeId: q.beforeId }),
    });
    return rows.map(({ payload, firstAttemptAt, lastAttemptAt, ...r }) => ({
      ...r,
      ...symbolAndLots(Buffer.from(payload)),
      firstAttemptAt: firstAttemptAt.toISOString(),
      lastAttemptAt: lastAttemptAt.toISOString(),
      payloadBytes: payload.length,
    }));
  }

  async retryDeadLetter(id: number, force: boolean): Promise<RetryResult> {
    // The Close that forbids an Open's retry may still be in the journal's buffer.
    await Promise.all([this.persistence.journal.flush(), this.persistence.deadLetters.writer.flush()]);
    const result = await retryDeadLetter(
      {
        storage: this.storage,
        maxSignalDelayMs: (master, slave) =>
          this.core.membersOf(master).find((m) => m.slaveAccount === slave)?.settings.maxSignalDelayMs,
        redeliver: (copy, symbol) => this.core.delivery.redeliver(copy, symbol),
        nowMs: this.nowMs,
        isBlocked: this.blocked.has,
      },
      id,
      force,
    );
    this.metrics.deadLetterRetries.inc({ outcome: result.ok ? result.outcome : result.error });
    return result;
  }

  async purgeDeadLetters(olderThanDays: number): Promise<number> {
    await this.persistence.deadLetters.writer.flush();
    const n = await this.storage.purgeDeadLetters(new Date(this.nowMs() - olderThanDays * 86_400_000));
    this.metrics.deadLettersPurged.inc(n);
    return n;
  }

  parked(q: { account?: string; limit: number }): ParkedView {
    const online = (slave: string) => this.core.connection(slave, 'Slave')?.status === 'Online';
    return parkedView(this.core.delivery.parking.all(), online, q);
  }

  async deliveryMetrics(window: number): Promise<DeliveryMetrics> {
    await Promise.all([this.persistence.journal.flush(), this.persistence.deadLetters.writer.flush()]);
    return deliveryReport(this.storage, window);
  }

  async endpoints(): Promise<EndpointStatsView[]> {
    await this.persistence.deadLetters.writer.flush();
    const { byDestination } = await this.storage.deadLetterCounts();
    const { delivery } = this.core;
    const parked = delivery.parking.countsBySlave();
    const connected = this.core.connections().map((c) => c.accountId);
    const also = [...parked.keys(), ...connected, ...this.blocked.list().map((b) => b.accountId)];
    return this.stats
      .view(also, {
        parked: (ea) => parked.get(ea) ?? 0,
        deadLetters: (ea) => byDestination[ea] ?? 0,
        listening: (ea) =>
          delivery.listeners.mastersOf(ea).length > 0 || delivery.listeners.isSubscribed(`config/${ea}`),
        blocked: this.blocked.has,
      })
      .map(({ lastSeenMs, ...v }) => ({
        ...v,
        lastSeenAt: lastSeenMs === null ? null : new Date(lastSeenMs).toISOString(),
      }));
  }

  blocklist(): BlockedEaView[] {
    return this.blocked.list().map(blockedView);
  }

  async block(accountId: string, reason: string): Promise<BlockedEaView> {
    return blockedView(await this.blocked.block(accountId, reason, new Date(this.nowMs())));
  }

  unblock(accountId: string): Promise<boolean> {
    return this.blocked.unblock(accountId);
  }
}
