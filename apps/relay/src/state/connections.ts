// The connection table (docs/protocol.md §6.1): one entry per (account id, EA type), in memory only. Liveness is
// judged on a monotonic clock (a wall-clock step must not time every EA out); wall time is for display only.
// Bounded (D18): at `maxEntries`, the longest-silent Offline/Timeout entry of an account no trade group names is
// evicted to make room; when none can go, a new unlinked account is refused. Linked accounts are never evicted
// or refused.
import type { EaConnection, SymbolContextView } from '@sankey/shared/api/views';
import type { ConnectionStatus, EaType, Platform } from '@sankey/shared/protocol/constants';
import type { HeartbeatMessage, RegisterMessage } from '@sankey/shared/protocol/messages';
import { type WireInt, wireIntToDecimal } from '@sankey/shared/protocol/wire-int';
import { SweepCursor } from './sweep-cursor';

export interface ConnectionEntry {
  accountId: string;
  eaType: EaType;
  platform: Platform;
  accountNumber: WireInt;
  broker: string;
  accountName: string;
  server: string;
  balance: number;
  equity: number;
  currency: string;
  leverage: WireInt;
  /** Wall time of the last heartbeat (display). */
  lastHeartbeatMs: number;
  /** Monotonic time of the last Register/Heartbeat (liveness). */
  lastSeenMono: number;
  status: ConnectionStatus;
  connectedAtMs: number;
  isTradeAllowed: boolean;
  symbolContext: SymbolContextView | null;
}

/** What the status engine needs from an entry; `status: null` = no entry. */
export interface ConnectionSnapshot {
  status: ConnectionStatus | null;
  isTradeAllowed: boolean;
}

/** Unparseable `ea_type` values fall back to Master for the table key (§4.3). */
export const eaTypeKey = (eaType: string): EaType => (eaType === 'Slave' ? 'Slave' : 'Master');
const parsePlatform = (p: string): Platform | null => (p === 'MT4' || p === 'MT5' ? p : null);
const key = (accountId: string, eaType: EaType) => `${eaType}\u0000${accountId}`;

function contextView(msg: RegisterMessage): SymbolContextView | null {
  const c = msg.symbol_context;
  if (!c) return null;
  return {
    detectedPrefix: c.detected_prefix,
    detectedSuffix: c.detected_suffix,
    availableSpecialSymbols: [...c.available_special_symbols],
  };
}

/** Wall time for display, monotonic time for liveness. */
export interface Now {
  wallMs: number;
  monoMs: number;
}

export interface ConnectionTableOptions {
  maxEntries: number;
  /** Whether a trade group names the account (as master or slave): such entries are never evicted or refused. */
  isLinked(accountId: string): boolean;
}

const UNBOUNDED: ConnectionTableOptions = { maxEntries: Number.POSITIVE_INFINITY, isLinked: () => true };

export class ConnectionTable {
  // One map per EA type keyed by the account id as decoded: no composite key string to build and hash on every
  // lookup (three per heartbeat, 25,000 heartbeats a second).
  private readonly masters = new Map<string, ConnectionEntry>();
  private readonly slaves = new Map<string, ConnectionEntry>();
  /** Every entry in insertion order (what `all()` and the timeout check walk); touched only on add and evict. */
  private readonly ordered = new Map<string, ConnectionEntry>();
  /** Offline/Timeout entries, oldest first: the eviction candidates (checked for links when evicting). */
  private readonly idle = new Map<string, ConnectionEntry>();
  /** Where the sliced timeout check (`checkTimeouts` with slices > 1) goes on from. */
  private readonly sweep = new SweepCursor(this.ordered);
  evicted = 0;

  constructor(private readonly opts: ConnectionTableOptions = UNBOUNDED) {}

  private byType(eaType: EaType): Map<string, ConnectionEntry> {
    return eaType === 'Slave' ? this.slaves : this.masters;
  }

  private entryList(): IterableIterator<ConnectionEntry> {
    return this.ordered.values();
  }

  private add(entry: ConnectionEntry): void {
    this.byType(entry.eaType).set(entry.accountId, entry);
    this.ordered.set(key(entry.accountId, entry.eaType), entry);
  }

  get size(): number {
    return this.masters.size + this.slaves.size;
  }

  /** Marks an entry Offline/Timeout (an eviction candidate) or back to a live status. */
  private setStatusOf(e: ConnectionEntry, status: ConnectionStatus): void {
    e.status = status;
    const k = key(e.accountId, e.eaType);
    this.idle.delete(k);
    if (status === 'Offline' || status === 'Timeout') this.idle.set(k, e);
  }

  /** Room for one more entry for `accountId`: evicts an idle unlinked entry if needed; false = refused. */
  private makeRoom(accountId: string): boolean {
    if (this.size < this.opts.maxEntries) return true;
    for (const [k, e] of this.idle) {
      if (this.opts.isLinked(e.accountId)) continue;
      this.idle.delete(k);
      this.byType(e.eaType).delete(e.accountId);
      this.ordered.delete(k);
      this.evicted++;
      return true;
    }
    return this.opts.isLinked(accountId);
  }

  /** The entry, or null when the table is full and the account is not linked (D18). */
  register(msg: RegisterMessage, now: Now): ConnectionEntry | null {
    const eaType = eaTypeKey(msg.ea_type);
    const existing = this.byType(eaType).get(msg.account_id);
    if (existing) {
      // Re-registration keeps status, last heartbeat and is_trade_allowed (§6.1, §12 item 12).
      const ctx = contextView(msg);
      if (ctx) existing.symbolContext = ctx;
      existing.platform = parsePlatform(msg.platform) ?? existing.platform;
      existing.server = msg.server;
      existing.broker = msg.broker;
      existing.accountName = msg.account_name;
      existing.lastSeenMono = now.monoMs;
      if (existing.status === 'Offline' || existing.status === 'Timeout')
        this.setStatusOf(existing, 'Registered');
      return existing;
    }
    if (!this.makeRoom(msg.account_id)) return null;
    const entry: ConnectionEntry = {
      accountId: msg.account_id,
      eaType,
      platform: parsePlatform(msg.platform) ?? 'MT5',
      accountNumber: msg.account_number,
      broker: msg.broker,
      accountName: msg.account_name,
      server: msg.server,
      balance: 0,
      equity: 0,
      currency: msg.currency,
      leverage: msg.leverage,
      lastHeartbeatMs: now.wallMs,
      lastSeenMono: now.monoMs,
      status: 'Registered',
      connectedAtMs: now.wallMs,
      isTradeAllowed: msg.is_trade_allowed,
      symbolContext: contextView(msg),
    };
    this.add(entry);
    return entry;
  }

  /** 'new' when the heartbeat created the entry (a "new registration"), null when refused (table full, D18). */
  heartbeat(msg: HeartbeatMessage, now: Now): 'new' | 'known' | null {
    const eaType = eaTypeKey(msg.ea_type);
    const existing = this.byType(eaType).get(msg.account_id);
    if (existing) {
      existing.lastHeartbeatMs = now.wallMs;
      existing.lastSeenMono = now.monoMs;
      existing.balance = msg.balance;
      existing.equity = msg.equity;
      if (existing.status !== 'Online') this.setStatusOf(existing, 'Online');
      existing.isTradeAllowed = msg.is_trade_allowed;
      existing.platform = parsePlatform(msg.platform) ?? existing.platform;
      return 'known';
    }
    if (!this.makeRoom(msg.account_id)) return null;
    this.add({
      accountId: msg.account_id,
      eaType,
      platform: parsePlatform(msg.platform) ?? 'MT5',
      accountNumber: msg.account_number,
      broker: msg.broker,
      accountName: msg.account_name,
      server: msg.server,
      balance: msg.balance,
      equity: msg.equity,
      currency: msg.currency,
      leverage: msg.leverage,
      lastHeartbeatMs: now.wallMs,
      lastSeenMono: now.monoMs,
      status: 'Online',
      connectedAtMs: now.wallMs,
      isTradeAllowed: msg.is_trade_allowed,
      symbolContext: null,
    });
    return 'new';
  }

  /** Unregister: the entry goes Offline (and becomes an eviction candidate if unlinked). */
  setOffline(e: ConnectionEntry): void {
    this.setStatusOf(e, 'Offline');
  }

  /**
   * Online or Registered entries silent (on the monotonic clock) for longer than the timeout become Timeout.
   * `slices` > 1: only the next 1/`slices` of the table (sweep-cursor.ts), so a pass over every entry takes
   * `slices` calls and no one call walks the whole table.
   */
  checkTimeouts(monoMs: number, timeoutS: number, slices = 1): ConnectionEntry[] {
    const out: ConnectionEntry[] = [];
    const limitMs = timeoutS * 1000;
    const check = (e: ConnectionEntry) => {
      if ((e.status === 'Online' || e.status === 'Registered') && monoMs - e.lastSeenMono > limitMs) {
        this.setStatusOf(e, 'Timeout');
        out.push(e);
      }
    };
    if (slices > 1) this.sweep.step(slices, check);
    else for (const e of this.entryList()) check(e);
    return out;
  }

  get(accountId: string, eaType: EaType): ConnectionEntry | undefined {
    return this.byType(eaType).get(accountId);
  }
  getMaster(accountId: string): ConnectionEntry | undefined {
    return this.masters.get(accountId);
  }
  getSlave(accountId: string): ConnectionEntry | undefined {
    return this.slaves.get(accountId);
  }
  /** Master entry if present, else the Slave entry. */
  getEa(accountId: string): ConnectionEntry | undefined {
    return this.getMaster(accountId) ?? this.getSlave(accountId);
  }
  all(): ConnectionEntry[] {
    return [...this.entryList()];
  }
  byAccount(accountId: string): ConnectionEntry[] {
    return [this.getMaster(accountId), this.getSlave(accountId)].filter((e): e is ConnectionEntry => !!e);
  }

  snapshotOf(entry: ConnectionEntry | undefined): ConnectionSnapshot {
    return entry
      ? { status: entry.status, isTradeAllowed: entry.isTradeAllowed }
      : { status: null, isTradeAllowed: false };
  }
}

export function connectionView(e: ConnectionEntry): EaConnection {
  return {
    accountId: e.accountId,
    eaType: e.eaType,
    platform: e.platform,
    accountNumber: wireIntToDecimal(e.accountNumber),
    broker: e.broker,
    accountName: e.accountName,
    server: e.server,
    balance: e.balance,
    equity: e.equity,
    currency: e.currency,
    leverage: Number(e.leverage),
    lastHeartbeat: new Date(e.lastHeartbeatMs).toISOString(),
    status: e.status,
    connectedAt: new Date(e.connectedAtMs).toISOString(),
    isTradeAllowed: e.isTradeAllowed,
    symbolContext: e.symbolContext,
  };
}
