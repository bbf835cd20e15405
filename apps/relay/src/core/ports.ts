// The relay core's ports: everything it needs from the outside, so handlers are unit-tested without I/O.
import type { RelayEventName, RelayEventPayload } from '@sankey/shared/api/events';
import type { FilterReason } from '@sankey/shared/protocol/constants';
import type { TradeSignal } from '@sankey/shared/protocol/messages';

/** Send priorities: closes and removals first, then modifies and configs, then opens (design.md, Delivery). */
export type Priority = 0 | 1 | 2;
export const PRIORITY_HIGH: Priority = 0;
export const PRIORITY_NORMAL: Priority = 1;
export const PRIORITY_LOW: Priority = 2;

/** Tracks one inbound signal until its last outbound frame is sent (relay latency). */
export interface SendTracker {
  receivedAtNs: bigint;
  pending: number;
  onDone(latencyNs: bigint): void;
}

export interface FrameSink {
  /** Queues one already-encoded PUB frame. Never throws; overflow and failures are counted by the sink. */
  send(frame: Buffer, topic: string, priority: Priority, tracker?: SendTracker): void;
}

export interface EventSink {
  emit<E extends RelayEventName>(event: E, payload: RelayEventPayload<E>): void;
  /** False when nobody listens: the hot path then skips building per-member event payloads. */
  readonly active: boolean;
  /** Something a `system_snapshot` shows changed; `balanceOnly` changes are throttled harder. */
  snapshotChanged(balanceOnly?: boolean): void;
}

/** Persists the runtime member status (D2); called only when the value changed. Must not block. */
export interface StatusWriter {
  write(tradeGroupId: string, slaveAccount: string, status: number): void;
}

export type ConfigTrigger =
  | 'register'
  | 'heartbeat'
  | 'request_config'
  | 'offline'
  | 'global'
  | 'group_created'
  | 'group_updated'
  | 'group_toggled'
  | 'group_deleted'
  | 'member_added'
  | 'member_updated'
  | 'member_toggled'
  | 'member_deleted';

export interface CoreMetrics {
  configSent(kind: 'master' | 'slave' | 'global', trigger: ConfigTrigger): void;
  signalCopied(): void;
  signalFiltered(reason: FilterReason): void;
  frameRefused(reason: string): void;
}

/** Records every inbound trade signal with what the copy engine decided (the signal journal). */
export interface SignalRecorder {
  record(sig: TradeSignal, accepted: number, filtered: Partial<Record<FilterReason, number>>): void;
}

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface Clock {
  nowMs(): number;
}

export const nullMetrics: CoreMetrics = {
  configSent() {},
  signalCopied() {},
  signalFiltered() {},
  frameRefused() {},
};
