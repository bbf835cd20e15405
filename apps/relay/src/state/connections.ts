// The connection table (protocol-and-relay.md §6.1): one entry per (account id, EA type), in memory only.
// Entries are never deleted; Unregister and timeouts only change their status.
import type { EaConnection, SymbolContextView } from '@sankey/shared/api/views';
import type { ConnectionStatus, EaType, Platform } from '@sankey/shared/protocol/constants';
import type { HeartbeatMessage, RegisterMessage } from '@sankey/shared/protocol/messages';
import { type WireInt, wireIntToDecimal } from '@sankey/shared/protocol/wire-int';

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
  lastHeartbeatMs: number;
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

export class ConnectionTable {
  private readonly entries = new Map<string, ConnectionEntry>();

  register(msg: RegisterMessage, nowMs: number): ConnectionEntry {
    const eaType = eaTypeKey(msg.ea_type);
    const existing = this.entries.get(key(msg.account_id, eaType));
    if (existing) {
      // Re-registration keeps status, last heartbeat and is_trade_allowed (§6.1, §12 item 12).
      const ctx = contextView(msg);
      if (ctx) existing.symbolContext = ctx;
      existing.platform = parsePlatform(msg.platform) ?? existing.platform;
      existing.server = msg.server;
      existing.broker = msg.broker;
      existing.accountName = msg.account_name;
      return existing;
    }
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
      lastHeartbeatMs: nowMs,
      status: 'Registered',
      connectedAtMs: nowMs,
      isTradeAllowed: msg.is_trade_allowed,
      symbolContext: contextView(msg),
    };
    this.entries.set(key(msg.account_id, eaType), entry);
    return entry;
  }

  /** Returns true when the heartbeat created the entry (a "new registration"). */
  heartbeat(msg: HeartbeatMessage, nowMs: number): boolean {
    const eaType = eaTypeKey(msg.ea_type);
    const existing = this.entries.get(key(msg.account_id, eaType));
    if (existing) {
      existing.lastHeartbeatMs = nowMs;
      existing.balance = msg.balance;
      existing.equity = msg.equity;
      existing.status = 'Online';
      existing.isTradeAllowed = msg.is_trade_allowed;
      existing.platform = parsePlatform(msg.platform) ?? existing.platform;
      return false;
    }
    this.entries.set(key(msg.account_id, eaType), {
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
      lastHeartbeatMs: nowMs,
      status: 'Online',
      connectedAtMs: nowMs,
      isTradeAllowed: msg.is_trade_allowed,
      symbolContext: null,
    });
    return true;
  }

  setStatus(accountId: string, eaType: EaType, status: ConnectionStatus): void {
    const e = this.entries.get(key(accountId, eaType));
    if (e) e.status = status;
  }

  /** Online or Registered entries silent for longer than the timeout become Timeout. */
  checkTimeouts(nowMs: number, timeoutS: number): ConnectionEntry[] {
    const out: ConnectionEntry[] = [];
    for (const e of this.entries.values()) {
      if (
        (e.status === 'Online' || e.status === 'Registered') &&
        nowMs - e.lastHeartbeatMs > timeoutS * 1000
      ) {
        e.status = 'Timeout';
        out.push(e);
      }
    }
    return out;
  }

  get(accountId: string, eaType: EaType): ConnectionEntry | undefined {
    return this.entries.get(key(accountId, eaType));
  }
  getMaster(accountId: string): ConnectionEntry | undefined {
    return this.entries.get(key(accountId, 'Master'));
  }
  getSlave(accountId: string): ConnectionEntry | undefined {
    return this.entries.get(key(accountId, 'Slave'));
  }
  /** Master entry if present, else the Slave entry. */
  getEa(accountId: string): ConnectionEntry | undefined {
    return this.getMaster(accountId) ?? this.getSlave(accountId);
  }
  all(): ConnectionEntry[] {
    return [...this.entries.values()];
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
