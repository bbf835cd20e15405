// EA connections live only in the relay's memory (docs/architecture.md, Web app and relay); without the relay there are none to show.
import type { EaConnection } from '@sankey/shared/api/views';
import { AppError } from '../errors';
import type { ServiceDeps } from './deps';

export function createConnectionService(deps: Pick<ServiceDeps, 'relay'>) {
  return {
    list: async (): Promise<EaConnection[]> => (await deps.relay.connections()) ?? [],

    /** The account's entries (Master and/or Slave); NOT_FOUND when it has none. */
    async get(accountId: string): Promise<EaConnection[]> {
      const entries = ((await deps.relay.connections()) ?? []).filter((c) => c.accountId === accountId);
      if (entries.length === 0) throw new AppError('NOT_FOUND', `no connection for account ${accountId}`);
      return entries;
    },
  };
}

export type ConnectionService = ReturnType<typeof createConnectionService>;
