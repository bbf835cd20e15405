// Live relays of the cluster (docs/cluster.md, Modes): one key per relay id in the `<cluster>_relays` bucket,
// refreshed every `refreshEveryMs` and expiring after the bucket TTL. A relay whose id has a key that is still
// being refreshed refuses to start (a duplicate id); a key left by a killed relay stops changing, so after one
// refresh period without a change the new process takes it over.
import type { KV } from '@nats-io/kv';
import { ClusterStartError } from './config';
import type { RelayLag } from './lag-window';

export interface RelayInfo {
  relayId: string;
  pid: number;
  host: string;
  address: string | null;
  startedAt: string;
  /** Wall time of the last refresh (display only: clocks do not compare across machines). */
  seenAt: string;
  eas: number;
  /** This relay's cross-relay lag (null before it is known). */
  lag: RelayLag | null;
  /** Every outbox row up to this id is applied here: processed rows up to every live relay's are purged. */
  outboxApplied?: number;
}

export class RelayRegistry {
  private revision = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly kv: KV,
    private readonly info: () => RelayInfo,
    private readonly refreshEveryMs: number,
    private readonly onRefreshFailed: (err: unknown) => void,
  ) {}

  /** Claims the id or throws ClusterStartError when another live relay holds it. */
  async claim(): Promise<void> {
    const id = this.info().relayId;
    const data = JSON.stringify(this.info());
    try {
      this.revision = await this.kv.create(id, data);
      return;
    } catch {
      // Taken (or left behind by a relay that died): watch it for one refresh period and a half.
    }
    const before = await this.kv.get(id);
    await new Promise((r) => setTimeout(r, Math.round(this.refreshEveryMs * 1.5)));
    const after = await this.kv.get(id);
    const live = after !== null && after.operation === 'PUT' && after.revision !== before?.revision;
    if (live) {
      const holder = after.json<RelayInfo>();
      throw new ClusterStartError(
        `relay id "${id}" is in use by a live relay (pid ${holder.pid} on ${holder.host}, started ${holder.startedAt}); give this relay another SANKEY_RELAY_ID`,
      );
    }
    // Not refreshed: its holder is gone. The key may expire (bucket TTL) meanwhile, so a create or an update
    // against the revision seen could fail ("wrong last sequence"): take it over with a plain put.
    this.revision = await this.kv.put(id, data);
  }

  start(): void {
    this.timer = setInterval(() => void this.refresh(), this.refreshEveryMs);
  }

  private async refresh(): Promise<void> {
    try {
      this.revision = await this.kv.update(this.info().relayId, JSON.stringify(this.info()), this.revision);
    } catch (err) {
      // A lost update (the key expired during a NATS outage): put it again so the id stays ours.
      try {
        this.revision = await this.kv.put(this.info().relayId, JSON.stringify(this.info()));
      } catch {
        this.onRefreshFailed(err);
      }
    }
  }

  /** Live relays as the bucket holds them. */
  async list(): Promise<RelayInfo[]> {
    const out: RelayInfo[] = [];
    // A key refreshed while the listing runs can come twice (the listing is a consumer over the bucket's stream):
    // a relay listed twice showed as two rows of Settings → Cluster (seen once in cluster-web-live.e2e).
    const keys = new Set<string>();
    for await (const key of await this.kv.keys()) keys.add(key);
    for (const key of keys) {
      const e = await this.kv.get(key);
      if (e && e.operation === 'PUT') out.push(e.json<RelayInfo>());
    }
    return out;
  }

  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.kv.delete(this.info().relayId).catch(() => {});
  }
}
