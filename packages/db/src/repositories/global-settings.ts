// Global settings: one JSON row per top-level key of GlobalSettings; missing keys take their defaults.
import {
  type GlobalSettings,
  type GlobalSettingsUpdate,
  globalSettingsSchema,
} from '@sankey/shared/domain/settings';
import { type DbClient, inTransaction } from '../client';
import { CorruptRow } from '../errors';

const KEYS = Object.keys(globalSettingsSchema.shape) as (keyof GlobalSettings)[];

async function read(c: DbClient): Promise<GlobalSettings> {
  const rows = await c.globalSetting.findMany({ select: { key: true, value: true } });
  const stored: Record<string, unknown> = {};
  for (const row of rows) if ((KEYS as string[]).includes(row.key)) stored[row.key] = row.value;
  const parsed = globalSettingsSchema.safeParse(stored);
  if (!parsed.success) throw new CorruptRow(`global_settings: ${parsed.error.message}`);
  return parsed.data;
}

export function createGlobalSettingsRepository(client: DbClient) {
  return {
    /** The settings with defaults for everything never stored. */
    get(): Promise<GlobalSettings> {
      return read(client);
    },

    /**
     * Applies a partial update (logShipping may be partial too), validates the result and stores the changed
     * keys. Returns the new settings. ZodError if the result is invalid.
     */
    update(patch: GlobalSettingsUpdate): Promise<GlobalSettings> {
      return inTransaction(client, async (t) => {
        const current = await read(t);
        const next = globalSettingsSchema.parse({
          ...current,
          ...(patch.synonymGroups !== undefined && { synonymGroups: patch.synonymGroups }),
          ...(patch.heartbeatTimeoutS !== undefined && { heartbeatTimeoutS: patch.heartbeatTimeoutS }),
          logShipping: { ...current.logShipping, ...stripUndefined(patch.logShipping ?? {}) },
        });
        for (const key of KEYS) {
          if (patch[key] === undefined) continue;
          const value = next[key] as object;
          await t.globalSetting.upsert({ where: { key }, create: { key, value }, update: { value } });
        }
        return next;
      });
    },
  };
}

const stripUndefined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

export type GlobalSettingsRepository = ReturnType<typeof createGlobalSettingsRepository>;
