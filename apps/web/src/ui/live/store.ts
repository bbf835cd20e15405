// Client-side live state: the latest snapshot (connections, groups, members), optimistic intents, the activity
// feed and the socket state. Fed by tRPC fetches and socket.io events; read by React via useSyncExternalStore.
import type { RelayEventName, RelayEventPayload, SystemSnapshot } from '@sankey/shared/api/events';
import type { EaConnection, MemberView, TradeGroupView } from '@sankey/shared/api/views';

export type SocketState = 'connecting' | 'connected' | 'offline';

export const ACTIVITY_KINDS = [
  'trade_received',
  'trade_copied',
  'trade_filtered',
  'delivery_failed',
] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export type ActivityEntry = {
  [K in ActivityKind]: {
    seq: number;
    at: string;
    kind: K;
    accounts: string[];
    payload: RelayEventPayload<K>;
  };
}[ActivityKind];

export interface LiveState {
  loaded: boolean;
  connections: EaConnection[];
  tradeGroups: TradeGroupView[];
  members: MemberView[];
  pending: Record<string, boolean>;
  socket: SocketState;
  activity: ActivityEntry[];
  /** Bumped on `global_settings_updated`, so the settings page refetches. */
  settingsVersion: number;
  /** Delivery route per member (`master\u0000slave`) as the relay last reported it (docs/protocol.md D23). */
  deliveryRoutes: Record<string, DeliveryRoute>;
}

export type DeliveryRoute = Omit<RelayEventPayload<'member_delivery'>, 'tradeGroupId' | 'slaveAccount'>;
export const routeKey = (master: string, slave: string) => `${master}\u0000${slave}`;

export const MAX_ACTIVITY = 500;

/** The relay's word that an EA's parked copies passed the high-water mark, or drained again (toasts). */
export type EaNotice =
  | { kind: 'ea_throttled'; payload: RelayEventPayload<'ea_throttled'> }
  | { kind: 'ea_recovered'; payload: RelayEventPayload<'ea_recovered'> };

export function emptyState(): LiveState {
  return {
    loaded: false,
    connections: [],
    tradeGroups: [],
    members: [],
    pending: {},
    socket: 'connecting',
    activity: [],
    settingsVersion: 0,
    deliveryRoutes: {},
  };
}

/** Accounts an activity entry concerns (for the account filter). */
export function activityAccounts<K extends ActivityKind>(kind: K, p: RelayEventPayload<K>): string[] {
  switch (kind) {
    case 'trade_received':
      return [(p as RelayEventPayload<'trade_received'>).sourceAccount];
    case 'trade_copied':
    case 'trade_filtered': {
      const q = p as RelayEventPayload<'trade_filtered'>;
      return [q.masterAccount, q.slaveAccount];
    }
    default: {
      // delivery_failed: the accounts are in the topic (`trade/<master>/<slave>`, `config/<account>`).
      const parts = (p as RelayEventPayload<'delivery_failed'>).topic.split('/').slice(1);
      return parts.filter((s) => s.length > 0 && s !== 'global');
    }
  }
}

export function filterActivity(entries: readonly ActivityEntry[], account: string | null): ActivityEntry[] {
  if (!account) return [...entries];
  return entries.filter((e) => e.accounts.includes(account));
}

/**
 * A snapshot: from the relay's socket with the outbox id it had applied, or loaded through tRPC (no id: read from
 * the database after every mutation this page made, so never older than them).
 */
export type Snapshot = Omit<SystemSnapshot, 'appliedOutboxId'> & { appliedOutboxId?: number };

const gKey = (id: string) => `g:${id}`;
const mKey = (m: { tradeGroupId: string; slaveAccount: string }) => `m:${m.tradeGroupId}/${m.slaveAccount}`;

/** Replaces the snapshot's entries that a newer mutation wrote by the local ones (or drops them, if deleted). */
function keepNewer<T>(
  snapshot: T[],
  local: T[],
  key: (x: T) => string,
  held: ReadonlyMap<string, number>,
): T[] {
  if (held.size === 0) return snapshot;
  const mine = new Map(local.map((x) => [key(x), x]));
  const out: T[] = [];
  const seen = new Set<string>();
  for (const x of snapshot) {
    const k = key(x);
    seen.add(k);
    if (!held.has(k)) out.push(x);
    else if (mine.has(k)) out.push(mine.get(k) as T);
  }
  const added = local.filter((x) => held.has(key(x)) && !seen.has(key(x)));
  return [...added, ...out];
}

const upsertMember = (list: MemberView[], m: MemberView): MemberView[] => {
  const i = list.findIndex((x) => x.id === m.id);
  if (i < 0) return [...list, m];
  const copy = list.slice();
  copy[i] = m;
  return copy;
};

export class LiveStore {
  private state: LiveState = emptyState();
  private readonly listeners = new Set<() => void>();
  private seq = 0;
  private readonly now: () => Date;
  /**
   * Groups and members (by key) a mutation wrote, with that mutation's outbox id. A relay snapshot that has not
   * applied that id yet is older for them: the local data (or its absence, after a delete) is kept.
   */
  private readonly held = new Map<string, number>();

  constructor(now: () => Date = () => new Date()) {
    this.now = now;
  }

  getState = (): LiveState => this.state;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  private readonly noticeListeners = new Set<(n: EaNotice) => void>();

  /** Notices are events, not state: each reaches the listeners registered when it arrives, once. */
  private readonly eaListeners = new Set<() => void>();

  /** Called on every `ea_connected` / `ea_disconnected`, of this relay or (cluster mode) another one. */
  onEaEvent = (fn: () => void): (() => void) => {
    this.eaListeners.add(fn);
    return () => this.eaListeners.delete(fn);
  };

  onNotice = (fn: (n: EaNotice) => void): (() => void) => {
    this.noticeListeners.add(fn);
    return () => this.noticeListeners.delete(fn);
  };

  private set(patch: Partial<LiveState>) {
    this.state = { ...this.state, ...patch };
    for (const fn of this.listeners) fn();
  }

  applySnapshot(s: Snapshot) {
    const applied = s.appliedOutboxId ?? Number.POSITIVE_INFINITY;
    for (const [k, id] of this.held) if (id <= applied) this.held.delete(k);
    const tradeGroups = keepNewer(s.tradeGroups, this.state.tradeGroups, (g) => gKey(g.id), this.held);
    const groupIds = new Set(tradeGroups.map((g) => g.id));
    // Members of a group deleted by a newer mutation go with it.
    const members = keepNewer(s.members, this.state.members, mKey, this.held).filter((m) =>
      groupIds.has(m.tradeGroupId),
    );
    this.set({ loaded: true, connections: s.connections, tradeGroups, members });
  }

  /** Marks data written by a mutation (its view's or answer's `outboxId`). */
  private hold(key: string, outboxId: number | undefined) {
    if (outboxId !== undefined) this.held.set(key, Math.max(outboxId, this.held.get(key) ?? 0));
  }

  setSocket(socket: SocketState) {
    if (this.state.socket !== socket) this.set({ socket });
  }

  setPending(key: string, enabled: boolean) {
    this.set({ pending: { ...this.state.pending, [key]: enabled } });
  }

  clearPending(key: string) {
    if (!(key in this.state.pending)) return;
    const { [key]: _, ...rest } = this.state.pending;
    this.set({ pending: rest });
  }

  upsertGroup(g: TradeGroupView) {
    this.hold(gKey(g.id), g.outboxId);
    const i = this.state.tradeGroups.findIndex((x) => x.id === g.id);
    const list = this.state.tradeGroups.slice();
    if (i < 0) list.unshift(g);
    else list[i] = g;
    this.set({ tradeGroups: list });
  }

  /** `outboxId`: the delete's outbox row, so an older snapshot does not bring the group back. */
  removeGroup(id: string, outboxId?: number) {
    this.hold(gKey(id), outboxId);
    this.set({
      tradeGroups: this.state.tradeGroups.filter((g) => g.id !== id),
      members: this.state.members.filter((m) => m.tradeGroupId !== id),
    });
  }

  upsertMember(m: MemberView) {
    this.hold(mKey(m), m.outboxId);
    this.set({ members: upsertMember(this.state.members, m) });
  }

  removeMember(tradeGroupId: string, slaveAccount: string, outboxId?: number) {
    this.hold(mKey({ tradeGroupId, slaveAccount }), outboxId);
    const members = this.state.members.filter(
      (m) => !(m.tradeGroupId === tradeGroupId && m.slaveAccount === slaveAccount),
    );
    // The server deletes a group with its last member.
    const tradeGroups = members.some((m) => m.tradeGroupId === tradeGroupId)
      ? this.state.tradeGroups
      : this.state.tradeGroups.filter((g) => g.id !== tradeGroupId);
    if (tradeGroups !== this.state.tradeGroups) this.hold(gKey(tradeGroupId), outboxId);
    this.set({ members, tradeGroups });
  }

  clearActivity() {
    this.set({ activity: [] });
  }

  /**
   * Stamps an entry with the relay's own time (`at`) when the event carries one, and keeps the feed newest first
   * in event order: events that arrive late (a burst after a reconnect) go where they happened, not on top.
   */
  pushActivity<K extends ActivityKind>(kind: K, payload: RelayEventPayload<K>) {
    const stamped = (payload as { at?: unknown }).at;
    const at = typeof stamped === 'string' && !Number.isNaN(Date.parse(stamped)) ? stamped : undefined;
    const entry = {
      seq: ++this.seq,
      at: at ?? this.now().toISOString(),
      kind,
      accounts: activityAccounts(kind, payload),
      payload,
    } as ActivityEntry;
    const t = Date.parse(entry.at);
    const list = this.state.activity;
    let i = 0;
    while (i < list.length && Date.parse(list[i]?.at ?? '') > t) i++;
    const activity = [...list.slice(0, i), entry, ...list.slice(i)].slice(0, MAX_ACTIVITY);
    this.set({ activity });
  }

  /** One socket.io event from the relay. */
  handleEvent<E extends RelayEventName>(event: E, payload: RelayEventPayload<E>) {
    switch (event) {
      case 'system_snapshot':
        this.applySnapshot(payload as SystemSnapshot);
        return;
      case 'member_added':
      case 'member_updated':
      case 'member_status_changed':
        this.upsertMember(payload as MemberView);
        return;
      case 'member_delivery': {
        const { tradeGroupId, slaveAccount, ...route } = payload as RelayEventPayload<'member_delivery'>;
        const key = routeKey(tradeGroupId, slaveAccount);
        this.set({ deliveryRoutes: { ...this.state.deliveryRoutes, [key]: route } });
        return;
      }
      case 'member_deleted': {
        const p = payload as RelayEventPayload<'member_deleted'>;
        this.removeMember(p.tradeGroupId, p.slaveAccount);
        return;
      }
      case 'settings_updated': {
        const p = payload as RelayEventPayload<'settings_updated'>;
        this.set({
          members: this.state.members.map((m) =>
            m.tradeGroupId === p.masterAccount && m.slaveAccount === p.slaveAccount
              ? {
                  ...m,
                  status: p.status,
                  enabled: p.enabled,
                  warningCodes: p.warningCodes,
                  slaveSettings: p.slaveSettings,
                }
              : m,
          ),
        });
        return;
      }
      case 'ea_connected':
      case 'ea_disconnected': {
        const p = payload as RelayEventPayload<'ea_disconnected'>;
        for (const fn of this.eaListeners) fn();
        const status = event === 'ea_connected' ? 'Online' : 'Offline';
        this.set({
          connections: this.state.connections.map((c) =>
            c.accountId === p.accountId && (p.eaType === null || c.eaType === p.eaType)
              ? { ...c, status }
              : c,
          ),
        });
        return;
      }
      case 'global_settings_updated':
        this.set({ settingsVersion: this.state.settingsVersion + 1 });
        return;
      case 'ea_throttled':
      case 'ea_recovered': {
        const notice = { kind: event, payload } as EaNotice;
        for (const fn of this.noticeListeners) fn(notice);
        return;
      }
      case 'trade_received':
      case 'trade_copied':
      case 'trade_filtered':
      case 'delivery_failed':
        this.pushActivity(event as ActivityKind, payload as RelayEventPayload<ActivityKind>);
        return;
      default:
        return;
    }
  }
}

/**
 * Flip an intent switch optimistically: show the new position at once, call the server, keep the server's
 * answer on success, and drop the optimistic value (the switch springs back) on error.
 */
export async function optimisticToggle<V>(opts: {
  store: LiveStore;
  key: string;
  enabled: boolean;
  mutate: () => Promise<V>;
  apply: (view: V) => void;
}): Promise<{ ok: true } | { ok: false; error: unknown }> {
  opts.store.setPending(opts.key, opts.enabled);
  try {
    const view = await opts.mutate();
    opts.apply(view);
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  } finally {
    opts.store.clearPending(opts.key);
  }
}
