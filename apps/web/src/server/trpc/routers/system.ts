// connections, settings, system and logs: the procedures backed by the relay's control API or global settings.
import {
  connectionGetInputSchema,
  logsListInputSchema,
  settingsUpdateInputSchema,
  signalsListInputSchema,
} from '@sankey/shared/api/inputs';
import { eaConnectionSchema, signalJournalEntrySchema } from '@sankey/shared/api/views';
import { z } from 'zod';
import { authedProcedure as p, router } from '../init';
import { logsPageSchema, settingsOutputSchema, socketTokenSchema, systemStatusSchema } from '../outputs';

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
  socketToken: p.output(socketTokenSchema).query(({ ctx }) => ctx.services.system.socketToken()),
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
