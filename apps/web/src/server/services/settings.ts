// Global settings (README §4): log shipping, synonym groups, heartbeat timeout. Every update writes one
// `settings.updated` outbox row; the relay broadcasts `config/global` when log shipping changed.
import type { GlobalSettings, GlobalSettingsUpdate } from '@sankey/shared/domain/settings';
import { AppError } from '../errors';
import { commit, type ServiceDeps } from './deps';

/** The EA keeps at most 63 bytes of the GlobalConfigMessage endpoint (protocol-and-relay.md §3.6). */
export const LOG_ENDPOINT_SUFFIX = '/insert/jsonline?_stream_fields=source';
export const MAX_ENDPOINT_BYTES = 63;

function validateHost(host: string): void {
  if (host === '') return;
  if (!/^https?:\/\/[^\s/]+/.test(host)) {
    throw new AppError(
      'BAD_REQUEST',
      'logShipping.host: must start with http:// or https:// and name a host',
    );
  }
  const endpoint = host.replace(/\/+$/, '') + LOG_ENDPOINT_SUFFIX;
  const size = Buffer.byteLength(endpoint, 'utf8');
  if (size > MAX_ENDPOINT_BYTES) {
    throw new AppError(
      'BAD_REQUEST',
      `logShipping.host: the endpoint "${endpoint}" is ${size} bytes; the EA keeps only ${MAX_ENDPOINT_BYTES} ` +
        `(host at most ${MAX_ENDPOINT_BYTES - LOG_ENDPOINT_SUFFIX.length} bytes)`,
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
