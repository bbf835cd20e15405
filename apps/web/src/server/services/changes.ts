// Admin changes as the operator follows them (docs/api.md, history.list and changes.*): the change history from
// the database, and the outbox rows the relay cannot apply now, which it reports until they apply or are
// discarded here.
import type { HistoryListInput } from '@sankey/shared/api/inputs';
import type { ChangeHistoryView, OutboxFailureView } from '@sankey/shared/api/views';
import { AppError } from '../errors';
import type { ServiceDeps } from './deps';

export function createChangeService(deps: ServiceDeps) {
  return {
    /** Newest first; `beforeId` pages back. */
    async history(q: NonNullable<HistoryListInput> = {}): Promise<ChangeHistoryView[]> {
      const rows = await deps.store.changeHistory.list(q);
      return rows.map((r) => ({
        ...r,
        createdAt: r.createdAt.toISOString(),
        settledAt: r.settledAt?.toISOString() ?? null,
      }));
    },

    /** The failing rows; null when the relay is unreachable (the UI then says it cannot tell). */
    failures(): Promise<OutboxFailureView[] | null> {
      return deps.relay.outboxFailures();
    },

    /** The relay closes the failing row unapplied and its group's later changes go on. */
    async discard(id: number): Promise<{ ok: true }> {
      const outcome = await deps.relay.discardOutbox(id);
      if (outcome === 'not_found') throw new AppError('NOT_FOUND', `no failing change with outbox id ${id}`);
      if (outcome === 'unreachable') throw new AppError('SERVICE_UNAVAILABLE', 'the relay is unreachable');
      deps.log.warn({ outboxId: id }, 'failing change discarded by an operator');
      return { ok: true };
    },
  };
}

export type ChangeService = ReturnType<typeof createChangeService>;
