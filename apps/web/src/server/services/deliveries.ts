// Delivery an operator can run (docs/api.md: deliveries.*, endpoints.list, blocklist.*), over the relay's control
// API: the dead letters the relay could not deliver, per-EA statistics and the blocklist. Reads answer null when
// the relay is unreachable (the UI then says it cannot tell); commands fail with SERVICE_UNAVAILABLE, and the
// relay's refusals keep their reason (a stale Open needs `force`; an Open whose ticket was closed never goes).
import type {
  BlockedEaView,
  DeadLetterView,
  DeliveryMetrics,
  EndpointStatsView,
  ParkedView,
} from '@sankey/shared/api/ops-views';
import { AppError, type AppErrorCode } from '../errors';
import type { RelayAnswer } from '../relay-ops-client';
import type { ServiceDeps } from './deps';

const REFUSALS: Record<number, AppErrorCode> = { 400: 'BAD_REQUEST', 404: 'NOT_FOUND', 409: 'CONFLICT' };

function settle<T>(answer: RelayAnswer<T>): T {
  if (answer === 'unreachable') throw new AppError('SERVICE_UNAVAILABLE', 'the relay is unreachable');
  if (!answer.ok) {
    throw new AppError(REFUSALS[answer.status] ?? 'BAD_REQUEST', answer.message, {
      ...(answer.reason !== undefined && { reason: answer.reason }),
    });
  }
  return answer.value;
}

export function createDeliveryService(deps: Pick<ServiceDeps, 'relay' | 'log'>) {
  const { relay, log } = deps;
  return {
    /** Newest first; `account` is the EA the frame was for. */
    list(
      q: { reason?: string; account?: string; limit?: number; beforeId?: number } = {},
    ): Promise<DeadLetterView[] | null> {
      return relay.deadLetters(q);
    },

    async retry(id: number, force = false) {
      const done = settle(await relay.retryDeadLetter(id, force));
      log.warn({ deadLetterId: id, force, outcome: done.outcome }, 'dead letter retried by an operator');
      return done;
    },

    async purge(olderThanDays: number): Promise<{ purged: number }> {
      const done = settle(await relay.purgeDeadLetters(olderThanDays));
      log.warn({ olderThanDays, purged: done.purged }, 'dead letters purged by an operator');
      return done;
    },

    /** What waits for slaves that are away; null when the relay is unreachable. */
    parked(q: { account?: string; limit?: number } = {}): Promise<ParkedView | null> {
      return relay.parked(q);
    },

    metrics(window?: number): Promise<DeliveryMetrics | null> {
      return relay.deliveryMetrics(window);
    },

    endpoints(): Promise<EndpointStatsView[] | null> {
      return relay.endpoints();
    },

    blocklist(): Promise<BlockedEaView[] | null> {
      return relay.blocklist();
    },

    async block(accountId: string, reason = ''): Promise<BlockedEaView> {
      const done = settle(await relay.block(accountId, reason));
      log.warn({ accountId, reason }, 'EA blocked by an operator');
      return done;
    },

    async unblock(accountId: string): Promise<{ ok: true }> {
      const done = settle(await relay.unblock(accountId));
      log.warn({ accountId }, 'EA unblocked by an operator');
      return done;
    },
  };
}

export type DeliveryService = ReturnType<typeof createDeliveryService>;
