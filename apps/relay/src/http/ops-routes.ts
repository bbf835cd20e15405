// The control API's operator routes (docs/api.md: dead letters, delivery metrics, endpoints, blocklist). Queries and
// bodies are validated with zod; a refused retry answers 409 with the reason in words.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { accountIdInputSchema as accountId } from '@sankey/shared/api/account-id-input';
import { z } from 'zod';
import type { RelayOpsSource } from '../ops';
import { badRequest, json, readJson } from './respond';

export type RelayOpsRoutes = RelayOpsSource;

const listQuery = z.strictObject({
  reason: z.string().min(1).max(64).optional(),
  account: accountId.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.coerce.number().int().positive().optional(),
});
const parkedQuery = z.strictObject({
  account: accountId.optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});
const retryBody = z.strictObject({ id: z.number().int().positive(), force: z.boolean().default(false) });
const purgeBody = z.strictObject({ olderThanDays: z.number().min(0).max(3650) });
const metricsQuery = z.strictObject({ window: z.coerce.number().int().min(1).max(10_000).default(1000) });
const blockBody = z.strictObject({ accountId, reason: z.string().max(200).default('') });
const unblockBody = z.strictObject({ accountId });

/** Answers `route` when it is one of these; false otherwise (the caller answers 404). */
export async function routeOps(
  ops: RelayOpsRoutes,
  route: string,
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const query = Object.fromEntries(url.searchParams);
  switch (route) {
    case 'GET /dead-letters': {
      const q = listQuery.safeParse(query);
      if (!q.success) return badRequest(res, q.error);
      const { before, ...rest } = q.data;
      json(res, 200, {
        deadLetters: await ops.deadLetters({ ...rest, ...(before && { beforeId: before }) }),
      });
      return true;
    }
    case 'GET /parked': {
      const q = parkedQuery.safeParse(query);
      if (!q.success) return badRequest(res, q.error);
      json(res, 200, ops.parked(q.data));
      return true;
    }
    case 'POST /dead-letters/retry': {
      const b = retryBody.safeParse(await readJson(req));
      if (!b.success) return badRequest(res, b.error);
      const r = await ops.retryDeadLetter(b.data.id, b.data.force);
      if (r.ok) json(res, 200, r);
      else json(res, r.error === 'not_found' ? 404 : 409, { error: r.error, message: r.message });
      return true;
    }
    case 'POST /dead-letters/purge': {
      const b = purgeBody.safeParse(await readJson(req));
      if (!b.success) return badRequest(res, b.error);
      json(res, 200, { purged: await ops.purgeDeadLetters(b.data.olderThanDays) });
      return true;
    }
    case 'GET /deliveries/metrics': {
      const q = metricsQuery.safeParse(query);
      if (!q.success) return badRequest(res, q.error);
      json(res, 200, await ops.deliveryMetrics(q.data.window));
      return true;
    }
    case 'GET /endpoints':
      json(res, 200, { endpoints: await ops.endpoints() });
      return true;
    case 'GET /blocklist':
      json(res, 200, { blocked: ops.blocklist() });
      return true;
    case 'POST /blocklist/block': {
      const b = blockBody.safeParse(await readJson(req));
      if (!b.success) return badRequest(res, b.error);
      json(res, 200, await ops.block(b.data.accountId, b.data.reason));
      return true;
    }
    case 'POST /blocklist/unblock': {
      const b = unblockBody.safeParse(await readJson(req));
      if (!b.success) return badRequest(res, b.error);
      if (!(await ops.unblock(b.data.accountId))) {
        json(res, 404, { error: 'not_found', message: `${b.data.accountId} is not blocked` });
      } else json(res, 200, { ok: true });
      return true;
    }
    default:
      return false;
  }
}
