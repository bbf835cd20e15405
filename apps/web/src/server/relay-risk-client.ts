// The relay's risk routes (docs/api.md, "Risk controls") as the web app sees them: reads answer null when the relay
// is unreachable; commands keep the relay's refusals (404, 409 `shared_delivery` / `not_tripped`) with their words.
import {
  type AccountRiskView,
  accountRiskViewSchema,
  type CloseAllResultView,
  closeAllResultSchema,
  type MemberControlsView,
  type MemberRiskStateView,
  memberControlsSchema,
  memberRiskStateSchema,
} from '@sankey/shared/api/risk-views';
import type { EquityGuard } from '@sankey/shared/domain/risk';
import { z } from 'zod';
import type { CallFn, CommandFn, RelayAnswer } from './relay-ops-client';

export interface RelayRiskClient {
  riskAccounts(accountId?: string): Promise<AccountRiskView[] | null>;
  riskMembers(): Promise<MemberRiskStateView[] | null>;
  /** Every member with a control set, each with its state and until when. */
  riskControls(): Promise<MemberControlsView[] | null>;
  setEquityGuard(accountId: string, guard: EquityGuard): Promise<RelayAnswer<AccountRiskView>>;
  removeEquityGuard(accountId: string): Promise<RelayAnswer<{ ok: true }>>;
  resetEquityGuard(accountId: string): Promise<RelayAnswer<AccountRiskView>>;
  setMasterCloseOnly(accountId: string, closeOnly: boolean): Promise<RelayAnswer<AccountRiskView>>;
  closeAll(accountId: string): Promise<RelayAnswer<CloseAllResultView>>;
}

export function relayRiskClient(call: CallFn, command: CommandFn): RelayRiskClient {
  return {
    riskAccounts: async (accountId) =>
      (
        await call(
          'GET',
          `/risk/accounts${accountId ? `?account=${encodeURIComponent(accountId)}` : ''}`,
          z.object({ accounts: z.array(accountRiskViewSchema) }),
        )
      )?.accounts ?? null,
    riskMembers: async () =>
      (await call('GET', '/risk/members', z.object({ members: z.array(memberRiskStateSchema) })))?.members ??
      null,
    riskControls: async () =>
      (await call('GET', '/risk/controls', z.object({ members: z.array(memberControlsSchema) })))?.members ??
      null,
    setEquityGuard: (accountId, guard) => command('/risk/guard', accountRiskViewSchema, { accountId, guard }),
    removeEquityGuard: (accountId) =>
      command('/risk/unguard', z.object({ ok: z.literal(true) }), { accountId }),
    resetEquityGuard: (accountId) => command('/risk/reset', accountRiskViewSchema, { accountId }),
    setMasterCloseOnly: (accountId, closeOnly) =>
      command('/risk/master-close-only', accountRiskViewSchema, { accountId, closeOnly }),
    closeAll: (accountId) => command('/risk/close-all', closeAllResultSchema, { accountId }),
  };
}
