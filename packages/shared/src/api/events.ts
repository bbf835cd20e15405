// socket.io events from the relay to browsers (docs/api.md, Realtime events), camelCase payloads.
import type { GlobalSettings, SlaveSettings } from '../domain/settings';
import type { FilterReason, TradeAction, WarningCode } from '../protocol/constants';
import type { EaConnection, MemberView, TradeGroupView } from './views';

export interface SystemSnapshot {
  connections: EaConnection[];
  tradeGroups: TradeGroupView[];
  members: MemberView[];
  /**
   * The id of the last outbox row the relay had applied when it took the snapshot: data a mutation answered
   * with a higher `outboxId` is newer than this snapshot (the UI keeps it).
   */
  appliedOutboxId: number;
}

export interface SnapshotPositionView {
  /** Decimal: tickets are exact 64-bit integers (D18). */
  ticket: string;
  symbol: string;
  orderType: string;
  lots: number;
  openPrice: number;
}

/**
 * Cluster mode (docs/cluster.md, Live events): the relay an event happened on. Every relay's socket.io serves the
 * events of the whole cluster, so the browser needs one connection; alone the field is absent.
 */
export interface EventOrigin {
  relayId?: string;
}

export interface ServerToClientEvents {
  system_snapshot: (payload: SystemSnapshot) => void;
  trade_received: (
    payload: {
      sourceAccount: string;
      action: TradeAction;
      ticket: string;
      symbol: string | null;
      lots: number | null;
      at: string;
    } & EventOrigin,
  ) => void;
  trade_copied: (
    payload: {
      masterAccount: string;
      slaveAccount: string;
      /** The member's alias when the copy went out under it (isolated delivery, docs/protocol.md D23). */
      via?: string;
      memberId: number;
      action: TradeAction;
      ticket: string;
      symbol: string | null;
      lots: number | null;
      relayLatencyUs: number;
      /** When the relay handled the signal (ISO 8601), so late-arriving rows still sort by event time. */
      at: string;
    } & EventOrigin,
  ) => void;
  trade_filtered: (
    payload: {
      masterAccount: string;
      slaveAccount: string;
      ticket: string;
      reason: FilterReason;
      at: string;
    } & EventOrigin,
  ) => void;
  position_snapshot: (payload: { sourceAccount: string; positions: SnapshotPositionView[] }) => void;
  sync_request: (payload: { slaveAccount: string; masterAccount: string }) => void;
  ea_connected: (payload: { accountId: string; eaType: string } & EventOrigin) => void;
  ea_disconnected: (payload: { accountId: string; eaType: string | null } & EventOrigin) => void;
  settings_updated: (payload: {
    masterAccount: string;
    slaveAccount: string;
    status: number;
    enabled: boolean;
    warningCodes: WarningCode[];
    slaveSettings: SlaveSettings;
  }) => void;
  member_added: (payload: MemberView) => void;
  member_updated: (payload: MemberView) => void;
  member_status_changed: (payload: MemberView) => void;
  member_deleted: (payload: { tradeGroupId: string; slaveAccount: string }) => void;
  /** A step of a member's delivery switch (docs/protocol.md D23): its phase and the alias its slave is told. */
  member_delivery: (payload: {
    tradeGroupId: string;
    slaveAccount: string;
    phase: 'shared' | 'joining' | 'isolated' | 'leaving';
    alias: string;
  }) => void;
  global_settings_updated: (payload: GlobalSettings) => void;
  delivery_failed: (payload: { topic: string; reason: string } & EventOrigin) => void;
  /** The EA's parked copies passed the high-water mark (docs/api.md, endpoints). */
  ea_throttled: (payload: { accountId: string; parked: number; highWater: number } & EventOrigin) => void;
  /** The EA's parked copies drained below half the mark again. */
  ea_recovered: (payload: { accountId: string; parked: number } & EventOrigin) => void;
  /** An account's equity guard tripped, was reset by an operator, or cleared at the day start (D22). */
  equity_guard: (
    payload: {
      accountId: string;
      event: 'tripped' | 'reset' | 'day_start_cleared';
      reason: string | null;
      equity: number | null;
    } & EventOrigin,
  ) => void;
}

/** The browser sends no events; socket.io still wants a map type. */
export type ClientToServerEvents = Record<string, never>;

export type RelayEventName = keyof ServerToClientEvents;
export type RelayEventPayload<E extends RelayEventName> = Parameters<ServerToClientEvents[E]>[0];
