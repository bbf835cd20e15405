// Shared runtime state of the cluster's EAs (docs/cluster.md, KV bucket `<cluster>_ea`): what each relay writes
// for its own EAs, and how another relay's entry becomes input to the local core. Pure: no I/O.
//
// A remote master enters the local connection table as the heartbeats its KV entries stand for, so the status
// engine evaluates local members against it exactly as against a local master, and times it out on this relay's
// own monotonic clock when no KV update arrived within the heartbeat timeout (clocks do not compare across
// machines; the bucket TTL only cleans up). Remote slaves are not entered: a relay copies only to its own slaves.
import type { SymbolContextView } from '@sankey/shared/api/views';
import type { ConnectionStatus, EaType } from '@sankey/shared/protocol/constants';
import type { DecodedInbound } from '@sankey/shared/protocol/messages';
import { parseDecimalWireInt, wireIntToDecimal } from '@sankey/shared/protocol/wire-int';
import type { ConnectionEntry } from '../state/connections';

export interface EaStateValue {
  relayId: string;
  accountId: string;
  eaType: EaType;
  status: ConnectionStatus;
  isTradeAllowed: boolean;
  balance: number;
  equity: number;
  currency: string;
  platform: string;
  accountNumber: string;
  broker: string;
  accountName: string;
  server: string;
  leverage: string;
  symbolContext: SymbolContextView | null;
  /** Wall time of the EA's last heartbeat at its relay (display only). */
  lastHeartbeat: string;
}

export function eaStateValue(relayId: string, e: ConnectionEntry): EaStateValue {
  return {
    relayId,
    accountId: e.accountId,
    eaType: e.eaType,
    status: e.status,
    isTradeAllowed: e.isTradeAllowed,
    balance: e.balance,
    equity: e.equity,
    currency: e.currency,
    platform: e.platform,
    accountNumber: wireIntToDecimal(e.accountNumber),
    broker: e.broker,
    accountName: e.accountName,
    server: e.server,
    leverage: wireIntToDecimal(e.leverage),
    symbolContext: e.symbolContext,
    lastHeartbeat: new Date(e.lastHeartbeatMs).toISOString(),
  };
}

const live = (s: ConnectionStatus) => s === 'Online' || s === 'Registered';

/** What was last written for one local EA. */
export interface Written {
  status: ConnectionStatus;
  isTradeAllowed: boolean;
  lastHeartbeatMs: number;
  atMono: number;
}

/**
 * A live EA's entry is rewritten this many times per heartbeat timeout: the other relays time it out when no update
 * arrived within the timeout, so one or two late refreshes (a loaded relay, a slow NATS round trip) must not make it
 * flicker offline there. The one constant the refresh interval is derived from (docs/cluster.md, EA state).
 */
export const KV_REFRESHES_PER_TIMEOUT = 3;

/**
 * At most this long between rewrites even with a long timeout: the entry also carries what the other relays show
 * (equity, balance) and a group created there meanwhile waits for the next one to see its master online.
 */
export const KV_REFRESH_MAX_MS = 5000;

/** How often a live local EA's unchanged entry is rewritten, for the heartbeat timeout in force (ms). */
export function kvRefreshEveryMs(heartbeatTimeoutS: number): number {
  return Math.min(KV_REFRESH_MAX_MS, Math.floor((heartbeatTimeoutS * 1000) / KV_REFRESHES_PER_TIMEOUT));
}

/**
 * Whether a local EA's entry is due: on every change of status or trade-allowed flag at once, otherwise at
 * least every `refreshMs` while it heartbeats (a live EA's entry must stay fresh for the other relays' timeouts).
 */
export function isDue(
  last: Written | undefined,
  e: ConnectionEntry,
  nowMono: number,
  refreshMs: number,
): boolean {
  if (!last) return true;
  if (last.status !== e.status || last.isTradeAllowed !== e.isTradeAllowed) return true;
  return live(e.status) && e.lastHeartbeatMs !== last.lastHeartbeatMs && nowMono - last.atMono >= refreshMs;
}

/**
 * The local core's input for another relay's entry of a master: a Heartbeat while the master is live there,
 * an Unregister when it went Offline or timed out. Slaves give nothing (a relay copies only to its own).
 */
export function remoteInput(
  v: EaStateValue,
  nowMs: number,
): Extract<DecodedInbound, { type: 'Heartbeat' | 'Unregister' }> | null {
  if (v.eaType !== 'Master') return null;
  if (!live(v.status)) {
    return {
      type: 'Unregister',
      message: { message_type: 'Unregister', account_id: v.accountId, timestamp: nowMs, ea_type: 'Master' },
    };
  }
  return {
    type: 'Heartbeat',
    message: {
      message_type: 'Heartbeat',
      account_id: v.accountId,
      balance: v.balance,
      equity: v.equity,
      open_positions: 0,
      timestamp: new Date(nowMs).toISOString(),
      version: 'cluster',
      ea_type: 'Master',
      platform: v.platform,
      account_number: parseDecimalWireInt(v.accountNumber) ?? 0,
      broker: v.broker,
      account_name: v.accountName,
      server: v.server,
      currency: v.currency,
      leverage: parseDecimalWireInt(v.leverage) ?? 0,
      is_trade_allowed: v.isTradeAllowed,
      symbol_prefix: null,
      symbol_suffix: null,
      symbol_map: null,
    },
  };
}
