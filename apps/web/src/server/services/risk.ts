// Risk controls an operator runs per account (docs/api.md: risk.*; docs/risk-controls.md), over the relay's control
// API: equity guards (set, remove, reset a trip), a master's close-only flag and closeAll. Reads answer null when the
// relay is unreachable; commands fail with SERVICE_UNAVAILABLE then, and the relay's refusals keep their reason.
import type {
  AccountRiskView,
  CloseAllResultView,
  MemberControlsView,
  MemberRiskStateView,
} from '@sankey/shared/api/risk-views';
import type { EquityGuard } from '@sankey/shared/domain/risk';
import { AppError, type AppErrorCode } from '../errors';
import type { RelayAnswer } from '../relay-ops-client';
import type { ServiceDeps } from './deps';

const REFUSALS: Record<number, AppErrorCode> = { 400: 'BAD_REQUEST', 404: 'NOT_FOUND', 409: 'CONFLICT' };

function settle<T>(answer: RelayAnswer<T>): T {
  if (answer === 'unreachable') throw new AppError('SERVICE_UNAVAILABLE', 'the relay is unreachable');
  if (!answer.ok) throw new AppError(REFUSALS[answer.status] ?? 'BAD_REQUEST', answer.message);
  return answer.value;
}

export function createRiskService(deps: Pick<ServiceDeps, 'relay' | 'log'>) {
  const { relay, log } = deps;
  return {
    list(accountId?: string): Promise<AccountRiskView[] | null> {
      return relay.riskAccounts(accountId);
    },
    /** Members under a control now, with why; null when the relay is unreachable. */
    members(): Promise<MemberRiskStateView[] | null> {
      return relay.riskMembers();
    },
    /** Every member with a control set, with its state and until when; null when the relay is unreachable. */
    controls(): Promise<MemberControlsView[] | null> {
      return relay.riskControls();
    },
    async setGuard(accountId: string, guard: EquityGuard): Promise<AccountRiskView> {
      const done = settle(await relay.setEquityGuard(accountId, guard));
      log.info({ accountId, guard }, 'equity guard set by an operator');
      return done;
    },
    async removeGuard(accountId: string): Promise<{ ok: true }> {
      const done = settle(await relay.removeEquityGuard(accountId));
      log.info({ accountId }, 'equity guard removed by an operator');
      return done;
    },
    async reset(accountId: string): Promise<AccountRiskView> {
      const done = settle(await relay.resetEquityGuard(accountId));
      log.warn({ accountId }, 'tripped equity guard reset by an operator');
      return done;
    },
    async setMasterCloseOnly(accountId: string, closeOnly: boolean): Promise<AccountRiskView> {
      const done = settle(await relay.setMasterCloseOnly(accountId, closeOnly));
      log.warn({ accountId, closeOnly }, 'master close-only changed by an operator');
      return done;
    },
    async closeAll(accountId: string): Promise<CloseAllResultView> {
      const done = settle(await relay.closeAll(accountId));
      log.warn({ accountId, closes: done.closes }, 'closeAll by an operator');
      return done;
    },
  };
}

export type RiskService = ReturnType<typeof createRiskService>;
