// Global settings (docs/api.md, Procedures): log shipping, synonym groups, heartbeat timeout. Every update writes one
// `settings.updated` outbox row; the relay broadcasts `config/global` when log shipping changed.
import {
  LOG_INSERT_PATH,
  logEndpoint,
  logEndpointBytes,
  MAX_LOG_ENDPOINT_BYTES,
} from '@sankey/shared/domain/log-shipping';
import type { GlobalSettings, GlobalSettingsUpdate } from '@sankey/shared/domain/settings';
import { AppError } from '../errors';
import { commit, type ServiceDeps } from './deps';

function validateHost(host: string): void {
  const endpoint = logEndpoint(host);
  if (endpoint === null) return;
  if (!/^https?:\/\/[^\s/]+/.test(host.trim())) {
    throw new AppError(
      'BAD_REQUEST',
      'logShipping.host: must start with http:// or https:// and name a host',
    );
  }
  const size = logEndpointBytes(endpoint);
  if (size > MAX_LOG_ENDPOINT_BYTES) {
    throw new AppError(
      'BAD_REQUEST',
      `logShipping.host: the endpoint "${endpoint}" is ${size} bytes; the EA keeps only ${MAX_LOG_ENDPOINT_BYTES} ` +
        `(host at most ${MAX_LOG_ENDPOINT_BYTES - LOG_INSERT_PATH.length} bytes)`,
    );
  }
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function createSettingsService(deps: ServiceDeps) {
  return {
    get: (): Promise<GlobalSettings> => deps.store.globalSettings.get(),

    async update(patch: GlobalSettingsUpdate): Promise<GlobalSettings> {
      if (patch.logShipping?.host !== undefined) validateHost(patch.logShipping.host);
      return commit(deps, async (repos) => {
        const before = await repos.globalSettings.get();
        const after = await repos.globalSettings.update(patch);
        const changed = (Object.keys(after) as (keyof GlobalSettings)[]).filter(
          (k) => !sameJson(before[k], after[k]),
        );
        await repos.outbox.append({ kind: 'settings.updated', payload: { changed } });
        return after;
      });
    },
  };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
