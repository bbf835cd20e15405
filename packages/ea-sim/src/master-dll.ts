// How the Master EA + bridge DLL shape what they send (docs/protocol.md §2.5, §2.7). Pure functions.
import type {
  PositionInfo,
  PositionSnapshotMessage,
  TradeSignal,
  WireInt,
} from '@sankey/shared/protocol/messages';
import { wireIntEquals } from '@sankey/shared/protocol/wire-int';
import { rfc3339Offset, rfc3339Seconds, rfc3339UtcMillis } from '@sankey/shared/time';
import type { MasterPosition, OpenOptions } from './types';

const EPS = 1e-6;

/** Strips the master's own configured prefix/suffix once each (empty/null = no-op). */
export function stripAffixes(symbol: string, prefix: string | null, suffix: string | null): string {
  let s = symbol;
  if (prefix && s.startsWith(prefix)) s = s.slice(prefix.length);
  if (suffix && s.endsWith(suffix)) s = s.slice(0, s.length - suffix.length);
  return s;
}

/** Open: every key present (SL/TP even when 0.0, magic even when 0, comment even when empty). */
export function buildOpenSignal(
  o: OpenOptions,
  ctx: { sourceAccount: string; nowMs: number; prefix: string | null; suffix: string | null },
): TradeSignal {
  return {
    action: 'Open',
    ticket: o.ticket,
    symbol: stripAffixes(o.symbol, ctx.prefix, ctx.suffix),
    order_type: o.orderType,
    lots: o.lots,
    open_price: o.openPrice ?? 0,
    stop_loss: o.stopLoss ?? 0,
    take_profit: o.takeProfit ?? 0,
    magic_number: o.magicNumber ?? 0,
    comment: o.comment ?? '',
    timestamp: rfc3339UtcMillis(new Date(ctx.nowMs)),
    source_account: ctx.sourceAccount,
  };
}

/** Close: ticket, lots, timestamp, source, and close_ratio unless it equals 1.0 (±1e-6). */
export function buildCloseSignal(
  ticket: WireInt,
  lots: number,
  closeRatio: number,
  ctx: { sourceAccount: string; nowMs: number },
): TradeSignal {
  const signal: TradeSignal = {
    action: 'Close',
    ticket,
    lots,
    timestamp: rfc3339UtcMillis(new Date(ctx.nowMs)),
    source_account: ctx.sourceAccount,
  };
  if (Math.abs(closeRatio - 1) > EPS) signal.close_ratio = closeRatio;
  return signal;
}

/** Modify: ticket, stop_loss / take_profit each omitted when |v| < 1e-6. */
export function buildModifySignal(
  ticket: WireInt,
  stopLoss: number,
  takeProfit: number,
  ctx: { sourceAccount: string; nowMs: number },
): TradeSignal {
  const signal: TradeSignal = {
    action: 'Modify',
    ticket,
    timestamp: rfc3339UtcMillis(new Date(ctx.nowMs)),
    source_account: ctx.sourceAccount,
  };
  if (Math.abs(stopLoss) >= EPS) signal.stop_loss = stopLoss;
  if (Math.abs(takeProfit) >= EPS) signal.take_profit = takeProfit;
  return signal;
}

/** PositionInfo as the DLL builds it: SL/TP omitted when ~0, magic omitted when 0, comment when empty. */
export function toPositionInfo(
  p: MasterPosition,
  prefix: string | null,
  suffix: string | null,
): PositionInfo {
  const info: PositionInfo = {
    ticket: p.ticket,
    symbol: stripAffixes(p.symbol, prefix, suffix),
    order_type: p.orderType,
    lots: p.lots,
    open_price: p.openPrice,
    open_time: rfc3339Seconds(new Date(p.openTimeMs)),
  };
  if (Math.abs(p.stopLoss) >= EPS) info.stop_loss = p.stopLoss;
  if (Math.abs(p.takeProfit) >= EPS) info.take_profit = p.takeProfit;
  if (!wireIntEquals(p.magicNumber, 0)) info.magic_number = p.magicNumber;
  if (p.comment !== '') info.comment = p.comment;
  return info;
}

export function buildSnapshot(
  sourceAccount: string,
  positions: PositionInfo[],
  nowMs: number,
): PositionSnapshotMessage {
  return {
    message_type: 'PositionSnapshot',
    source_account: sourceAccount,
    positions,
    timestamp: rfc3339Offset(new Date(nowMs)),
  };
}
