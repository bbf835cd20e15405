// socket.io event sink: typed events to every authenticated browser, and `system_snapshot` debounced after
// changes (≤ 250 ms), balance/equity/heartbeat-only changes at most every 3 s (docs/api.md, Realtime events).
import type {
  RelayEventName,
  RelayEventPayload,
  ServerToClientEvents,
  SystemSnapshot,
} from '@sankey/shared/api/events';
import type { Server } from 'socket.io';
import type { EventSink } from '../core/ports';

export interface LiveEventsOptions {
  debounceMs: number;
  balanceIntervalMs: number;
}

type AnyEmit = (event: string, payload: unknown) => void;

export class LiveEvents implements EventSink {
  private io: Server<Record<string, never>, ServerToClientEvents> | null = null;
  private changeTimer: NodeJS.Timeout | null = null;
  private balanceTimer: NodeJS.Timeout | null = null;
  private lastSnapshotAt = 0;
  /** In-process listeners (tests, metrics); socket.io clients get the same events. */
  private readonly listeners = new Set<(event: RelayEventName, payload: unknown) => void>();
  /** Told of each socket.io client that connects (cluster mode: the event bridge starts receiving then). */
  private readonly connectHooks: (() => void)[] = [];
  /** Cluster mode: this relay's id, added as `relayId` to the events other relays' browsers see too. */
  private origin: {
    relayId: string;
    events: ReadonlySet<RelayEventName>;
    suppress: (event: RelayEventName, payload: unknown) => boolean;
  } | null = null;

  constructor(
    private readonly snapshot: () => SystemSnapshot,
    private readonly opts: LiveEventsOptions = { debounceMs: 250, balanceIntervalMs: 3000 },
  ) {}

  attach(io: Server<Record<string, never>, ServerToClientEvents>): void {
    this.io = io;
    io.on('connection', () => {
      for (const fn of this.connectHooks) fn();
    });
  }

  onClientConnected(fn: () => void): void {
    this.connectHooks.push(fn);
  }

  subscribe(fn: (event: RelayEventName, payload: unknown) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get active(): boolean {
    return this.listeners.size > 0 || (!!this.io && this.io.engine.clientsCount > 0);
  }

  /**
   * Cluster mode: tags `events` with this relay's id, and drops the events `suppress` says another relay emits
   * already (docs/cluster.md, Live events).
   */
  setOrigin(
    relayId: string,
    events: ReadonlySet<RelayEventName>,
    suppress: (event: RelayEventName, payload: unknown) => boolean = () => false,
  ): void {
    this.origin = { relayId, events, suppress };
  }

  emit<E extends RelayEventName>(event: E, raw: RelayEventPayload<E>): void {
    if (this.origin?.suppress(event, raw)) return;
    const payload = this.origin?.events.has(event) ? { ...raw, relayId: this.origin.relayId } : raw;
    for (const l of this.listeners) l(event, payload);
    if (this.io && this.io.engine.clientsCount > 0) (this.io.emit as unknown as AnyEmit)(event, payload);
  }

  hasClients(): boolean {
    return !!this.io && this.io.engine.clientsCount > 0;
  }

  /**
   * Another relay's event, to the socket.io clients only (not to the in-process listeners, so it is never sent on).
   * A client whose send buffer holds more than `maxBuffered` packets skips it; returns how many did.
   */
  emitToClients(event: RelayEventName, payload: unknown, maxBuffered: number): number {
    if (!this.io || this.io.engine.clientsCount === 0) return 0;
    let skipped = 0;
    for (const socket of this.io.of('/').sockets.values()) {
      const buffered = (socket.conn as unknown as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0;
      if (buffered > maxBuffered) skipped++;
      else (socket.emit as unknown as AnyEmit)(event, payload);
    }
    return skipped;
  }

  snapshotChanged(balanceOnly = false): void {
    if (!balanceOnly) {
      if (this.balanceTimer) {
        clearTimeout(this.balanceTimer);
        this.balanceTimer = null;
      }
      this.changeTimer ??= setTimeout(() => this.sendSnapshot(), this.opts.debounceMs);
      return;
    }
    if (this.changeTimer || this.balanceTimer) return;
    const wait = Math.max(0, this.lastSnapshotAt + this.opts.balanceIntervalMs - Date.now());
    this.balanceTimer = setTimeout(() => this.sendSnapshot(), wait);
  }

  /**
   * Every socket.io client gets a fresh `system_snapshot` (debounced like any change): cluster mode calls it when
   * NATS is back, as the other relays' events of the outage are lost (docs/cluster.md, Live events).
   */
  resync(): void {
    this.snapshotChanged();
  }

  private sendSnapshot(): void {
    if (this.changeTimer) clearTimeout(this.changeTimer);
    if (this.balanceTimer) clearTimeout(this.balanceTimer);
    this.changeTimer = null;
    this.balanceTimer = null;
    this.lastSnapshotAt = Date.now();
    const hasClients = !!this.io && this.io.engine.clientsCount > 0;
    if (!hasClients && this.listeners.size === 0) return;
    this.emit('system_snapshot', this.snapshot());
  }

  close(): void {
    if (this.changeTimer) clearTimeout(this.changeTimer);
    if (this.balanceTimer) clearTimeout(this.balanceTimer);
    this.changeTimer = null;
    this.balanceTimer = null;
  }
}
