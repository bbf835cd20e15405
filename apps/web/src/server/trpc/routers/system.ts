// connections, settings, system and logs: the procedures backed by the relay's control API or global settings.
import { clusterViewSchema } from '@sankey/shared/api/cluster-views';
import {
  changePasswordInputSchema,
  connectionGetInputSchema,
  logsListInputSchema,
  settingsUpdateInputSchema,
  signalsListInputSchema,
  tradesGetInputSchema,
  tradesListInputSchema,
} from '@sankey/shared/api/inputs';
import {
  eaConnectionSchema,
  latencySummarySchema,
  signalJournalEntrySchema,
  tradesPageSchema,
  tradeViewSchema,
} from '@sankey/shared/api/views';
import { z } from 'zod';
import { authedProcedure as p, router } from '../init';
import {
  changePasswordOutputSchema,
  logsPageSchema,
  rotateApiTokenOutputSchema,
  settingsOutputSchema,
  socketTokenSchema,
  systemStatusSchema,
} from '../outputs';

export const connectionsRouter = router({
  list: p.output(z.array(eaConnectionSchema)).query(({ ctx }) => ctx.services.connections.list()),
  get: p
    .input(connectionGetInputSchema)
    .output(z.array(eaConnectionSchema))
    .query(({ ctx, input }) => ctx.services.connections.get(input.accountId)),
});

export const settingsRouter = router({
  get: p.output(settingsOutputSchema).query(({ ctx }) => ctx.services.settings.get()),
  update: p
    .input(settingsUpdateInputSchema)
    .output(settingsOutputSchema)
    .mutation(({ ctx, input }) => ctx.services.settings.update(input)),
});

export const systemRouter = router({
  status: p.output(systemStatusSchema).query(({ ctx }) => ctx.services.system.status()),
  // Alone, or the cluster's relays and each EA's relay (docs/cluster.md); null when the relay is unreachable.
  cluster: p.output(clusterViewSchema.nullable()).query(({ ctx }) => ctx.services.system.cluster()),
  socketToken: p
    .output(socketTokenSchema)
    .query(({ ctx }) =>
      ctx.services.system.socketToken(ctx.principal.kind === 'session' ? ctx.principal.sessionId : null),
    ),
  // Beyond docs/api.md, Procedures (docs/api.md): a new API token, shown once.
  rotateApiToken: p
    .output(rotateApiTokenOutputSchema)
    .mutation(({ ctx }) => ctx.services.auth.rotateApiToken()),
});

// Beyond docs/api.md, Procedures (docs/api.md). Login and logout are plain HTTP endpoints (they set the cookie).
export const authRouter = router({
  changePassword: p
    .input(changePasswordInputSchema)
    .output(changePasswordOutputSchema)
    .mutation(({ ctx, input }) => ctx.services.auth.changePassword(ctx.principal, input, ctx.client)),
});

export const signalsRouter = router({
  list: p
    .input(signalsListInputSchema)
    .output(z.array(signalJournalEntrySchema))
    .query(({ ctx, input }) => ctx.services.system.signals(input ?? {})),
});

export const logsRouter = router({
  list: p
    .input(logsListInputSchema)
    .output(logsPageSchema)
    .query(({ ctx, input }) => ctx.services.system.logs(input ?? {})),
});

// Beyond docs/api.md, Procedures (docs/api.md): the Trades page and the latency dashboard.
export const tradesRouter = router({
  list: p
    .input(tradesListInputSchema)
    .output(tradesPageSchema)
    .query(({ ctx, input }) => ctx.services.trades.list(input ?? {})),
  get: p
    .input(tradesGetInputSchema)
    .output(tradeViewSchema)
    .query(({ ctx, input }) => ctx.services.trades.get(input)),
});

export const latencyRouter = router({
  summary: p.output(latencySummarySchema.nullable()).query(({ ctx }) => ctx.services.system.latency()),
});
