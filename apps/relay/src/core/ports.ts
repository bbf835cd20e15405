// The relay core's ports: everything it needs from the outside, so handlers are unit-tested without I/O.
import type { RelayEventName, RelayEventPayload } from '@sankey/shared/api/events';
import type { FilterReason } from '@sankey/shared/protocol/constants';
import type { TradeSignal } from '@sankey/shared/protocol/messages';

/**
 * What a frame is, for ordering and overload (docs/protocol.md D14): trade frames carry their action; everything
 * else a master's stream carries (configs, removal configs, sync requests, snapshots) is `control`.
 */
export type FrameClass = 'open' | 'modify' | 'close' | 'control';

/** Tracks one inbound signal until its last outbound frame is sent (relay latency). */
export interface SendTracker {
  receivedAtNs: bigint;
  pending: number;
  onDone(latencyNs: bigint): void;
}

/** One already-encoded PUB frame and what the send queue needs to keep order (D14). */
export interface OutboundFrame {
  frame: Buffer;
  topic: string;
  /**
   * The ordering stream: the master the frame derives from (its trade copies, its members' configs, sync
   * frames); frames of one stream leave in the order they were queued. `''` for `config/global`.
   */
  stream: string;
  cls: FrameClass;
  /** Trade frames: the master ticket, which ties an Open to its later Modify and Close on the same topic. */
  ticket?: number | bigint | undefined;
  tracker?: SendTracker | undefined;
  /** The EA the frame is for, when its maker knows it (trade copies): per-EA counters need not parse the topic. */
  to?: string | undefined;
}

export interface FrameSink {
  /** Queues one frame. Never throws; refusals and failures are counted by the sink. */
  send(frame: OutboundFrame): void;
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
  | 'equity'
  | 'listening'
  | 'global'
  | 'group_created'
  | 'group_updated'
  | 'group_toggled'
  | 'group_deleted'
  | 'member_added'
  | 'member_updated'
  | 'member_toggled'
  | 'member_deleted'
  /** A risk control tripped or cleared (docs/protocol.md D22). */
  | 'risk'
  | 'delivery_switch';

/** The delivery ledger as the signal path uses it (D15): what was copied to whom, in memory, no I/O. */
export interface DeliveryLedgerPort {
  isOpen(master: string, slave: string, ticket: number | bigint): boolean;
  sent(
    master: string,
    slave: string,
    ticket: number | bigint,
    symbol: string | null,
    lots: number | null,
  ): void;
  /** An Open parked for a slave that is not listening (D19); it counts as the slave's from now on. */
  parked(
    master: string,
    slave: string,
    ticket: number | bigint,
    symbol: string | null,
    lots: number | null,
  ): void;
  /** A parked Open was released to the slave. */
  released(master: string, slave: string, ticket: number | bigint): void;
  /** A parked Open could not be delivered (D20); it leaves the open set. */
  deadLettered(master: string, slave: string, ticket: number | bigint): void;
  closed(master: string, slave: string, ticket: number | bigint): boolean;
  /** Copies of this member still open (the open-position cap, D22). */
  openCount(master: string, slave: string): number;
  /** The member's open copies (closeAll, D22): an operator action, not the signal path. */
  openTickets(master: string, slave: string): { ticket: string; symbol: string | null }[];
}

/** Why a frame could not be delivered (docs/protocol.md D20). */
export type DeadLetterReason =
  | 'expired_while_offline'
  | 'closed_while_offline'
  | 'queue_overflow'
  | 'frame_refused'
  | 'send_failed'
  | 'shutdown_deadline'
  | 'stale_on_replay';

export interface DeadLetter {
  topic: string;
  payload: Buffer;
  reason: DeadLetterReason;
  /** The EA the frame was for. */
  destination: string;
  masterAccount?: string | undefined;
  ticket?: string | undefined;
  action?: string | undefined;
  firstAttemptAt?: Date | undefined;
}

/**
 * Cluster mode's per-slave dedup of signals from the stream (docs/cluster.md): asked for every copy of the signal
 * being handled. Absent when alone.
 */
export interface CopyGuard {
  /** This slave already had the signal being handled (replayed after a crash): its copy is not sent again. */
  duplicate(master: string, slave: string): boolean;
  /** The copy was sent, parked or cancelled its parked Open. */
  handed(master: string, slave: string): void;
}

/** The blocklist (docs/api.md, blocklist): a blocked EA gets no configs and no copies. */
export type IsBlocked = (accountId: string) => boolean;

/** Records dead letters (batched, off the signal path). Never throws. */
export interface DeadLetterSink {
  add(letter: DeadLetter): void;
}

/** Why inbound input was refused before it reached the copy engine or the connection table (D18). */
export type InboundRefusal = 'no_trade_group' | 'connection_table_full';

export interface CoreMetrics {
  configSent(kind: 'master' | 'slave' | 'global', trigger: ConfigTrigger): void;
  signalCopied(): void;
  signalFiltered(reason: FilterReason): void;
  frameRefused(reason: string): void;
  /** A Close/Modify forwarded to a member not in status 2 because the ledger says it holds the ticket (D15). */
  closeThrough(): void;
  inboundRefused(reason: InboundRefusal): void;
}

/** Records every inbound trade signal with what the copy engine decided (the signal journal). */
export interface SignalRecorder {
  /**
   * `filteredBy`: slave account → reason, only for the members the engine filtered (absent when none were).
   * `via`: slave account → the alias its copy of an Open went out under (isolated delivery, D23; absent when none).
   * `elsewhere`: how many members have their slave on another relay of the cluster (that relay copies them).
   */
  record(
    sig: TradeSignal,
    accepted: number,
    filtered: Partial<Record<FilterReason, number>>,
    filteredBy?: Record<string, FilterReason>,
    via?: Record<string, string>,
    elsewhere?: number,
  ): void;
}

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Wall time for display and message timestamps; monotonic time for liveness and rate limits. */
export interface Clock {
  nowMs(): number;
  monoMs(): number;
}

export const nullMetrics: CoreMetrics = {
  configSent() {},
  signalCopied() {},
  signalFiltered() {},
  frameRefused() {},
  closeThrough() {},
  inboundRefused() {},
};
