// The control API's risk routes (docs/api.md, "Risk controls"): per-account equity guards, their reset, master
// close-only and closeAll. Bodies are validated with zod (the guard with the shared schema); a closeAll that would
// reach other slaves (shared delivery) answers 409 `shared_delivery` with the reason in words.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { accountIdInputSchema as accountId } from '@sankey/shared/api/account-id-input';
import { equityGuardSchema } from '@sankey/shared/domain/risk';
import { z } from 'zod';
import type { RelayRiskSource } from '../risk-ops';
import { badRequest, json, readJson } from './respond';

const guardBody = z.strictObject({ accountId, guard: equityGuardSchema });
const accountBody = z.strictObject({ accountId });
const closeOnlyBody = z.strictObject({ accountId, closeOnly: z.boolean() });
const accountQuery = z.strictObject({ account: accountId.optional() });

/** Answers `route` when it is one of these; false otherwise. */
export async function routeRisk(
  risk: RelayRiskSource,
  route: string,
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  switch (route) {
    case 'GET /risk/accounts': {
      const q = accountQuery.safeParse(Object.fromEntries(url.searchParams));
      if (!q.success) return badRequest(res, q.error);
      json(res, 200, { accounts: q.data.account ? [risk.account(q.data.account)] : risk.accounts() });
      return true;
    }
    case 'GET /risk/members':
      json(res, 200, { members: risk.members() });
      return true;
    case 'GET /risk/controls':
      json(res, 200, { members: await risk.controls() });
      return true;
    case 'POST /risk/guard': {
      const b = guardBody.safeParse(await readJson(req));
      if (!b.success) return badRequest(res, b.error);
      const r = await risk.setGuard(b.data.accountId, b.data.guard);
      if (r.ok) json(res, 200, r.view);
      else json(res, 409, { error: r.error, message: r.message });
      return true;
    }
    case 'POST /risk/unguard': {
      const b = accountBody.safeParse(await readJson(req));
      if (!b.success) return badRequest(res, b.error);
      if (!(await risk.removeGuard(b.data.accountId)))
        json(res, 404, { error: 'not_found', message: `${b.data.accountId} has no equity guard` });
      else json(res, 200, { ok: true });
      return true;
    }
    case 'POST /risk/reset': {
      const b = accountBody.safeParse(await readJson(req));
      if (!b.success) return badRequest(res, b.error);
      if (!risk.reset(b.data.accountId))
        json(res, 409, {
          error: 'not_tripped',
          message: `${b.data.accountId}'s equity guard is not tripped (or it has none)`,
        });
      else json(res, 200, risk.account(b.data.accountId));
      return true;
    }
    case 'POST /risk/master-close-only': {
      const b = closeOnlyBody.safeParse(await readJson(req));
      if (!b.success) return badRequest(res, b.error);
      json(res, 200, await risk.setMasterCloseOnly(b.data.accountId, b.data.closeOnly));
      return true;
    }
    case 'POST /risk/close-all': {
      const b = accountBody.safeParse(await readJson(req));
      if (!b.success) return badRequest(res, b.error);
      const r = risk.closeAll(b.data.accountId);
      if (r.ok) json(res, 200, r);
      else json(res, r.error === 'not_found' ? 404 : 409, { error: r.error, message: r.message });
      return true;
    }
    default:
      return false;
  }
}
