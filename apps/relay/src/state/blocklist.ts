// The EA blocklist (docs/api.md, blocklist) in memory, read on the hot path; persisted through the storage worker
// before the change takes effect, so what the operator sees listed is what the relay does after a restart too.
import type { RelayStorage } from '../outbox/storage';

export interface BlockedEa {
  accountId: string;
  reason: string;
  blockedAt: Date;
}

type BlocklistStorage = Pick<RelayStorage, 'listBlocked' | 'block' | 'unblock'>;

export class Blocklist {
  private readonly byId = new Map<string, BlockedEa>();

  constructor(private readonly storage: BlocklistStorage) {}

  async load(): Promise<number> {
    for (const b of await this.storage.listBlocked()) this.byId.set(b.accountId, b);
    return this.byId.size;
  }

  readonly has = (accountId: string): boolean => this.byId.has(accountId);

  list(): BlockedEa[] {
    return [...this.byId.values()];
  }

  async block(accountId: string, reason: string, at: Date): Promise<BlockedEa> {
    await this.storage.block(accountId, reason, at);
    const entry = { accountId, reason, blockedAt: at };
    this.byId.set(accountId, entry);
    return entry;
  }

  async unblock(accountId: string): Promise<boolean> {
    const had = await this.storage.unblock(accountId);
    return this.byId.delete(accountId) || had;
  }
}
