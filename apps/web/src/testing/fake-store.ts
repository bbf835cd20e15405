// An in-memory Store with the repositories' semantics (errors, ordering, config versions) for service unit
// tests. It implements the same `Store` type as the Prisma adapter (derived from packages/db's repositories),
// so a changed repository signature fails to compile here. `transaction` restores a snapshot when the callback
// throws.
import { NotFound, UniqueViolation, UnreadableMember } from '@sankey/db/errors';
import { outboxChangeSchema } from '@sankey/shared/api/changes';
import {
  defaultGlobalSettings,
  type GlobalSettings,
  type GlobalSettingsUpdate,
  globalSettingsSchema,
  slaveSettingsInputSchema,
  slaveSettingsSchema,
} from '@sankey/shared/domain/settings';
import type { AdminSessionDto, MemberDto, OutboxDto, Repos, Store, TradeGroupDto } from '../server/store';

interface State {
  groups: Map<string, TradeGroupDto>;
  members: Map<string, MemberDto>;
  /** Members whose stored settings "do not parse" (see breakMemberSettings). */
  unreadable: Set<string>;
  outbox: OutboxDto[];
  settings: GlobalSettings;
  passwordHash: string | null;
  sessions: Map<string, AdminSessionDto>;
  nextMemberId: number;
  tick: number;
}

const key = (g: string, s: string) => `${g}\u0000${s}`;
const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

export class FakeStore implements Store {
  s: State = {
    groups: new Map(),
    members: new Map(),
    unreadable: new Set(),
    outbox: [],
    settings: defaultGlobalSettings(),
    passwordHash: null,
    sessions: new Map(),
    nextMemberId: 1,
    tick: 0,
  };
  transactions = 0;
  rollbacks = 0;

  /** Makes the member read as the repository reads a row whose settings JSON does not validate. */
  breakMemberSettings(g: string, sl: string): void {
    if (!this.s.members.has(key(g, sl))) throw new Error(`no member ${g}/${sl}`);
    this.s.unreadable.add(key(g, sl));
  }

  private readable(m: MemberDto): MemberDto {
    if (this.s.unreadable.has(key(m.tradeGroupId, m.slaveAccount))) {
      throw new UnreadableMember(m.tradeGroupId, m.slaveAccount, 'lotMultiplier: expected number');
    }
    return m;
  }

  /** Strictly increasing timestamps, so "newest first" is deterministic. */
  private now(): Date {
    return new Date(Date.UTC(2026, 0, 1) + ++this.s.tick * 1000);
  }

  private newMember(
    tradeGroupId: string,
    m: { slaveAccount: string; slaveSettings?: unknown; enabled?: boolean },
  ) {
    const now = this.now();
    const settings = slaveSettingsInputSchema.parse(m.slaveSettings ?? {});
    const member: MemberDto = {
      id: this.s.nextMemberId++,
      tradeGroupId,
      slaveAccount: m.slaveAccount,
      slaveSettings: slaveSettingsSchema.parse({ ...settings, configVersion: 1 }),
      enabled: m.enabled ?? false,
      status: 0,
      createdAt: now,
      updatedAt: now,
    };
    return member;
  }

  private bumpGroup(id: string, change: Partial<TradeGroupDto>): TradeGroupDto {
    const g = this.s.groups.get(id);
    if (!g) throw new NotFound('TradeGroup', { id });
    const next = { ...g, ...change, configVersion: g.configVersion + 1, updatedAt: this.now() };
    this.s.groups.set(id, next);
    return next;
  }

  private bumpMember(
    g: string,
    sl: string,
    change: { slaveSettings?: unknown; enabled?: boolean },
  ): MemberDto {
    const m = this.s.members.get(key(g, sl));
    if (!m) throw new NotFound('TradeGroupMember', { tradeGroupId: g, slaveAccount: sl });
    const configVersion = m.slaveSettings.configVersion + 1;
    const settings =
      change.slaveSettings === undefined
        ? { ...m.slaveSettings, configVersion }
        : slaveSettingsSchema.parse({
            ...slaveSettingsInputSchema.parse(change.slaveSettings),
            configVersion,
          });
    const next: MemberDto = {
      ...m,
      slaveSettings: settings,
      enabled: change.enabled ?? m.enabled,
      updatedAt: this.now(),
    };
    this.s.members.set(key(g, sl), next);
    if (change.slaveSettings !== undefined) this.s.unreadable.delete(key(g, sl));
    return this.readable(next);
  }

  tradeGroups: Repos['tradeGroups'] = {
    // One thread, no interleaving inside a fake transaction: nothing to lock.
    lockForChange: async () => {},
    create: async (input) => {
      if (this.s.groups.has(input.id)) throw new UniqueViolation('TradeGroup', { id: input.id });
      const now = this.now();
      const group: TradeGroupDto = {
        id: input.id,
        enabled: input.enabled ?? false,
        symbolPrefix: input.symbolPrefix ?? null,
        symbolSuffix: input.symbolSuffix ?? null,
        delivery: input.delivery ?? 'shared',
        configVersion: 1,
        createdAt: now,
        updatedAt: now,
      };
      this.s.groups.set(group.id, group);
      const members = (input.members ?? []).map((m) => {
        if (this.s.members.has(key(group.id, m.slaveAccount))) {
          throw new UniqueViolation('TradeGroupMember', { slaveAccount: m.slaveAccount });
        }
        const member = this.newMember(group.id, m);
        this.s.members.set(key(group.id, m.slaveAccount), member);
        return member;
      });
      return { group, members: members.sort((a, b) => bytes(a.slaveAccount, b.slaveAccount)) };
    },
    get: async (id) => this.s.groups.get(id) ?? null,
    list: async () =>
      [...this.s.groups.values()].sort(
        (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || bytes(a.id, b.id),
      ),
    updateAffixes: async (id, affixes) => {
      const change: Partial<TradeGroupDto> = {};
      if (affixes.symbolPrefix !== undefined) change.symbolPrefix = affixes.symbolPrefix;
      if (affixes.symbolSuffix !== undefined) change.symbolSuffix = affixes.symbolSuffix;
      if (affixes.delivery !== undefined) change.delivery = affixes.delivery;
      return this.bumpGroup(id, change);
    },
    setEnabled: async (id, enabled) => this.bumpGroup(id, { enabled }),
    delete: async (id) => {
      const group = this.s.groups.get(id);
      if (!group) throw new NotFound('TradeGroup', { id });
      const slaveAccounts: string[] = [];
      for (const [k, m] of this.s.members) {
        if (m.tradeGroupId === id) {
          slaveAccounts.push(m.slaveAccount);
          this.s.members.delete(k);
          this.s.unreadable.delete(k);
        }
      }
      this.s.groups.delete(id);
      return { group, slaveAccounts: slaveAccounts.sort(bytes) };
    },
  };

  members: Repos['members'] = {
    add: async (g, m) => {
      if (!this.s.groups.has(g)) throw new NotFound('TradeGroup', { id: g });
      if (this.s.members.has(key(g, m.slaveAccount))) {
        throw new UniqueViolation('TradeGroupMember', { tradeGroupId: g, slaveAccount: m.slaveAccount });
      }
      const member = this.newMember(g, m);
      this.s.members.set(key(g, m.slaveAccount), member);
      return member;
    },
    get: async (g, sl) => {
      const m = this.s.members.get(key(g, sl));
      return m ? this.readable(m) : null;
    },
    listByGroup: async (g) =>
      [...this.s.members.values()]
        .filter((m) => m.tradeGroupId === g)
        .map((m) => this.readable(m))
        .sort((a, b) => bytes(a.slaveAccount, b.slaveAccount)),
    listLinks: async () =>
      [...this.s.members.values()]
        .map(({ tradeGroupId, slaveAccount }) => ({ tradeGroupId, slaveAccount }))
        .sort((a, b) => bytes(a.tradeGroupId, b.tradeGroupId) || bytes(a.slaveAccount, b.slaveAccount)),
    updateSettings: async (g, sl, slaveSettings) => this.bumpMember(g, sl, { slaveSettings }),
    setEnabled: async (g, sl, enabled) => this.bumpMember(g, sl, { enabled }),
    delete: async (g, sl) => {
      const m = this.s.members.get(key(g, sl));
      if (!m) throw new NotFound('TradeGroupMember', { tradeGroupId: g, slaveAccount: sl });
      this.s.members.delete(key(g, sl));
      this.s.unreadable.delete(key(g, sl));
    },
    countByGroup: async (g) => [...this.s.members.values()].filter((m) => m.tradeGroupId === g).length,
  };

  outbox: Repos['outbox'] = {
    append: async (entry) => {
      // The same check as the repository: a payload outside the shared contract fails the service test.
      const change = outboxChangeSchema.parse({ tradeGroupId: null, slaveAccount: null, ...entry });
      const row: OutboxDto = {
        id: this.s.outbox.length + 1,
        kind: change.kind,
        tradeGroupId: change.tradeGroupId,
        slaveAccount: change.slaveAccount,
        payload: change.payload,
        createdAt: this.now(),
        processedAt: null,
      };
      this.s.outbox.push(row);
      return row;
    },
  };

  /** As outbox.append writes it: one pending entry per row (the fake has no relay to settle them). */
  changeHistory: Repos['changeHistory'] = {
    list: async (o = {}) =>
      this.s.outbox
        .filter(
          (r) =>
            (o.beforeId === undefined || r.id < o.beforeId) &&
            (o.tradeGroupId === undefined || r.tradeGroupId === o.tradeGroupId) &&
            (o.slaveAccount === undefined || r.slaveAccount === o.slaveAccount),
        )
        .reverse()
        .slice(0, o.limit ?? 100)
        .map((r) => ({
          id: r.id,
          outboxId: r.id,
          kind: r.kind,
          tradeGroupId: r.tradeGroupId,
          slaveAccount: r.slaveAccount,
          createdAt: r.createdAt,
          state: 'pending' as const,
          attempts: 0,
          error: null,
          settledAt: null,
        })),
  };

  globalSettings: Repos['globalSettings'] = {
    get: async () => structuredClone(this.s.settings),
    update: async (patch: GlobalSettingsUpdate) => {
      const cur = this.s.settings;
      const logShipping = Object.fromEntries(
        Object.entries(patch.logShipping ?? {}).filter(([, v]) => v !== undefined),
      );
      this.s.settings = globalSettingsSchema.parse({
        ...cur,
        ...(patch.synonymGroups !== undefined && { synonymGroups: patch.synonymGroups }),
        ...(patch.heartbeatTimeoutS !== undefined && { heartbeatTimeoutS: patch.heartbeatTimeoutS }),
        logShipping: { ...cur.logShipping, ...logShipping },
      });
      return structuredClone(this.s.settings);
    },
  };

  admin: Repos['admin'] = {
    getPasswordHash: async () => this.s.passwordHash,
    setPasswordHash: async (hash) => {
      this.s.passwordHash = hash;
    },
    createSession: async (session) => {
      const dto = {
        id: session.id,
        createdAt: session.createdAt ?? new Date(),
        expiresAt: session.expiresAt,
        lastSeenAt: null,
      };
      this.s.sessions.set(session.id, dto);
      return dto;
    },
    getSession: async (id, now = new Date()) => {
      const s = this.s.sessions.get(id);
      return s && s.expiresAt > now ? s : null;
    },
    deleteSession: async (id) => this.s.sessions.delete(id),
    deleteAllSessions: async () => {
      const n = this.s.sessions.size;
      this.s.sessions.clear();
      return n;
    },
    deleteOtherSessions: async (keepId) => {
      const ids = [...this.s.sessions.keys()].filter((id) => id !== keepId);
      for (const id of ids) this.s.sessions.delete(id);
      return ids;
    },
    deleteExpiredSessions: async (now = new Date()) => {
      let n = 0;
      for (const [id, s] of this.s.sessions) {
        if (s.expiresAt <= now) {
          this.s.sessions.delete(id);
          n++;
        }
      }
      return n;
    },
  };

  async transaction<T>(fn: (repos: Repos) => Promise<T>): Promise<T> {
    this.transactions++;
    const snapshot = structuredClone(this.s);
    try {
      return await fn(this);
    } catch (err) {
      this.s = snapshot;
      this.rollbacks++;
      throw err;
    }
  }
}
