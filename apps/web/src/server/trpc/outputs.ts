// Output schemas of the procedures that have no shared view (the others use @sankey/shared/api/views).
import { envOverrideSchema } from '@sankey/shared/api/views';
import { globalSettingsSchema } from '@sankey/shared/domain/settings';
import { z } from 'zod';
import { logsPageSchema } from '../relay-client';

/** Deletes: `outboxId` is the id of the outbox row written (docs/api.md, "Outbox ids"). */
export const deletedSchema = z.object({ ok: z.literal(true), outboxId: z.number().int() });

export const systemStatusSchema = z.object({
  relayReachable: z.boolean(),
  version: z.string().nullable(),
  uptimeS: z.number().nullable(),
  ports: z.object({
    receiver: z.number().int(),
    publisher: z.number().int(),
    relayHttp: z.number().int(),
    web: z.number().int(),
  }),
  counters: z.record(z.string(), z.number()),
  envOverrides: z.array(envOverrideSchema),
});

export const changePasswordOutputSchema = z.object({ ok: z.literal(true), sessionsEnded: z.number().int() });
export const rotateApiTokenOutputSchema = z.object({ apiToken: z.string() });

export const socketTokenSchema = z.object({ token: z.string(), expiresAt: z.string() });

export { globalSettingsSchema as settingsOutputSchema, logsPageSchema };
